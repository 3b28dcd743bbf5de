import { ConfigError, createVerifier } from '@cloudauth/core'
import type { PermissionSource } from '@cloudauth/core/binding'
import { cloudauth as expressAuth } from '@cloudauth/express'
import { cloudauth as honoAuth } from '@cloudauth/hono'
import { defaultKey, jwksOf, signToken, type JsonObject } from '@cloudauth/testing'
import express from 'express'
import { Hono } from 'hono'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { permissions, type PermissionStore, type Permissions, type SqlStore } from '../src/index.js'
import { ENGINES, type Database } from './support/engines.js'

const ISSUER = 'https://issuer.test/'
const key = defaultKey()
const verifier = createVerifier({
  issuers: { issuer: ISSUER, jwks: jwksOf(key), audience: 'api' },
  groupClaims: ['cognito:groups'],
})
const token = (sub: string, claims: JsonObject = {}) =>
  signToken({
    key,
    claims: { iss: ISSUER, aud: 'api', sub, scope: 'read', ...claims },
    expiresIn: 3600,
  })
const TOKENS = {
  root: token('root', { 'cognito:groups': ['admins'] }),
  alice: token('alice', { 'cognito:groups': ['staff'] }),
  bob: token('bob'),
  mallory: token('mallory', { 'cognito:groups': ['staff', 'banned'] }),
}
const DOWN: PermissionStore = { load: () => Promise.reject(new Error('connection refused')) }

type Fetcher = (path: string, init?: RequestInit) => Promise<Response>

/** One app per binding: the same routes, the same permission source. */
interface Binding {
  readonly name: string
  start(perms: Permissions, down: Permissions): Promise<{ fetch: Fetcher; close(): Promise<void> }>
}

const hono: Binding = {
  name: 'hono',
  async start(perms, down) {
    const auth = honoAuth(verifier, { permissions: perms })
    const broken = honoAuth(verifier, { permissions: down })
    const app = new Hono()
    app.use(auth.mount(perms.admin({ pipeline: auth.pipeline })))
    app.get('/orders', auth.permission(['orders:read']), (c) =>
      c.json({ id: c.get('principal').id }),
    )
    app.get('/reports', auth.permission(['reports:read', 'reports:admin'], 'any'), (c) =>
      c.json({ ok: true }),
    )
    app.get('/scoped', auth.scope(['read']), (c) => c.json({ ok: true }))
    app.get('/down', broken.permission(['orders:read']), (c) => c.json({ ok: true }))
    return {
      fetch: async (path, init) => app.request(`http://api.test${path}`, init),
      close: async () => undefined,
    }
  },
}

const expressBinding: Binding = {
  name: 'express',
  async start(perms, down) {
    const auth = expressAuth(verifier, { permissions: perms })
    const broken = expressAuth(verifier, { permissions: down })
    const app = express()
    app.use(auth.mount(perms.admin({ pipeline: auth.pipeline })))
    const orders = auth.permission(['orders:read'])
    app.get('/orders', orders, (req, res) => {
      res.json({ id: orders.get(req).id })
    })
    app.get('/reports', auth.permission(['reports:read', 'reports:admin'], 'any'), (_req, res) => {
      res.json({ ok: true })
    })
    app.get('/scoped', auth.scope(['read']), (_req, res) => {
      res.json({ ok: true })
    })
    app.get('/down', broken.permission(['orders:read']), (_req, res) => {
      res.json({ ok: true })
    })
    const server = app.listen(0, '127.0.0.1')
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    const { port } = server.address() as AddressInfo
    return {
      fetch: (path, init) =>
        fetch(`http://127.0.0.1:${port}${path}`, { ...init, redirect: 'manual' }),
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    }
  },
}

const pglite = ENGINES[0]!
let db: Database
let store: SqlStore

// One PGlite database for both bindings, seeded once.
beforeAll(async () => {
  db = await pglite.open()
  store = db.store()
  await store.createRole({ name: 'perm-admin', allow: ['permissions:admin'] })
  await store.createRole({ name: 'reader', allow: ['orders:read', 'reports:read'] })
  await store.createRole({ name: 'banned', deny: ['orders:*'] })
  await store.assignGroupRole('admins', 'perm-admin', null)
  await store.assignGroupRole('staff', 'reader', null)
  await store.assignGroupRole('banned', 'banned', null)
}, 60_000)
afterAll(async () => {
  await db.close()
})

