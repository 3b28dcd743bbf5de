/**
 * The servers of the HTTP property (http-fuzz.ts): Hono on @hono/node-server and Express (the
 * `express` factory given, 5 or 4), on 127.0.0.1, each with `/verify`, `/optional` and `/dynamic`.
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono, type MiddlewareHandler } from 'hono'
import type { Express, RequestHandler } from 'express'
import type { Verifier } from '@cloudauth/core'
import { bearer, cloudauth as honoAuth, cookie, header } from '@cloudauth/hono'
import { cloudauth as expressAuth } from '@cloudauth/express'
import { createServer } from 'node:http'
import type { FuzzServer } from './http-fuzz.js'

const sources = () => [bearer(), cookie('session'), header('x-id-token')]

export async function startHonoFuzzServer(verifier: Verifier): Promise<FuzzServer> {
  const tokenFrom = sources()
  const auth = honoAuth(verifier, { tokenFrom })
  let dynamic: MiddlewareHandler = auth.verify()
  const app = new Hono()
  app.get('/verify', auth.verify(), (c) => c.text('ok'))
  app.get('/optional', auth.optional(), (c) => c.text('ok'))
  app.get(
    '/dynamic',
    (c, next) => dynamic(c, next),
    (c) => c.text('ok'),
  )
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    )
  })
  return {
    port: (server.address() as AddressInfo).port,
    configure(scopes, realm) {
      dynamic = honoAuth(verifier, { tokenFrom, realm }).scope(scopes) as MiddlewareHandler
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export async function startExpressFuzzServer(
  express: () => Express,
  verifier: Verifier,
): Promise<FuzzServer> {
  const tokenFrom = sources()
  const auth = expressAuth(verifier, { tokenFrom })
  let dynamic: RequestHandler = auth.verify()
  const app = express()
  app.get('/verify', auth.verify(), (_req, res) => res.send('ok'))
  app.get('/optional', auth.optional(), (_req, res) => res.send('ok'))
  app.get(
    '/dynamic',
    (req, res, next) => dynamic(req, res, next),
    (_req, res) => res.send('ok'),
  )
  const server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    configure(scopes, realm) {
      dynamic = expressAuth(verifier, { tokenFrom, realm }).scope(scopes)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
