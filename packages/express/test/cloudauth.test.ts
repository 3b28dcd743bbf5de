import { describe, it, expect, expectTypeOf } from 'vitest'
import type { NextFunction, Request, Response } from 'express'
import { z } from 'zod'
import * as v from 'valibot'
import { createVerifier, defineProvider } from '@cloudauth/core'
import { cloudauth } from '@cloudauth/express'
import { bearer, issuer, ISSUER, options, spyVerifier, token, useServers } from './support.js'

const auth = cloudauth(options)
const serve = useServers()

describe('verify()', () => {
  it('lets a valid token through and puts the verified token on req.auth', async () => {
    const url = await serve((app) => {
      app.use('/api', auth.verify())
      app.get('/api/hello', (req, res) => {
        res.json({ sub: req.auth?.claims.sub })
      })
    })
    const res = await fetch(`${url}/api/hello`, { headers: bearer(token()) })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ sub: 'user-1' })
    const none = await fetch(`${url}/api/hello`)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="api"')
  })

  it('exposes the raw claims and header through req.auth and .get(req) (claim(None))', async () => {
    const verify = auth.verify()
    const url = await serve((app) => {
      app.get('/raw', verify, (req, res) => {
        const { header, claims, issuer } = verify.get(req)
        res.json({ kid: header.kid, claims, issuer, same: verify.get(req) === req.auth })
      })
    })
    const res = await fetch(`${url}/raw`, { headers: bearer(token({ custom: 'x' })) })
    expect(await res.json()).toMatchObject({
      kid: 'cloudauth-test-rs256-0',
      issuer: ISSUER,
      same: true,
      claims: { sub: 'user-1', custom: 'x', aud: 'api' },
    })
  })
})

describe('scope()', () => {
  it("requires every scope by default ('all') and one with 'any'", async () => {
    const url = await serve((app) => {
      app.get('/all', auth.scope(['read:users', 'write:users']), (_req, res) => {
        res.send('all')
      })
      app.get('/any', auth.scope(['read:users', 'admin'], 'any'), (_req, res) => {
        res.send('any')
      })
    })
    const ok = await fetch(`${url}/all`, {
      headers: bearer(token({ scope: 'write:users read:users' })),
    })
    expect(await ok.text()).toBe('all')
    const partial = await fetch(`${url}/all`, { headers: bearer(token({ scope: 'read:users' })) })
    expect(partial.status).toBe(403)
    expect(partial.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="the token lacks a required scope", scope="read:users write:users"',
    )
    const any = await fetch(`${url}/any`, { headers: bearer(token({ scope: 'admin' })) })
    expect(await any.text()).toBe('any')
    const none = await fetch(`${url}/any`, { headers: bearer(token({ scope: 'x' })) })
    expect(none.status).toBe(403)
    expect(none.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="the token holds none of the accepted scopes", scope="read:users admin"',
    )
  })
})

describe('groups()', () => {
  it("reads the provider's group claim", async () => {
    const url = await serve((app) => {
      app.get('/admin', auth.groups(['admin']), (req, res) => {
        res.json(req.auth?.groups)
      })
    })
    const ok = await fetch(`${url}/admin`, {
      headers: bearer(token({ 'cognito:groups': ['admin', 'dev'] })),
    })
    expect(await ok.json()).toEqual(['admin', 'dev'])
    const denied = await fetch(`${url}/admin`, {
      headers: bearer(token({ 'cognito:groups': ['dev'] })),
    })
    expect(denied.status).toBe(403)
    expect(denied.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="the token lacks a required group", scope="admin"',
    )
  })
})

describe('claim()', () => {
  it('hands the typed schema output to the route through .get(req)', async () => {
    const me = auth.claim(z.object({ sub: z.string(), email: z.email() }))
    const url = await serve((app) => {
      app.get('/me', me, (req, res) => {
        const claims = me.get(req)
        expectTypeOf(claims).toEqualTypeOf<{ sub: string; email: string }>()
        res.json(claims)
      })
    })
    const res = await fetch(`${url}/me`, {
      headers: bearer(token({ email: 'ada@example.com', extra: 1 })),
    })
    expect(await res.json()).toEqual({ sub: 'user-1', email: 'ada@example.com' })
    const bad = await fetch(`${url}/me`, { headers: bearer(token({ email: 'nope' })) })
    expect(bad.status).toBe(401)
    expect(bad.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="invalid_token", error_description="claims failed validation at: email"',
    )
    expect(await bad.json()).toEqual({
      error: 'invalid_token',
      error_description: 'claims failed validation at: email',
    })
  })

  it('keeps two schemas on one route apart, and takes valibot too', async () => {
    const a = auth.claim(z.object({ sub: z.string() }))
    const b = auth.claim(v.object({ n: v.number() }))
    const url = await serve((app) => {
      app.get('/', a, b, (req, res) => {
        res.json({ sub: a.get(req).sub, n: b.get(req).n })
      })
    })
    const res = await fetch(url, { headers: bearer(token({ n: 7 })) })
    expect(await res.json()).toEqual({ sub: 'user-1', n: 7 })
  })

  it('turns a schema that throws into 401 invalid_claims, not a 500', async () => {
    const throwing = z.object({ sub: z.string() }).transform(() => {
      throw new Error('schema bug')
    })
    const url = await serve((app) => {
      app.get('/', auth.claim(throwing), (_req, res) => {
        res.send('unreachable')
      })
    })
    const res = await fetch(url, { headers: bearer(token()) })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({
      error: 'invalid_token',
      error_description: 'the token claims could not be validated',
    })
  })
})

