import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { Verifier } from '@cloudauth/core'
import { cloudauth } from '@cloudauth/hono'
import {
  EMAIL_SCHEMA,
  RECORD_SCHEMA,
  describeConformance,
  fetchClient,
  socketClient,
} from '../../core/test-support/conformance.js'

// The conformance suite's routes, in Hono.
function appFor(source: Verifier, options: { readonly realm?: string }): Hono {
  const auth = cloudauth(source, options)
  const app = new Hono()
  app.get('/verify', auth.verify(), (c) => c.json({ sub: c.get('auth').claims.sub }))
  app.get('/scope', auth.scope(['read:users']), (c) => c.json({ sub: c.get('auth').claims.sub }))
  app.get('/groups', auth.groups(['admin']), (c) => c.json({ sub: c.get('auth').claims.sub }))
  app.get('/groups-intl', auth.groups(['администраторы']), (c) =>
    c.json({ sub: c.get('auth').claims.sub }),
  )
  app.get('/claim', auth.claim(EMAIL_SCHEMA), (c) => c.json({ email: c.get('claims').email }))
  app.get('/record', auth.claim(RECORD_SCHEMA), (c) => c.json({ ok: true }))
  app.get('/user', auth.user(), (c) => c.json({ id: c.get('user').id }))
  app.get('/optional', auth.optional(), (c) => c.json({ sub: c.get('auth')?.claims.sub ?? null }))
  app.get('/principal', auth.principal(), (c) => {
    const principal = c.get('principal')
    return c.json({ kind: principal.kind, id: principal.id })
  })
  return app
}

const construct = (source: Verifier, options: { readonly realm?: string } = {}) =>
  cloudauth(source, options)

describeConformance('Hono, app.request', {
  separateFields: false,
  construct,
  start: (source, options) => {
    const app = appFor(source, options)
    return Promise.resolve(fetchClient((path, init) => app.request(path, init)))
  },
})

describeConformance('Hono, @hono/node-server on 127.0.0.1', {
  separateFields: true,
  construct,
  start: async (source, options) => {
    const app = appFor(source, options)
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve(started),
      )
    })
    const { port } = server.address() as AddressInfo
    return socketClient(
      `http://127.0.0.1:${port}`,
      () =>
        new Promise<void>((resolve, reject) => {
          if ('closeAllConnections' in server) server.closeAllConnections()
          server.close((error) => (error ? reject(error) : resolve()))
        }),
    )
  },
})
