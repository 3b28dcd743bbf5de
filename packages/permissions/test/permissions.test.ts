import { AuthError, ConfigError, toErrorResponse } from '@cloudauth/core'
import { describe, expect, it } from 'vitest'
import {
  permissions,
  staticStore,
  type Grant,
  type PermissionPrincipal,
  type PermissionStore,
} from '../src/index.js'

const user = (id: string, groups: string[] = []): PermissionPrincipal => ({
  kind: 'user',
  id,
  groups,
})
const view = () => ({ memo: new Map<unknown, unknown>() })

/** A store that counts loads, and can be made to fail or changed between loads. */
function countingStore(initial: Record<string, Grant[]>) {
  let data = initial
  let failing = false
  const calls: string[][] = []
  const store: PermissionStore = {
    load(principal, groups) {
      calls.push([principal.id, ...groups])
      if (failing) return Promise.reject(new Error('connection refused'))
      return Promise.resolve([
        ...(data[principal.id] ?? []),
        ...groups.flatMap((g) => data[`group:${g}`] ?? []),
      ])
    },
  }
  return {
    store,
    calls,
    set: (next: Record<string, Grant[]>) => (data = next),
    fail: (value: boolean) => (failing = value),
  }
}

const allow = (statement: string, expiresAt: Date | null = null): Grant => ({
  statement,
  effect: 'allow',
  role: 'r',
  via: { kind: 'user' },
  expiresAt,
})

const STORE = staticStore({
  roles: {
    reader: { allow: ['orders:read'] },
    writer: { allow: ['orders:write'] },
    admin: { allow: ['*'], deny: ['billing:delete'] },
    banned: { deny: ['orders:*'] },
    wild: { allow: ['user:read'] },
  },
  groups: {
    readers: ['reader'],
    writers: ['writer'],
    admins: ['admin'],
    banned: ['banned'],
    wild: ['wild'],
  },
  users: {
    'user-9': ['writer'],
    'user-x': [{ role: 'admin', expiresAt: new Date(Date.UTC(2026, 0, 1)) }],
  },
})

describe('permissions() with a static store', () => {
  it('unions the roles of ALL groups and the user own roles (fastauth bug 2: only the last group counted)', async () => {
    const perms = permissions({ store: STORE })
    const both = user('user-1', ['readers', 'writers'])
    expect((await perms.check(both, ['orders:read', 'orders:write'], 'all')).allowed).toBe(true)
    // the same groups in the other order: the first group's roles count too
    const reversed = user('user-1', ['writers', 'readers'])
    expect((await perms.check(reversed, ['orders:read'], 'all')).allowed).toBe(true)
    // its own role adds to its groups'
    const mixed = user('user-9', ['readers'])
    expect((await perms.check(mixed, ['orders:read', 'orders:write'], 'all')).allowed).toBe(true)
  })

  it('does not keep a grant across requests on one shared checker (fastauth bug 1)', async () => {
    const perms = permissions({ store: STORE, cacheTtlMs: 60_000 })
    const check = (p: PermissionPrincipal) => perms.check(p, ['orders:read'], 'all', view())
    expect((await check(user('alice', ['readers']))).allowed).toBe(true)
    expect((await check(user('bob', []))).allowed).toBe(false)
    expect((await check(user('alice', []))).allowed).toBe(false) // same id, another token without the group
    expect((await check(user('alice', ['readers']))).allowed).toBe(true)
    expect((await check(user('bob', []))).allowed).toBe(false)
  })

  it('wildcards match whole segments, not substrings (fastauth bug 3)', async () => {
    const perms = permissions({ store: STORE })
    const p = user('u', ['wild'])
    expect((await perms.check(p, ['user:read'])).allowed).toBe(true)
    expect((await perms.check(p, ['user:readAll'])).allowed).toBe(false)
    expect((await perms.check(p, ['users:read'])).allowed).toBe(false)
  })

  it('a deny overrides any allow, and says which', async () => {
    const perms = permissions({ store: STORE })
    const result = await perms.check(
      user('u', ['admins', 'banned']),
      ['orders:read', 'billing:delete', 'x:y'],
      'all',
    )
    expect(result.allowed).toBe(false)
    expect(result.missing).toEqual(['orders:read', 'billing:delete'])
    expect(
      result.decisions.map((d) => [d.statement, d.reason, d.grant?.role, d.grant?.via]),
    ).toEqual([
      ['orders:read', 'deny', 'banned', { kind: 'group', group: 'banned', source: 'token' }],
      ['billing:delete', 'deny', 'admin', { kind: 'group', group: 'admins', source: 'token' }],
      ['x:y', 'allow', 'admin', { kind: 'group', group: 'admins', source: 'token' }],
    ])
  })

  it('an expired assignment grants nothing and is named as expired', async () => {
    const perms = permissions({ store: STORE, now: () => Date.UTC(2026, 0, 2) })
    const result = await perms.check(user('user-x'), ['orders:read'])
    expect(result.allowed).toBe(false)
    expect(result.decisions[0]?.reason).toBe('none')
    expect(result.decisions[0]?.expired.map((g) => g.role)).toEqual(['admin'])
    const before = permissions({ store: STORE, now: () => Date.UTC(2025, 11, 31) })
    expect((await before.check(user('user-x'), ['orders:read'])).allowed).toBe(true)
  })

  it('an anonymous principal holds nothing, and the store is not asked', async () => {
    const counting = countingStore({})
    const perms = permissions({ store: counting.store })
    const result = await perms.check({ kind: 'anonymous', id: null, groups: [] }, ['orders:read'])
    expect(result).toMatchObject({ allowed: false, missing: ['orders:read'] })
    expect(counting.calls).toEqual([])
  })

  it('explain lists every grant with its role, group and whether it is active', async () => {
    const perms = permissions({ store: STORE, now: () => Date.UTC(2026, 0, 2) })
    const effective = await perms.explain(user('user-x', ['readers']))
    expect(effective.grants.map((g) => [g.statement, g.role, g.via.kind, g.active])).toEqual([
      ['*', 'admin', 'user', false],
      ['billing:delete', 'admin', 'user', false],
      ['orders:read', 'reader', 'group', true],
    ])
  })
})