describe('user()', () => {
  it('puts the normalised user on req.authUser and .get(req)', async () => {
    const user = auth.user()
    const url = await serve((app) => {
      app.get('/user', user, (req, res) => {
        const u = user.get(req)
        res.json({ id: u.id, kind: u.kind, provider: u.provider, same: u === req.authUser })
      })
    })
    const res = await fetch(`${url}/user`, { headers: bearer(token()) })
    expect(await res.json()).toEqual({ id: 'user-1', kind: 'user', provider: 'jwt', same: true })
  })
})

describe('optional()', () => {
  it('lets a request without a token through, verifies a token, rejects a bad one', async () => {
    const maybe = auth.optional()
    const url = await serve((app) => {
      app.get('/maybe', maybe, (req, res) => {
        res.send(maybe.get(req)?.claims.sub ?? 'anonymous')
      })
    })
    const anonymous = await fetch(`${url}/maybe`)
    expect(anonymous.status).toBe(200)
    expect(await anonymous.text()).toBe('anonymous')
    const known = await fetch(`${url}/maybe`, { headers: bearer(token()) })
    expect(await known.text()).toBe('user-1')
    const expired = await fetch(`${url}/maybe`, { headers: bearer(token({}, -60)) })
    expect(expired.status).toBe(401)
    expect(await expired.json()).toEqual({
      error: 'invalid_token',
      error_description: 'the token has expired',
    })
    const malformed = await fetch(`${url}/maybe`, { headers: { authorization: 'Bearer' } })
    expect(malformed.status).toBe(400)
  })
})

describe('composition', () => {
  it('verifies once per request across use(), scope(), claim() and user()', async () => {
    const { verifier, verify } = spyVerifier()
    const auth = cloudauth(verifier)
    const me = auth.claim(z.object({ sub: z.string() }))
    const user = auth.user()
    const url = await serve((app) => {
      app.use('/api', auth.verify())
      app.get('/api/me', auth.scope(['read:users']), me, user, (req, res) => {
        res.json({ sub: me.get(req).sub, id: user.get(req).id })
      })
    })
    const res = await fetch(`${url}/api/me`, { headers: bearer(token({ scope: 'read:users' })) })
    expect(await res.json()).toEqual({ sub: 'user-1', id: 'user-1' })
    expect(verify).toHaveBeenCalledTimes(1)
  })

  it('verifies once when the route has only helpers (scope then claim)', async () => {
    const { verifier, verify } = spyVerifier()
    const auth = cloudauth(verifier)
    const url = await serve((app) => {
      app.get('/', auth.scope(['a']), auth.claim(z.object({ sub: z.string() })), (_req, res) => {
        res.send('ok')
      })
    })
    expect((await fetch(url, { headers: bearer(token({ scope: 'a' })) })).status).toBe(200)
    expect(verify).toHaveBeenCalledTimes(1)
  })

  it('verifies once with res.locals replaced or removed, and adds no visible key to res.locals', async () => {
    const { verifier, verify } = spyVerifier()
    const auth = cloudauth(verifier)
    const url = await serve((app) => {
      app.get('/plain', auth.verify(), auth.scope(['a']), (_req, res) => {
        res.json({ keys: Object.keys(res.locals as object), json: JSON.stringify(res.locals) })
      })
      app.get(
        '/none',
        (_req, res, next) => {
          ;(res as unknown as { locals: unknown }).locals = undefined
          next()
        },
        auth.verify(),
        auth.scope(['a']),
        (req, res) => res.json({ sub: req.auth?.claims.sub }),
      )
    })
    const plain = await fetch(`${url}/plain`, { headers: bearer(token({ scope: 'a' })) })
    expect(await plain.json()).toEqual({ keys: [], json: '{}' })
    expect(verify).toHaveBeenCalledTimes(1)
    const none = await fetch(`${url}/none`, { headers: bearer(token({ scope: 'a' })) })
    expect(await none.json()).toEqual({ sub: 'user-1' })
    expect(verify).toHaveBeenCalledTimes(2)
  })
})

describe('the per-request memo', () => {
  it('is not trusted when another instance or library set req.auth', async () => {
    const OTHER = 'https://other.test/'
    const other = cloudauth({ issuers: { ...issuer, issuer: OTHER } })
    const url = await serve((app) => {
      app.get('/other', other.optional(), auth.scope(['admin']), (_req, res) => {
        res.send('ok')
      })
      app.get(
        '/forged',
        (req: Request, _res: Response, next: NextFunction) => {
          // What express-oauth2-jwt-bearer or express-jwt would leave there.
          req.auth = { claims: { sub: 'forged' }, scopes: ['admin'] } as unknown as typeof req.auth
          next()
        },
        auth.scope(['admin']),
        (_req, res) => {
          res.send('ok')
        },
      )
    })
    const crossed = await fetch(`${url}/other`, {
      headers: bearer(token({ iss: OTHER, scope: 'admin' })),
    })
    expect(crossed.status).toBe(401)
    expect(await crossed.json()).toEqual({
      error: 'invalid_token',
      error_description: 'the token issuer (iss) is not trusted',
    })
    expect((await fetch(`${url}/forged`)).status).toBe(401)
  })
})

describe('cloudauth(source)', () => {
  it('accepts a provider, a verifier or plain options', async () => {
    const provider = defineProvider({ ...options, provider: 'test' })
    for (const source of [provider, createVerifier(options), options]) {
      const url = await serve((app) => {
        app.get('/', cloudauth(source).verify(), (_req, res) => {
          res.send('ok')
        })
      })
      expect((await fetch(url, { headers: bearer(token()) })).status).toBe(200)
    }
  })
})