it('a Permissions is the PermissionSource the pipeline takes', () => {
  const perms = permissions({ store: DOWN })
  const source: PermissionSource = perms
  expect(typeof source.check).toBe('function')
})

it.each(['orders:*', '*', 'orders', 'orders:read:all', 'or ders:read', ''])(
  'both bindings refuse the statement %j when the route is declared, naming it',
  (statement) => {
    const perms = permissions({ store: DOWN })
    for (const auth of [
      honoAuth(verifier, { permissions: perms }),
      expressAuth(verifier, { permissions: perms }),
    ]) {
      let error: unknown
      try {
        auth.permission(['orders:read', statement])
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).message).toContain(
        statement === '' ? 'permission(statements)' : JSON.stringify(statement),
      )
    }
    expect(() =>
      honoAuth(verifier, { permissions: perms }).permission(['orders:read']),
    ).not.toThrow()
    expect(() =>
      expressAuth(verifier, { permissions: perms }).permission(['orders:read', 'a.b:c-d']),
    ).not.toThrow()
  },
)

describe.each([hono, expressBinding])('permission() and the admin API through $name', (binding) => {
  let perms: Permissions
  let app: Awaited<ReturnType<Binding['start']>>

  const get = (path: string, who?: keyof typeof TOKENS) =>
    app.fetch(
      path,
      who === undefined ? {} : { headers: { authorization: `Bearer ${TOKENS[who]}` } },
    )

  beforeAll(async () => {
    perms = permissions({ store, cacheTtlMs: 60_000 })
    app = await binding.start(perms, permissions({ store: DOWN }))
  })
  afterAll(async () => {
    await app.close()
    await perms.close()
  })
  beforeEach(() => perms.invalidate())

  it('200 with the permission (from a token group), with the principal set', async () => {
    const response = await get('/orders', 'alice')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ id: 'alice' })
    expect((await get('/reports', 'alice')).status).toBe(200)
  })

  it('401 without a token, 403 without the permission or with a deny', async () => {
    const none = await get('/orders')
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="api"')
    for (const who of ['bob', 'mallory'] as const) {
      const refused = await get('/orders', who)
      expect(refused.status).toBe(403)
      expect(refused.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="api", error="insufficient_scope", error_description="/,
      )
      expect(await refused.json()).toMatchObject({ error: 'insufficient_scope' })
    }
  })

  it('503 with Retry-After when the store cannot answer, never 403 nor 200', async () => {
    const response = await get('/down', 'alice')
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('5')
    expect(response.headers.get('www-authenticate')).toBeNull()
    expect(await response.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'the permission store cannot answer',
    })
  })

  it('the scope() route alongside', async () => {
    expect((await get('/scoped', 'bob')).status).toBe(200)
  })

  it('the demo: a 403, an admin grant through the mounted admin API, then a 200', async () => {
    expect((await get('/orders', 'bob')).status).toBe(403)
    const grant = await app.fetch('/permissions/users/bob/roles/reader', {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKENS.root}`, 'content-type': 'application/json' },
      body: JSON.stringify({ expiresAt: new Date(Date.now() + 3_600_000).toISOString() }),
    })
    expect(grant.status).toBe(200)
    expect(await grant.json()).toMatchObject({ role: 'reader' })
    expect((await get('/orders', 'bob')).status).toBe(200)
    const revoke = await app.fetch('/permissions/users/bob/roles/reader', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKENS.root}` },
    })
    expect(revoke.status).toBe(204)
    expect((await get('/orders', 'bob')).status).toBe(403)
  })

  it('the admin API refuses callers without credentials (401) or the statement (403)', async () => {
    expect((await get('/permissions/roles')).status).toBe(401)
    const refused = await get('/permissions/roles', 'alice')
    expect(refused.status).toBe(403)
    expect(await refused.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'a required permission is missing',
    })
    const listed = await get('/permissions/roles?limit=2', 'root')
    expect(listed.status).toBe(200)
    expect(await listed.json()).toMatchObject({
      items: [{ name: 'banned' }, { name: 'perm-admin' }],
    })
    // a route that is not the admin API's falls through to the app
    expect((await get('/nothing', 'root')).status).toBe(404)
  })
})
