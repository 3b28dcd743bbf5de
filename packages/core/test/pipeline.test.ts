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
})
