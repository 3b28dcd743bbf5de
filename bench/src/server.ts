/**
 * A child process: one HTTP server on 127.0.0.1, port 0, that answers GET /api/hello with
 * `{ ok, sub }` behind the auth named in BENCH_SERVER. Sends `{ port }` to the parent when listening.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Hono } from 'hono'
import { jwk } from 'hono/jwk'
import { serve } from '@hono/node-server'
import express, { type RequestHandler } from 'express'
import type { JsonWebKeySet, VerifiedToken } from '@cloudauth/core'
import { cloudauth as expressCloudauth } from '@cloudauth/express'
import { cloudauth as honoCloudauth } from '@cloudauth/hono'
import { AUDIENCE, ISSUER } from './tokens.js'
import type { ServerSpec } from './http.js'

const spec = JSON.parse(process.env.BENCH_SERVER ?? '{}') as ServerSpec & { jwks: JsonWebKeySet }
const jwks = spec.jwks
const verifierOptions = {
  issuers: { issuer: ISSUER, jwks, audience: AUDIENCE },
  algorithms: ['RS256' as const],
}

/** How cloudauth was wired in, for the report: its binding, or core directly. */
let wiring = '-'

function ready(port: number): void {
  process.send?.({ port, wiring })
}

/**
 * express-oauth2-jwt-bearer is loaded by a name the type checker does not follow: its global
 * `Express.Request.auth` declaration would clash with @cloudauth/express's own in the workspace's
 * single type-check program.
 */
async function loadOauth2JwtBearer(): Promise<
  (options: Record<string, unknown>) => RequestHandler
> {
  const name = 'express-oauth2-jwt-bearer'
  const module = (await import(name)) as {
    auth: (options: Record<string, unknown>) => RequestHandler
  }
  return module.auth
}

/** The key set over plain HTTP on 127.0.0.1, for express-oauth2-jwt-bearer, which fetches it. */
function serveJwks(): Promise<string> {
  const body = JSON.stringify(jwks)
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' })
    res.end(body)
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve(`http://127.0.0.1:${port}/.well-known/jwks.json`)
    })
  })
}

function startHono(): void {
  const app = new Hono<{ Variables: { auth?: VerifiedToken; jwtPayload?: { sub?: string } } }>()
  if (spec.auth === 'peer') {
    // hono/jwk with the keys given inline: its fastest setup (jwks_uri refetches per request).
    app.use(
      '/api/*',
      jwk({
        keys: jwks.keys as never,
        alg: ['RS256'],
        verification: { iss: ISSUER, aud: AUDIENCE },
      }),
    )
    app.get('/api/hello', (c) => c.json({ ok: true, sub: c.get('jwtPayload')?.sub }))
  } else if (spec.auth === 'cloudauth') {
    wiring = '@cloudauth/hono'
    const auth = honoCloudauth(verifierOptions)
    app.use('/api/*', auth.verify())
    app.get('/api/hello', (c) => c.json({ ok: true, sub: c.get('auth')?.claims.sub }))
  } else {
    if (spec.auth === 'passthrough') {
      app.use('/api/*', async (_c, next) => {
        await next()
      })
    }
    app.get('/api/hello', (c) => c.json({ ok: true, sub: undefined }))
  }
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => ready(info.port))
}

async function startExpress(): Promise<void> {
  const app = express()
  app.disable('x-powered-by')
  app.disable('etag')
  if (spec.auth === 'peer') {
    const jwksUri = await serveJwks()
    const oauth2JwtBearer = await loadOauth2JwtBearer()
    app.use(
      '/api',
      oauth2JwtBearer({ issuer: ISSUER, audience: AUDIENCE, jwksUri, tokenSigningAlg: 'RS256' }),
    )
    app.get('/api/hello', (req, res) => {
      const auth = (req as unknown as { auth?: { payload: { sub?: string } } }).auth
      res.json({ ok: true, sub: auth?.payload.sub })
    })
  } else if (spec.auth === 'cloudauth') {
    wiring = '@cloudauth/express'
    const auth = expressCloudauth(verifierOptions)
    app.use('/api', auth.verify())
    app.get('/api/hello', (req, res) => {
      res.json({ ok: true, sub: req.auth?.claims.sub })
    })
  } else {
    app.get('/api/hello', (_req, res) => {
      res.json({ ok: true, sub: undefined })
    })
  }
  const server = app.listen(0, '127.0.0.1', () => ready((server.address() as AddressInfo).port))
}

if (spec.framework === 'hono') startHono()
else await startExpress()
