import { describe, it, expect, expectTypeOf } from 'vitest'
import { Hono } from 'hono'
import { z } from 'zod'
import * as v from 'valibot'
import { createVerifier, defineProvider, type JwtClaims, type VerifiedToken } from '@cloudauth/core'
import { cloudauth, type AuthVariables } from '@cloudauth/hono'
import { bearer, issuer, ISSUER, options, spyVerifier, token } from './support.js'

const auth = cloudauth(options)

describe('verify()', () => {
  // Separate app.use() statements do not change the app's type: declare the variables on the app.
  const app = new Hono<{ Variables: AuthVariables }>()
  app.use('/api/*', auth.verify())
  app.get('/api/hello', (c) => c.json({ sub: c.var.auth.claims.sub }))

  it('lets a valid token through and puts the verified token on the context', async () => {
    const res = await app.request('/api/hello', { headers: bearer(token()) })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ sub: 'user-1' })
  })

  it('rejects a request without a token', async () => {
    const res = await app.request('/api/hello')
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"')
  })

  it('exposes the raw claims and header (claim(None))', async () => {
    const app = new Hono()
    app.get('/raw', auth.verify(), (c) => {
      const { header, claims, issuer, token: raw } = c.get('auth')
      return c.json({ kid: header.kid, alg: header.alg, claims, issuer, same: raw.length > 0 })
    })
    const res = await app.request('/raw', { headers: bearer(token({ custom: 'x' })) })
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      kid: 'cloudauth-test-rs256-0',
      alg: 'RS256',
      issuer: ISSUER,
      same: true,
      claims: { sub: 'user-1', custom: 'x', aud: 'api' },
    })
  })
})

describe('scope()', () => {
  const app = new Hono()
  app.get('/all', auth.scope(['read:users', 'write:users']), (c) => c.text('all'))
  app.get('/any', auth.scope(['read:users', 'admin'], 'any'), (c) => c.text('any'))

  it("requires every scope by default ('all')", async () => {
    const ok = await app.request('/all', {
      headers: bearer(token({ scope: 'write:users read:users other' })),
    })
    expect(ok.status).toBe(200)
    const partial = await app.request('/all', { headers: bearer(token({ scope: 'read:users' })) })
    expect(partial.status).toBe(403)
    expect(partial.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="the token lacks a required scope", scope="read:users write:users"',
    )
    expect(await partial.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'the token lacks a required scope',
    })
  })

  it("requires at least one scope with 'any'", async () => {
    const ok = await app.request('/any', { headers: bearer(token({ scope: 'admin' })) })
    expect(await ok.text()).toBe('any')
    const none = await app.request('/any', { headers: bearer(token({ scope: 'other' })) })
    expect(none.status).toBe(403)
    expect(none.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="the token holds none of the accepted scopes", scope="read:users admin"',
    )
  })

  it('copies the list: changing the caller array later does not widen access', async () => {
    const scopes = ['admin']
    const app = new Hono()
    app.get('/', auth.scope(scopes), (c) => c.text('ok'))
    scopes[0] = 'read:users'
    const res = await app.request('/', { headers: bearer(token({ scope: 'read:users' })) })
    expect(res.status).toBe(403)
  })
})

describe('groups()', () => {
  const app = new Hono()
  app.get('/admin', auth.groups(['admin']), (c) => c.json(c.get('auth').groups))
  app.get('/staff', auth.groups(['admin', 'support'], 'any'), (c) => c.text('staff'))

  it('reads the provider group claim', async () => {
    const res = await app.request('/admin', {
      headers: bearer(token({ 'cognito:groups': ['admin', 'dev'] })),
    })
    expect(await res.json()).toEqual(['admin', 'dev'])
    const any = await app.request('/staff', {
      headers: bearer(token({ 'cognito:groups': ['support'] })),
    })
    expect(any.status).toBe(200)
  })

  it('answers 403 for a token outside the group', async () => {
    const res = await app.request('/admin', {
      headers: bearer(token({ 'cognito:groups': ['dev'] })),
    })
    expect(res.status).toBe(403)
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="the token lacks a required group", scope="admin"',
    )
  })
})

