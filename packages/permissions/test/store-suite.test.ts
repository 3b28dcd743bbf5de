import postgres from 'postgres'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { permissions, postgresStore, StoreRefusal, type SqlStore } from '../src/index.js'
import { ENGINES, type Database } from './support/engines.js'
import { freePort } from '@cloudauth/test-servers'

const user = (id: string, groups: string[] = []) => ({ kind: 'user' as const, id, groups })
const FUTURE = new Date(Date.UTC(2099, 0, 1))
const PAST = new Date(Date.UTC(2001, 0, 1))

describe.each(ENGINES)('SQL store on $name', (engine) => {
  let db: Database
  let store: SqlStore

  beforeAll(async () => {
    db = await engine.open()
  })
  afterAll(async () => {
    await db.close()
  })
  beforeEach(async () => {
    await db.raw('delete from cloudauth_principal_groups')
    await db.raw('delete from cloudauth_roles')
    store = db.store()
    db.queries.count = 0
    db.queries.texts = []
  })

  it('migrate() is idempotent and records its version', async () => {
    await store.migrate()
    await store.migrate()
    expect(await db.raw('select version, name from cloudauth_permissions_migrations')).toEqual([
      { version: 1, name: 'roles, statements and assignments' },
    ])
  })

  it('creates, reads, renames and deletes roles; statements are exactly what was written', async () => {
    const created = await store.createRole({
      name: 'reader',
      description: 'reads orders',
      allow: ['orders:read', 'orders:read', 'invoices:*'],
      deny: ['orders:export'],
    })
    expect(created).toMatchObject({
      name: 'reader',
      description: 'reads orders',
      allow: ['invoices:*', 'orders:read'],
      deny: ['orders:export'],
    })
    expect(created.createdAt).toBeInstanceOf(Date)
    await expect(store.createRole({ name: 'reader' })).rejects.toEqual(
      new StoreRefusal('conflict', 'a role named reader exists'),
    )
    const changed = await store.updateRole('reader', { name: 'viewer', allow: ['orders:read'] })
    expect(changed).toMatchObject({
      name: 'viewer',
      allow: ['orders:read'],
      deny: ['orders:export'],
    })
    expect(await store.getRole('reader')).toBeUndefined()
    await expect(store.updateRole('nobody', { description: 'x' })).rejects.toMatchObject({
      reason: 'not_found',
    })
    await store.createRole({ name: 'other' })
    await expect(store.updateRole('other', { name: 'viewer' })).rejects.toMatchObject({
      reason: 'conflict',
    })
    expect(await store.deleteRole('viewer')).toBe(true)
    expect(await store.deleteRole('viewer')).toBe(false)
  })

  it('pages through roles in name order with an opaque cursor', async () => {
    for (const name of ['e', 'b', 'a', 'd', 'c']) await store.createRole({ name })
    const first = await store.listRoles({ limit: 2 })
    expect(first.items.map((r) => r.name)).toEqual(['a', 'b'])
    const second = await store.listRoles({ limit: 2, cursor: first.next ?? undefined })
    expect(second.items.map((r) => r.name)).toEqual(['c', 'd'])
    const third = await store.listRoles({ limit: 2, cursor: second.next ?? undefined })
    expect(third).toMatchObject({ next: null })
    expect(third.items.map((r) => r.name)).toEqual(['e'])
  })

  it('loads one principal in ONE round trip: user roles, token groups and store groups together', async () => {
    await store.createRole({ name: 'reader', allow: ['orders:read'] })
    await store.createRole({ name: 'writer', allow: ['orders:write'] })
    await store.createRole({ name: 'auditor', allow: ['audit:read'] })
    await store.createRole({ name: 'mine', allow: ['profile:edit'] })
    for (const [group, role] of [
      ['g1', 'reader'],
      ['g2', 'writer'],
      ['g3', 'auditor'],
    ] as const)
      await store.assignGroupRole(group, role, null)
    await store.addPrincipalGroup({ kind: 'user', id: 'u1' }, 'g3', null)
    await store.assignPrincipalRole({ kind: 'user', id: 'u1' }, 'mine', null)
    db.queries.count = 0
    const grants = await store.load({ kind: 'user', id: 'u1' }, ['g1', 'g2', 'unknown'])
    expect(db.queries.count).toBe(1)
    expect(
      grants
        .map((g) => [g.statement, g.role, g.via] as const)
        .sort((a, b) => a[0].localeCompare(b[0])),
    ).toEqual([
      ['audit:read', 'auditor', { kind: 'group', group: 'g3', source: 'store' }],
      ['orders:read', 'reader', { kind: 'group', group: 'g1', source: 'token' }],
      ['orders:write', 'writer', { kind: 'group', group: 'g2', source: 'token' }],
      ['profile:edit', 'mine', { kind: 'user' }],
    ])
    // A user with the same id is not a service with that id.
    expect(await store.load({ kind: 'service', id: 'u1' }, [])).toEqual([])
  })

  it('the statements of ALL groups count, whatever their number or order (fastauth bug 2)', async () => {
    const groups = Array.from({ length: 12 }, (_, i) => `group-${i}`)
    for (const [i, group] of groups.entries()) {
      await store.createRole({ name: `role-${i}`, allow: [`res${i}:read`] })
      await store.assignGroupRole(group, `role-${i}`, null)
    }
    const perms = permissions({ store, cacheTtlMs: 0 })
    db.queries.count = 0
    const result = await perms.check(
      user('u', [...groups].reverse()),
      groups.map((_, i) => `res${i}:read`),
      'all',
    )
    expect(result.allowed).toBe(true)
    expect(db.queries.count).toBe(1) // never one query per group or role
  })

  it('expiry: the earliest of membership and assignment; expired grants are named, not honoured', async () => {
    const now = Date.UTC(2030, 0, 1)
    await store.createRole({ name: 'temp', allow: ['orders:read'] })
    await store.assignGroupRole('g', 'temp', new Date(now + 60_000))
    await store.addPrincipalGroup({ kind: 'user', id: 'u' }, 'g', new Date(now + 30_000))
    const [grant] = await store.load({ kind: 'user', id: 'u' }, [])
    expect(grant?.expiresAt?.getTime()).toBe(now + 30_000)
    let clock = now
    const perms = permissions({ store, cacheTtlMs: 600_000, now: () => clock })
    expect((await perms.check(user('u'), ['orders:read'])).allowed).toBe(true)
    clock = now + 30_000
    const after = await perms.check(user('u'), ['orders:read'])
    expect(after.allowed).toBe(false)
    expect(after.decisions[0]?.expired.map((g) => g.role)).toEqual(['temp'])
  })

  it('assigning a role that does not exist is refused; re-assigning updates the expiry', async () => {
    await expect(store.assignGroupRole('g', 'ghost', null)).rejects.toEqual(
      new StoreRefusal('not_found', 'no role named ghost'),
    )
    await expect(
      store.assignPrincipalRole({ kind: 'user', id: 'u' }, 'ghost', null),
    ).rejects.toMatchObject({
      reason: 'not_found',
    })
    await store.createRole({ name: 'r', allow: ['a:b'] })
    await store.assignGroupRole('g', 'r', PAST)
    const again = await store.assignGroupRole('g', 'r', FUTURE)
    expect(again).toMatchObject({ role: 'r', expiresAt: FUTURE })
    expect((await store.listGroupRoles('g', { limit: 10 })).items).toHaveLength(1)
    expect(await store.listGroups({ limit: 10 })).toEqual({ items: ['g'], next: null })
  })

  it('deleting a role removes its statements and assignments', async () => {
    await store.createRole({ name: 'r', allow: ['a:b'] })
    await store.assignGroupRole('g', 'r', null)
    await store.assignPrincipalRole({ kind: 'user', id: 'u' }, 'r', null)
    await store.deleteRole('r')
    expect(await db.raw('select count(*)::int as n from cloudauth_role_statements')).toEqual([
      { n: 0 },
    ])
    expect(await db.raw('select count(*)::int as n from cloudauth_group_roles')).toEqual([{ n: 0 }])
    expect(await db.raw('select count(*)::int as n from cloudauth_principal_roles')).toEqual([
      { n: 0 },
    ])
  })

  it('concurrent changes of one role leave exactly one writer list, never a mix', async () => {
    await store.createRole({ name: 'hot', allow: ['a:a'] })
    const other = await db.another()
    const lists = Array.from({ length: 8 }, (_, i) =>
      Array.from({ length: 5 }, (_, j) => `r${i}:a${j}`),
    )
    await Promise.all(
      lists.map((allow, i) => (i % 2 === 0 ? store : other).updateRole('hot', { allow })),
    )
    const role = await store.getRole('hot')
    expect(lists.map((l) => [...l].sort())).toContainEqual(role?.allow)
  })

  it('concurrent creations of one name: exactly one wins, the others are conflicts', async () => {
    const other = await db.another()
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 === 0 ? store : other).createRole({ name: 'race', allow: [`r${i}:x`] }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results.filter((r) => r.status === 'rejected'))
      expect(r.reason).toMatchObject({ reason: 'conflict' })
    expect(await db.raw(`select count(*)::int as n from cloudauth_role_statements`)).toEqual([
      { n: 1 },
    ])
  })

  it('a write through one store reaches every permissions() instance (two connections) through LISTEN/NOTIFY', async () => {
    await store.createRole({ name: 'r', allow: ['orders:read'] })
    const a = permissions({ store, cacheTtlMs: 600_000 })
    const bStore = await db.another()
    const b = permissions({ store: bStore, cacheTtlMs: 600_000 })
    await Promise.all([a.ready, b.ready])
    const p = user('u', ['g'])
    expect((await a.check(p, ['orders:read'])).allowed).toBe(false)
    expect((await b.check(p, ['orders:read'])).allowed).toBe(false)
    const watchers = await Promise.all([watch(store), watch(bStore)])
    await store.assignGroupRole('g', 'r', null) // through a, committed, notified
    await Promise.all(watchers.map((w) => w.changed))
    await Promise.all(watchers.map((w) => w.stop()))
    expect((await a.check(p, ['orders:read'])).allowed).toBe(true)
    expect((await b.check(p, ['orders:read'])).allowed).toBe(true)
    await Promise.all([a.close(), b.close()])
  })

  it('a store that cannot answer: permissions_unavailable (503), not a refusal', async () => {
    const perms = permissions({ store, cacheTtlMs: 0 })
    db.breakDown()
    await expect(perms.check(user('u', ['g']), ['orders:read'])).rejects.toMatchObject({
      code: 'permissions_unavailable',
      status: 503,
    })
  })
})

/** Subscribes (and waits until listening); `changed` resolves on the next change notice. */
async function watch(
  store: SqlStore,
): Promise<{ changed: Promise<void>; stop: () => Promise<void> }> {
  let resolve = () => {}
  const changed = new Promise<void>((r) => (resolve = r))
  let connected = false
  const stop = await store.subscribe!(() => {
    if (!connected)
      connected = true // the call made on (re)connect
    else resolve()
  })
  return { changed, stop }
}

describe('PostgreSQL server unreachable', () => {
  it('answers permissions_unavailable when the server refuses the connection', async () => {
    const port = await freePort()
    const sql = postgres(`postgres://postgres@127.0.0.1:${port}/none`, {
      connect_timeout: 2,
      max: 1,
      onnotice: () => undefined,
    })
    const perms = permissions({ store: postgresStore(sql), cacheTtlMs: 0 })
    await expect(perms.check(user('u'), ['orders:read'])).rejects.toMatchObject({
      code: 'permissions_unavailable',
      status: 503,
    })
    await perms.close().catch(() => undefined)
    await sql.end({ timeout: 1 })
  })
})
