import { describe, expect, it, vi } from 'vitest'
import {
  AuthError,
  ConfigError,
  cookie,
  createVerifier,
  type ServicePrincipal,
} from '@cloudauth/core'
import {
  createPipeline,
  createRequestView,
  rawHeaderReader,
  type RequestView,
} from '@cloudauth/core/binding'
import { AUDIENCE, ISSUER, JWKS_URI, KeyServer, makeKey, mint } from './helpers.js'

const key = await makeKey('RS256', 'key-1')
const verifier = createVerifier({
  issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
  fetch: new KeyServer(key).fetch,
})

function view(
  headers: Record<string, string> = {},
  appended: [string, string][] = [],
): RequestView {
  return createRequestView({
    method: 'GET',
    url: '/x',
    header: (name) => headers[name],
    appendResponseHeader: (name, value) => appended.push([name, value]),
  })
}
const withToken = (token = mint(key, { scope: 'read' })) =>
  view({ authorization: `Bearer ${token}` })

const SERVICE: ServicePrincipal = {
  kind: 'service',
  id: 'svc-1',
  groups: [],
  scopes: ['jobs'],
  attributes: { team: 'ops' },
}
const services = {
  schemes: [{ name: 'apiKey', header: 'x-api-key' }],
  authenticate: (v: RequestView) => {
    const value = v.header('x-api-key')
    if (value === undefined) return Promise.resolve(undefined)
    if (value !== 'good') {
      return Promise.reject(new AuthError('invalid_service_credentials', 'the key is unknown'))
    }
    return Promise.resolve(SERVICE)
  },
}