describe('memo and cache', () => {
  it('loads a principal once per request, even with the cache off', async () => {
    const counting = countingStore({ u: [allow('orders:read')] })
    const perms = permissions({ store: counting.store, cacheTtlMs: 0 })
    const v = view()
    await perms.check(user('u'), ['orders:read'], 'all', v)
    await perms.check(user('u'), ['orders:write'], 'any', v)
    expect(counting.calls).toHaveLength(1)
    await perms.check(user('u'), ['orders:read'], 'all', view())
    expect(counting.calls).toHaveLength(2)
  })

  it('caches per principal and token groups for cacheTtlMs, then loads again', async () => {
    let now = 1_000
    const counting = countingStore({ u: [allow('orders:read')] })
    const perms = permissions({ store: counting.store, cacheTtlMs: 5_000, now: () => now })
    await perms.check(user('u'), ['orders:read'])
    await perms.check(user('u'), ['orders:read'])
    await perms.check(user('u', ['g']), ['orders:read']) // other token groups: another entry
    expect(counting.calls).toHaveLength(2)
    now += 5_000
    await perms.check(user('u'), ['orders:read'])
    expect(counting.calls).toHaveLength(3)
  })

  it('never serves an expired grant from the cache: the entry ends with the first expiry', async () => {
    let now = 10_000
    const counting = countingStore({ u: [allow('orders:read', new Date(12_000))] })
    const perms = permissions({ store: counting.store, cacheTtlMs: 60_000, now: () => now })
    expect((await perms.check(user('u'), ['orders:read'])).allowed).toBe(true)
    now = 11_999
    expect((await perms.check(user('u'), ['orders:read'])).allowed).toBe(true)
    expect(counting.calls).toHaveLength(1)
    now = 12_000
    expect((await perms.check(user('u'), ['orders:read'])).allowed).toBe(false)
    expect(counting.calls).toHaveLength(2) // reloaded at the expiry, not 60 s later
  })

  it('shares one load among concurrent misses, and invalidate() drops loads under way', async () => {
    const counting = countingStore({ u: [allow('orders:read')] })
    const perms = permissions({ store: counting.store })
    await Promise.all([1, 2, 3].map(() => perms.check(user('u'), ['orders:read'])))
    expect(counting.calls).toHaveLength(1)
    perms.invalidate()
    const pending = perms.check(user('u'), ['orders:read'])
    counting.set({})
    perms.invalidate()
    expect((await pending).allowed).toBe(true) // answered with what it loaded
    expect((await perms.check(user('u'), ['orders:read'])).allowed).toBe(false) // but not cached
  })
})