describe('claim()', () => {
  const Me = z.object({ sub: z.string(), email: z.email() })
  const app = new Hono()
  app.get('/me', auth.claim(Me), (c) => {
    expectTypeOf(c.get('claims')).toEqualTypeOf<{ sub: string; email: string }>()
    return c.json(c.get('claims'))
  })

  it('hands the schema output to the route', async () => {
    const res = await app.request('/me', {
      headers: bearer(token({ email: 'ada@example.com', extra: 1 })),
    })
    expect(await res.json()).toEqual({ sub: 'user-1', email: 'ada@example.com' })
  })

  it('rejects claims that fail the schema with 401 invalid_claims, naming the path only', async () => {
    const res = await app.request('/me', { headers: bearer(token({ email: 'not-an-email' })) })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="invalid_token", error_description="claims failed validation at: email"',
    )
    expect(await res.json()).toEqual({
      error: 'invalid_token',
      error_description: 'claims failed validation at: email',
    })
  })

  it('takes any Standard Schema (valibot)', async () => {
    const app = new Hono()
    app.get('/v', auth.claim(v.object({ sub: v.string(), n: v.number() })), (c) => {
      expectTypeOf(c.get('claims')).toEqualTypeOf<{ sub: string; n: number }>()
      return c.json(c.get('claims').n + 1)
    })
    const res = await app.request('/v', { headers: bearer(token({ n: 41 })) })
    expect(await res.json()).toBe(42)
  })

  it('turns a schema that throws into 401 invalid_claims, not a 500', async () => {
    const app = new Hono()
    const throwing = z.object({ sub: z.string() }).transform(() => {
      throw new Error('schema bug')
    })
    app.get('/t', auth.claim(throwing), (c) => c.text('unreachable'))
    const res = await app.request('/t', { headers: bearer(token()) })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({
      error: 'invalid_token',
      error_description: 'the token claims could not be validated',
    })
  })
})

describe('user()', () => {
  it('puts the normalised user on the context', async () => {
    const app = new Hono()
    app.get('/user', auth.user(), (c) => {
      const user = c.get('user')
      return c.json({ kind: user.kind, id: user.id, provider: user.provider, groups: user.groups })
    })
    const res = await app.request('/user', {
      headers: bearer(token({ 'cognito:groups': ['admin'] })),
    })
    expect(await res.json()).toEqual({
      kind: 'user',
      id: 'user-1',
      provider: 'jwt',
      groups: ['admin'],
    })
  })

  it("uses the provider's user mapping", async () => {
    const provider = defineProvider({
      ...options,
      provider: 'acme',
      toUser: (verified) => ({
        kind: 'user',
        id: `acme|${String(verified.claims.sub)}`,
        groups: verified.groups,
        provider: 'acme',
        claims: verified.claims,
      }),
    })
    const app = new Hono()
    app.get('/user', cloudauth(provider).user(), (c) => c.text(c.get('user').id))
    const res = await app.request('/user', { headers: bearer(token()) })
    expect(await res.text()).toBe('acme|user-1')
  })
})

describe('optional()', () => {
  const app = new Hono()
  app.get('/maybe', auth.optional(), (c) => c.text(c.get('auth')?.claims.sub ?? 'anonymous'))

  it('lets a request without a token through as anonymous', async () => {
    const res = await app.request('/maybe')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('anonymous')
  })

  it('verifies a token when one is sent', async () => {
    const res = await app.request('/maybe', { headers: bearer(token()) })
    expect(await res.text()).toBe('user-1')
  })

  it('still rejects a bad token and a malformed header', async () => {
    const expired = await app.request('/maybe', { headers: bearer(token({}, -60)) })
    expect(expired.status).toBe(401)
    expect(await expired.json()).toEqual({
      error: 'invalid_token',
      error_description: 'the token has expired',
    })
    const malformed = await app.request('/maybe', { headers: { authorization: 'Bearer' } })
    expect(malformed.status).toBe(400)
  })
})

