import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupServer } from 'msw/node'
import { Hono } from 'hono'
import { cloudauth, cookie, bearer } from '@cloudauth/hono'
import { ConfigError, createVerifier, type Verifier } from '@cloudauth/core'
import { attackRows } from './corpus/attack-rows.js'
import { mint, type Target } from './corpus/target.js'
import { allTargets } from './corpus/targets.js'
import {
  bindingRows,
  DOWN_ISSUER,
  DOWN_JWKS,
  downJwksHandler,
  downToken,
  expectRefusal,
  expectUnavailable,
} from './support/binding-sample.js'
import { expectedCode, expectRejection } from './support/expect-rejection.js'

// A sample of the corpus end to end through the Hono binding (`app.request`): the status, the
// exact WWW-Authenticate challenge, Cache-Control and the JSON body a client sees.

const targets = allTargets()
const rows = attackRows(targets)
const server = setupServer(...targets.flatMap((target) => target.handlers), downJwksHandler())

function appFor(source: Verifier): Hono {
  const auth = cloudauth(source, { tokenFrom: [bearer(), cookie('session')] })
  const app = new Hono()
  app.get('/api/me', auth.verify(), (c) => c.json({ ok: true }))
  app.get('/api/admin', auth.scope(['admin:all']), (c) => c.json({ ok: true }))
  app.get('/api/hello', auth.optional(), (c) => c.json({ sub: c.get('auth')?.claims.sub ?? null }))
  return app
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

describe.each(targets)('$name through Hono', (target: Target) => {
  let app: Hono
  let direct: Verifier
  beforeAll(() => {
    app = appFor(target.verifier())
    direct = target.verifier()
  })
  const sample = bindingRows(rows, target)

  it.each(sample.map((row) => [row.id, row] as const))('refuses %s', async (_, row) => {
    const token = row.build(target)
    const code = expectedCode(row, target.expected)
    const error = await expectRejection(direct, token, code, row.status)
    const response = await app.request('/api/me', { headers: { authorization: `Bearer ${token}` } })
    await expectRefusal(response, row.status, error)
  })

  it('accepts a valid token, and answers 403 with the scope when it lacks one', async () => {
    const token = mint(target)
    const ok = await app.request('/api/me', { headers: { authorization: `Bearer ${token}` } })
    expect(ok.status).toBe(200)
    const forbidden = await app.request('/api/admin', {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(forbidden.status).toBe(403)
    expect(forbidden.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="the token lacks a required scope", scope="admin:all"',
    )
  })

  it('answers a request without a token with a bare challenge, and a broken header with 400', async () => {
    const none = await app.request('/api/me')
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="api"')
    const token = mint(target)
    for (const authorization of [`Bearer ${token} extra`, 'Bearer', `Bearer  ${token}x y`]) {
      const response = await app.request('/api/me', { headers: { authorization } })
      expect(response.status, authorization.slice(0, 12)).toBe(400)
      expect(response.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="api", error="invalid_request", error_description="(?:[^"\\]|\\.)+"$/,
      )
    }
    // RFC 6750 §2: one token, one method. Sent in the header and in a cookie, it is refused.
    const twice = await app.request('/api/me', {
      headers: { authorization: `Bearer ${token}`, cookie: `session=${token}` },
    })
    expect(twice.status).toBe(400)
  })
})

describe('optional routes and route rules, through Hono', () => {
  const target = targets[0]!
  let app: Hono
  beforeAll(() => {
    app = appFor(target.verifier())
  })

  it('lets another scheme through as anonymous, but refuses a bad bearer token', async () => {
    const basic = await app.request('/api/hello', {
      headers: { authorization: 'Basic dXNlcjpwdw==' },
    })
    expect(basic.status).toBe(200)
    expect(await basic.json()).toEqual({ sub: null })
    const token = attackRows(targets)
      .find((row) => row.id === 'alg-none')!
      .build(target)
    const forged = await app.request('/api/hello', {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(forged.status).toBe(401)
    const broken = await app.request('/api/hello', { headers: { authorization: 'Bearer a b' } })
    expect(broken.status).toBe(400)
  })

  it('refuses an empty scope or group list when the route is built', () => {
    const auth = cloudauth(target.verifier())
    for (const mode of ['all', 'any'] as const) {
      expect(() => auth.scope([], mode)).toThrow(ConfigError)
      expect(() => auth.groups([], mode)).toThrow(ConfigError)
    }
  })
})

describe('an issuer whose key set is down, through Hono', () => {
  it('answers 503 with Retry-After and no challenge, never 401', async () => {
    const verifier = createVerifier({
      issuers: { issuer: DOWN_ISSUER, jwksUri: DOWN_JWKS, audience: 'api' },
    })
    const app = appFor(verifier)
    const token = downToken(targets[0]!)
    const response = await app.request('/api/me', {
      headers: { authorization: `Bearer ${token}` },
    })
    await expectUnavailable(response)
  })
})