describe('outages', () => {
  it('throws permissions_unavailable (503, Retry-After), never a refusal and never a grant', async () => {
    const counting = countingStore({ u: [allow('orders:read')] })
    counting.fail(true)
    const perms = permissions({ store: counting.store, retryAfter: 7 })
    const error = await perms.check(user('u'), ['orders:read']).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ code: 'permissions_unavailable', status: 503, retryAfter: 7 })
    const answer = toErrorResponse(error)
    expect(answer.status).toBe(503)
    expect(answer.headers['retry-after']).toBe('7')
    expect(answer.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'the permission store cannot answer',
    })
    expect(JSON.stringify(answer)).not.toContain('connection refused')
  })

  it('does not cache a failure: the next request tries again', async () => {
    const counting = countingStore({ u: [allow('orders:read')] })
    const perms = permissions({ store: counting.store })
    counting.fail(true)
    await expect(perms.check(user('u'), ['orders:read'])).rejects.toMatchObject({
      code: 'permissions_unavailable',
    })
    counting.fail(false)
    expect((await perms.check(user('u'), ['orders:read'])).allowed).toBe(true)
  })
})

describe('configuration', () => {
  it.each([
    [{}, 'store'],
    [{ store: STORE, cacheTtlMs: -1 }, 'cacheTtlMs'],
    [{ store: STORE, cacheTtlMs: 1.5 }, 'cacheTtlMs'],
    [{ store: STORE, maxCacheEntries: 0 }, 'maxCacheEntries'],
  ])('throws ConfigError for %j', (options, option) => {
    expect(() => permissions(options as never)).toThrow(ConfigError)
    expect(() => permissions(options as never)).toThrow(new RegExp(`^${option}:`))
  })

  it('refuses a required statement that is not a concrete resource:action', async () => {
    const perms = permissions({ store: STORE })
    for (const bad of ['orders:*', '*', 'orders', 'orders:read:x'])
      await expect(perms.check(user('u'), [bad])).rejects.toBeInstanceOf(ConfigError)
  })

  it('validate(statement) says why a statement cannot be required, undefined when it can', () => {
    const perms = permissions({ store: STORE })
    for (const good of ['orders:read', 'a.b_c-d:E9']) expect(perms.validate(good)).toBeUndefined()
    for (const bad of ['orders:*', '*', 'orders', 'orders:read:x', ' orders:read', 7 as never])
      expect(perms.validate(bad)).toMatch(/resource:action/)
  })

  it('staticStore checks statements and role names at construction', () => {
    expect(() => staticStore({ roles: { r: { allow: ['orders*'] } } })).toThrow(ConfigError)
    expect(() => staticStore({ roles: { r: { allow: ['*:read'] } } })).toThrow(ConfigError)
    expect(() => staticStore({ roles: {}, groups: { g: ['missing'] } })).toThrow(
      'groups.g names the unknown role missing',
    )
  })

  it('the admin API takes exactly one of pipeline or authorize, and a plain base path', async () => {
    // A store that looks like an admin store: the options are checked before it is ever used.
    const adminLike = Object.assign({}, STORE, { createRole: () => undefined })
    const perms = permissions({ store: adminLike })
    expect(() => perms.admin({})).toThrow(
      'admin: give exactly one of pipeline (auth.pipeline) or authorize',
    )
    expect(() =>
      perms.admin({
        authorize: () => undefined,
        pipeline: { principal: () => ({ run: () => Promise.reject(new Error()) }) },
      }),
    ).toThrow(ConfigError)
    expect(() => perms.admin({ authorize: () => undefined, basePath: '/a b' })).toThrow(
      'basePath: must be a path such as /permissions',
    )
    await expect(
      perms.admin({ authorize: () => undefined, basePath: '/admin/permissions/' })(
        new Request('http://x/admin/permissions/roles'),
      ),
    ).resolves.toMatchObject({ status: 401 })
  })

  it('the admin API needs a SQL store', () => {
    expect(() => permissions({ store: STORE }).admin({ authorize: () => undefined })).toThrow(
      'store: the admin API needs a SQL store',
    )
  })
})