describe('composition', () => {
  it('verifies once per request across use(), scope() and claim()', async () => {
    const { verifier, verify } = spyVerifier()
    const auth = cloudauth(verifier)
    const app = new Hono()
    app.use('/api/*', auth.verify())
    app.get(
      '/api/me',
      auth.scope(['read:users']),
      auth.claim(z.object({ sub: z.string() })),
      auth.user(),
      (c) => c.json({ sub: c.get('claims').sub, id: c.get('user').id }),
    )
    const res = await app.request('/api/me', { headers: bearer(token({ scope: 'read:users' })) })
    expect(await res.json()).toEqual({ sub: 'user-1', id: 'user-1' })
    expect(verify).toHaveBeenCalledTimes(1)
  })

  it('verifies once when the route has only helpers (scope then claim)', async () => {
    const { verifier, verify } = spyVerifier()
    const auth = cloudauth(verifier)
    const app = new Hono()
    app.get('/', auth.scope(['a']), auth.claim(z.object({ sub: z.string() })), (c) =>
      c.text(c.get('claims').sub),
    )
    const res = await app.request('/', { headers: bearer(token({ scope: 'a' })) })
    expect(await res.text()).toBe('user-1')
    expect(verify).toHaveBeenCalledTimes(1)
    const denied = await app.request('/', { headers: bearer(token({ scope: 'b' })) })
    expect(denied.status).toBe(403)
    expect(verify).toHaveBeenCalledTimes(2)
  })

  it('does not verify again after optional() found a token', async () => {
    const { verifier, verify } = spyVerifier()
    const auth = cloudauth(verifier)
    const app = new Hono()
    app.get('/', auth.optional(), auth.scope(['a']), (c) => c.text('ok'))
    await app.request('/', { headers: bearer(token({ scope: 'a' })) })
    expect(verify).toHaveBeenCalledTimes(1)
    const anonymous = await app.request('/')
    expect(anonymous.status).toBe(401)
  })
})

describe('cloudauth(source)', () => {
  it('accepts a provider, a verifier or plain options', async () => {
    const provider = defineProvider({ ...options, provider: 'test' })
    for (const source of [provider, createVerifier(options), options]) {
      const app = new Hono()
      app.get('/', cloudauth(source).verify(), (c) => c.text('ok'))
      const res = await app.request('/', { headers: bearer(token()) })
      expect(res.status).toBe(200)
    }
  })

  it('types the claims from the provider', () => {
    interface AcmeClaims extends JwtClaims {
      readonly tenant: string
    }
    const provider = defineProvider<AcmeClaims>({ issuers: options.issuers, provider: 'acme' })
    const auth = cloudauth(provider)
    expectTypeOf(auth.verifier)
      .toHaveProperty('verify')
      .returns.resolves.toEqualTypeOf<VerifiedToken<AcmeClaims>>()
  })
})

describe('the per-request memo', () => {
  const OTHER = 'https://other.test/'
  const other = cloudauth({ issuers: { ...issuer, issuer: OTHER } })

  it("is not trusted across instances: a token of another instance's issuer is verified again", async () => {
    const app = new Hono()
    app.use('*', other.optional())
    app.get('/ours', auth.scope(['admin']), (c) => c.text('ok'))
    const res = await app.request('/ours', {
      headers: bearer(token({ iss: OTHER, scope: 'admin' })),
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({
      error: 'invalid_token',
      error_description: 'the token issuer (iss) is not trusted',
    })
  })

  it('is not trusted when something else set auth', async () => {
    const app = new Hono<{ Variables: { auth: unknown } }>()
    app.use('*', async (c, next) => {
      c.set('auth', { claims: { sub: 'forged' }, scopes: ['admin'], groups: [] })
      await next()
    })
    app.get('/', auth.scope(['admin']), (c) => c.text('ok'))
    app.get('/maybe', auth.optional(), (c) => c.text(c.get('auth')?.claims.sub ?? 'anonymous'))
    expect((await app.request('/')).status).toBe(401)
    expect(await (await app.request('/maybe')).text()).toBe('anonymous')
  })
})