describe('createPipeline', () => {
  it('verifies once per request, whatever the number of steps', async () => {
    const verify = vi.fn((t: string) => verifier.verify(t))
    const pipeline = createPipeline({ ...verifier, verify })
    const request = withToken()
    for (const step of [pipeline.verify(), pipeline.scope(['read']), pipeline.user()]) {
      expect((await step.run(request)).ok).toBe(true)
    }
    expect(verify).toHaveBeenCalledTimes(1)
  })

  it('principal(): a user from a token, a service from its credential, both at once refused', async () => {
    const pipeline = createPipeline(verifier, { services })
    const user = await pipeline.principal().run(withToken())
    expect(user.ok && user.value.kind === 'user' && user.value.id).toBe('user-1')
    const service = await pipeline.principal().run(view({ 'x-api-key': 'good' }))
    expect(service.ok && service.value).toEqual(SERVICE)
    const bad = await pipeline.principal().run(view({ 'x-api-key': 'bad' }))
    expect(bad.ok || [bad.answer.status, bad.error.code]).toEqual([
      401,
      'invalid_service_credentials',
    ])
    const both = await pipeline
      .principal()
      .run(view({ 'x-api-key': 'good', authorization: `Bearer ${mint(key)}` }))
    expect(both.ok || both.answer.status).toBe(400)
  })

  it('any(): kinds decide; anonymous only where listed', async () => {
    const pipeline = createPipeline(verifier, { services })
    const services_only = pipeline.any('service')
    const refused = await services_only.run(withToken())
    expect(refused.ok || [refused.answer.status, refused.error.code]).toEqual([
      403,
      'insufficient_permission',
    ])
    const anonymous = await pipeline.any('user', 'anonymous').run(view())
    expect(anonymous.ok && anonymous.value.kind).toBe('anonymous')
    const missing = await pipeline.any('user').run(view())
    expect(missing.ok || missing.answer.status).toBe(401)
    expect(services_only.security).toEqual({ credentials: 'principal', kinds: ['service'] })
    expect(() => pipeline.any()).toThrow(ConfigError)
  })

  it('permission(): asks the source; ConfigError without one; an outage is 503', async () => {
    expect(() => createPipeline(verifier).permission(['a'])).toThrow(ConfigError)
    const check = vi.fn((_p: unknown, statements: readonly string[]) =>
      Promise.resolve({ allowed: statements.includes('read'), missing: [] }),
    )
    const pipeline = createPipeline(verifier, { permissions: { check } })
    expect((await pipeline.permission(['read']).run(withToken())).ok).toBe(true)
    const denied = await pipeline.permission(['write']).run(withToken())
    expect(denied.ok || [denied.answer.status, denied.error.code]).toEqual([
      403,
      'insufficient_permission',
    ])
    const down = createPipeline(verifier, {
      permissions: {
        check: () => Promise.reject(new AuthError('permissions_unavailable', 'store down')),
      },
    })
    const outage = await down.permission(['read']).run(withToken())
    expect(outage.ok || [outage.answer.status, outage.answer.headers['retry-after']]).toEqual([
      503,
      '30',
    ])
    expect(pipeline.permission(['read'], 'any').security.permissions).toEqual({
      values: ['read'],
      mode: 'any',
    })
  })

  it("permission(): the source's validate hook refuses a bad statement when the route is declared", () => {
    const check = vi.fn(() => Promise.resolve({ allowed: true, missing: [] }))
    const validate = vi.fn((statement: string) =>
      statement.includes('*') ? 'must not hold a wildcard' : undefined,
    )
    const pipeline = createPipeline(verifier, { permissions: { check, validate } })
    expect(() => pipeline.permission(['orders:read', 'orders:*'])).toThrow(
      new ConfigError('permission(statements)', '"orders:*": must not hold a wildcard'),
    )
    expect(validate).toHaveBeenCalledWith('orders:*')
    expect(pipeline.permission(['orders:read']).security.permissions?.values).toEqual([
      'orders:read',
    ])
    expect(check).not.toHaveBeenCalled()
    // Without the hook, any statement is the source's business at check time.
    expect(() =>
      createPipeline(verifier, { permissions: { check } }).permission(['orders:*']),
    ).not.toThrow()
    const broken = createPipeline(verifier, {
      permissions: { check, validate: 'yes' as unknown as () => undefined },
    })
    expect(() => broken.permission(['a:b'])).toThrow(ConfigError)
  })

  it('unauthenticated: a 401 gets the answer it gives (a redirect to log in); 400 and 403 keep theirs', async () => {
    const seen: { method: string; url: string }[] = []
    const pipeline = createPipeline(verifier, {
      unauthenticated: (request) => {
        seen.push({ method: request.method, url: request.url })
        return { status: 302, headers: { location: '/auth/login?returnTo=%2Fx' }, body: '' }
      },
    })
    const redirect = { status: 302, headers: { location: '/auth/login?returnTo=%2Fx' }, body: '' }
    // No token, a bad token, no principal, and a bad token for optional(): all 401s.
    for (const [step, request] of [
      [pipeline.verify(), view()],
      [pipeline.verify(), view({ authorization: 'Bearer not.a.token' })],
      [pipeline.principal(), view()],
      [pipeline.optional(), view({ authorization: 'Bearer not.a.token' })],
    ] as const) {
      const result = await step.run(request)
      expect(result.ok).toBe(false)
      if (result.ok) continue
      expect(result.error.status).toBe(401)
      expect(result.answer).toEqual(redirect)
    }
    expect(seen).toEqual(Array.from({ length: 4 }, () => ({ method: 'GET', url: '/x' })))
    // optional() with no token at all is not a refusal.
    expect((await pipeline.optional().run(view())).ok).toBe(true)

    const forbidden = await pipeline.scope(['admin']).run(withToken())
    expect(forbidden.ok).toBe(false)
    if (!forbidden.ok) {
      expect(forbidden.answer.status).toBe(403)
      expect(forbidden.answer.headers['www-authenticate']).toMatch(/insufficient_scope/)
    }
    const malformed = await pipeline.verify().run(view({ authorization: 'Bearer a b' }))
    if (!malformed.ok) expect(malformed.answer.status).toBe(400)
    expect(malformed.ok).toBe(false)
    expect(seen).toHaveLength(4)

    // undefined keeps the standard challenge; a hook that is not a function is a ConfigError.
    const standard = await createPipeline(verifier, { unauthenticated: () => undefined })
      .verify()
      .run(view())
    if (!standard.ok) expect(standard.answer.status).toBe(401)
    expect(standard.ok).toBe(false)
    expect(() =>
      createPipeline(verifier, { unauthenticated: '/login' as unknown as () => undefined }),
    ).toThrow(ConfigError)
  })

  it('enrich runs once per request and adds attributes', async () => {
    const enrich = vi.fn(() => ({ plan: 'pro' }))
    const pipeline = createPipeline(verifier, { enrich })
    const request = withToken()
    const first = await pipeline.principal().run(request)
    const second = await pipeline.any('user').run(request)
    expect(first.ok && first.value.kind === 'user' && first.value.attributes).toEqual({
      plan: 'pro',
    })
    expect(second.ok && second.value).toBe(first.ok && first.value)
    expect(enrich).toHaveBeenCalledTimes(1)
  })

  it('step(fn): a custom step with memoised context; an AuthError refuses', async () => {
    const pipeline = createPipeline(verifier)
    const step = pipeline.step(async (_view, ctx) => {
      const token = await ctx.verified()
      if (!token.scopes.includes('admin')) throw new AuthError('insufficient_scope', 'no admin')
      return token.claims.sub
    })
    const result = await step.run(withToken())
    expect(result.ok || result.answer.status).toBe(403)
  })

  it('reads a token from an async source, and a cookie parsed by core', async () => {
    const token = mint(key)
    const pipeline = createPipeline(verifier, {
      tokenFrom: [{ description: 'session store', read: () => Promise.resolve(token) }],
    })
    expect((await pipeline.verify().run(view())).ok).toBe(true)
    const fromCookie = createPipeline(verifier, { tokenFrom: [cookie('session')] })
    const ok = await fromCookie.verify().run(view({ cookie: `a=1; session=${token}` }))
    expect(ok.ok).toBe(true)
    const twice = await fromCookie.verify().run(view({ cookie: `session=${token}; session=x` }))
    expect(twice.ok || twice.answer.status).toBe(400)
  })

  it('the view counts repeated fields from a raw header list, and appends response headers', () => {
    const reader = rawHeaderReader(['Authorization', 'Bearer a', 'authorization', 'Bearer b'])
    const appended: [string, string][] = []
    const request = createRequestView({
      method: 'GET',
      url: '/',
      header: (name) => reader.header(name),
      headerCount: (name) => reader.headerCount(name),
      appendResponseHeader: (name, value) => appended.push([name, value]),
    })
    expect(request.header('Authorization')).toBe('Bearer a, Bearer b')
    expect(request.headerCount('authorization')).toBe(2)
    request.appendResponseHeader('set-cookie', 'a=1')
    expect(appended).toEqual([['set-cookie', 'a=1']])
  })

  it('produced() trusts only values this pipeline made', async () => {
    const one = createPipeline(verifier)
    const other = createPipeline(verifier)
    const result = await one.verify().run(withToken())
    expect(result.ok && one.produced(result.value)).toBe(true)
    expect(result.ok && other.produced(result.value)).toBe(false)
    expect(one.produced({ claims: {} })).toBe(false)
  })

  it('produced() holds for users and principals, per pipeline, and for a token both handed out', async () => {
    const one = createPipeline(verifier)
    const other = createPipeline(verifier)
    const token = mint(key, { scope: 'read' })
    const user = await one.user().run(withToken(token))
    const principal = await one.principal().run(withToken(token))
    if (!user.ok || !principal.ok) throw new Error('expected both steps to pass')
    for (const value of [user.value, principal.value]) {
      expect(one.produced(value)).toBe(true)
      expect(other.produced(value)).toBe(false)
    }
    // A copy of a produced value is not produced: the mark is not an own property.
    expect(one.produced({ ...principal.value })).toBe(false)
    expect(one.produced(structuredClone(user.value))).toBe(false)
    // The cached token is one object for both pipelines: each trusts it once it handed it out.
    const shared = await other.verify().run(withToken(token))
    if (!shared.ok || principal.value.kind !== 'user') throw new Error('expected a user token')
    expect(shared.value).toBe(principal.value.token)
    expect(one.produced(shared.value)).toBe(true)
    expect(other.produced(shared.value)).toBe(true)
    expect(createPipeline(verifier).produced(shared.value)).toBe(false)
    // The mark is invisible: no own key, nothing in JSON, values equal a plain copy.
    expect(Reflect.ownKeys(principal.value)).toEqual(Object.keys(principal.value))
    expect(Reflect.ownKeys(shared.value)).toEqual(Object.keys(shared.value))
    expect(shared.value).toStrictEqual({ ...shared.value })
    expect(Object.isFrozen(shared.value) && Object.isFrozen(principal.value)).toBe(true)
  })

  it('produced() holds for what a custom verifier or a service source returns, frozen or not', async () => {
    const plain = (t: string) => verifier.verify(t).then((v) => ({ ...v }))
    const frozenUser = (v: Parameters<typeof verifier.user>[0]) =>
      Object.freeze({ ...verifier.user(v) })
    const custom = { ...verifier, verify: plain, user: frozenUser }
    const frozenService = Object.freeze({ ...SERVICE })
    const pipeline = createPipeline(custom, {
      services: {
        ...services,
        authenticate: async (v: RequestView) => (await services.authenticate(v)) && frozenService,
      },
    })
    const other = createPipeline(custom)
    const token = await pipeline.verify().run(withToken())
    const user = await pipeline.user().run(withToken())
    const service = await pipeline.principal().run(view({ 'x-api-key': 'good' }))
    const anonymous = await pipeline.any('anonymous').run(view())
    if (!token.ok || !user.ok || !service.ok || !anonymous.ok)
      throw new Error('expected all to pass')
    expect(service.value).toBe(frozenService)
    for (const value of [token.value, user.value, service.value, anonymous.value]) {
      expect(pipeline.produced(value)).toBe(true)
      expect(other.produced(value)).toBe(false)
    }
  })
})
