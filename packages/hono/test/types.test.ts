import { describe, it, expect, expectTypeOf } from 'vitest'
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { z } from 'zod'
import { defineProvider, type JwtClaims, type User, type VerifiedToken } from '@cloudauth/core'
import {
  cloudauth,
  type AuthError,
  type AuthVariables,
  type ClaimOutput,
  type ClaimsVariables,
  type OptionalAuthVariables,
  type UserVariables,
} from '@cloudauth/hono'
import { bearer, options, token } from './support.js'

interface AcmeClaims extends JwtClaims {
  readonly tenant: string
}

const auth = cloudauth(options)
const acme = cloudauth(defineProvider<AcmeClaims>({ issuers: options.issuers, provider: 'acme' }))
const Me = z.object({ sub: z.string(), email: z.email().optional() })

// Handlers run for real below, so these assertions sit on code paths the tests execute.
describe('what handlers see', () => {
  it('types each variable on the routes that use the middleware', async () => {
    const app = new Hono()
    app.get('/verify', auth.verify(), (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<VerifiedToken>()
      expectTypeOf(c.var.auth.scopes).toEqualTypeOf<readonly string[]>()
      return c.text('verify')
    })
    app.get('/scope', auth.scope(['a']), (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<VerifiedToken>()
      return c.text('scope')
    })
    app.get('/claim', auth.claim(Me), (c) => {
      expectTypeOf(c.get('claims')).toEqualTypeOf<{ sub: string; email?: string | undefined }>()
      expectTypeOf(c.get('claims')).toEqualTypeOf<ClaimOutput<typeof Me>>()
      expectTypeOf(c.get('auth')).toEqualTypeOf<VerifiedToken>()
      return c.text('claim')
    })
    app.get('/user', auth.user(), (c) => {
      expectTypeOf(c.get('user')).toEqualTypeOf<User>()
      return c.text('user')
    })
    app.get('/optional', auth.optional(), (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<VerifiedToken | undefined>()
      return c.text('optional')
    })
    app.get('/composed', auth.scope(['a']), auth.claim(Me), auth.user(), (c) => {
      expectTypeOf(c.get('claims').sub).toEqualTypeOf<string>()
      expectTypeOf(c.get('user').id).toEqualTypeOf<string>()
      return c.text('composed')
    })
    for (const path of ['verify', 'scope', 'claim', 'user', 'optional', 'composed']) {
      const res = await app.request(`/${path}`, { headers: bearer(token({ scope: 'a' })) })
      expect(await res.text()).toBe(path)
    }
  })

  it('leaves the variables untyped on routes without the middleware', async () => {
    const app = new Hono()
    app.get('/open', (c) => {
      // @ts-expect-error no cloudauth middleware on this route
      c.get('auth')
      // @ts-expect-error no claim() on this route
      c.get('claims')
      // @ts-expect-error no user() on this route
      c.get('user')
      return c.text('open')
    })
    app.get('/verified', auth.verify(), (c) => {
      // @ts-expect-error verify() sets auth, not claims
      c.get('claims')
      // @ts-expect-error verify() sets auth, not user
      c.get('user')
      return c.text('verified')
    })
    expect(await (await app.request('/open')).text()).toBe('open')
    expect(await (await app.request('/verified', { headers: bearer(token()) })).text()).toBe(
      'verified',
    )
  })

  it("flows the provider's claim type", async () => {
    const app = new Hono()
    app.get('/', acme.verify(), (c) => {
      expectTypeOf(c.get('auth').claims.tenant).toEqualTypeOf<string>()
      return c.text(c.get('auth').claims.tenant)
    })
    app.get('/user', acme.user(), (c) => {
      expectTypeOf(c.get('user')).toEqualTypeOf<User<AcmeClaims>>()
      return c.text(c.get('user').claims.tenant)
    })
    const res = await app.request('/', { headers: bearer(token({ tenant: 't1' })) })
    expect(await res.text()).toBe('t1')
  })

  it("types principal.attributes as the enrich hook's result", async () => {
    const enriched = cloudauth(options, {
      enrich: async (principal) => ({ plan: 'pro' as 'free' | 'pro', seats: principal.id.length }),
    })
    const app = new Hono()
    app.get('/', enriched.principal(), (c) => {
      const principal = c.get('principal')
      if (principal.kind === 'anonymous') return c.text('anonymous')
      expectTypeOf(principal.attributes).toEqualTypeOf<
        Readonly<{ plan: 'free' | 'pro'; seats: number }>
      >()
      return c.json(principal.attributes)
    })
    app.get('/any', enriched.any('user', 'anonymous'), (c) => {
      const principal = c.get('principal')
      expectTypeOf(principal.kind === 'user' && principal.attributes.plan).toEqualTypeOf<
        false | 'free' | 'pro'
      >()
      return c.text(principal.kind === 'user' ? principal.attributes.plan : 'none')
    })
    app.get('/plain', auth.principal(), (c) => {
      const principal = c.get('principal')
      if (principal.kind === 'anonymous') return c.text('anonymous')
      expectTypeOf(principal.attributes).toEqualTypeOf<Readonly<Record<string, unknown>>>()
      return c.json(principal.attributes)
    })
    const headers = bearer(token())
    expect(await (await app.request('/', { headers })).json()).toEqual({ plan: 'pro', seats: 6 })
    expect(await (await app.request('/any', { headers })).text()).toBe('pro')
    expect(await (await app.request('/plain', { headers })).json()).toEqual({})
  })

  it('types app-wide use() through a chain or through the app generic', async () => {
    const chained = new Hono().use(auth.verify()).get('/', (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<VerifiedToken>()
      return c.text('chained')
    })
    const declared = new Hono<{ Variables: AuthVariables<AcmeClaims> }>()
    declared.use('/api/*', acme.verify())
    declared.get('/api/x', (c) => {
      expectTypeOf(c.get('auth').claims.tenant).toEqualTypeOf<string>()
      return c.text('declared')
    })
    const res = await chained.request('/', { headers: bearer(token()) })
    expect(await res.text()).toBe('chained')
    const res2 = await declared.request('/api/x', { headers: bearer(token({ tenant: 't' })) })
    expect(await res2.text()).toBe('declared')
  })

  it('gives each helper the middleware type of its variables', () => {
    expectTypeOf(auth.verify()).toEqualTypeOf<MiddlewareHandler<{ Variables: AuthVariables }>>()
    expectTypeOf(auth.claim(Me)).toEqualTypeOf<
      MiddlewareHandler<{ Variables: ClaimsVariables<ClaimOutput<typeof Me>> }>
    >()
    expectTypeOf(acme.user()).toEqualTypeOf<
      MiddlewareHandler<{ Variables: UserVariables<AcmeClaims> }>
    >()
    expectTypeOf(acme.optional()).toEqualTypeOf<
      MiddlewareHandler<{ Variables: OptionalAuthVariables<AcmeClaims> }>
    >()
    expectTypeOf(cloudauth)
      .parameter(1)
      .exclude<undefined>()
      .toHaveProperty('onError')
      .toEqualTypeOf<((error: AuthError, c: Context) => Response | Promise<Response>) | undefined>()
  })
})
