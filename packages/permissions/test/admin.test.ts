import { AuthError } from '@cloudauth/core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { permissions, type PermissionPrincipal, type Permissions } from '../src/index.js'
import { ENGINES, type Database } from './support/engines.js'

const BASE = 'http://api.test/permissions'

// Callers, by bearer value; the binding integration would verify a token here.
const CALLERS: Record<string, PermissionPrincipal> = {
  root: { kind: 'user', id: 'root', groups: ['admins'] },
  auditor: { kind: 'user', id: 'auditor', groups: ['auditors'] },
  alice: { kind: 'user', id: 'alice', groups: ['staff'] },
}

function authorize(request: Request): PermissionPrincipal | undefined {
  const value = request.headers.get('authorization')
  if (value === null) return undefined
  const caller = CALLERS[value.replace(/^Bearer /, '')]
  if (caller === undefined)
    throw new AuthError('invalid_signature', 'the token signature is invalid')
  return caller
}

describe.each(ENGINES)('admin API on $name', (engine) => {
  let db: Database
  let perms: Permissions
  let handle: (request: Request) => Promise<Response | undefined>

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    as: string | null = 'root',
    headers: Record<string, string> = {},
  ) => {
    const init: RequestInit = { method, headers: { ...headers } }
    if (as !== null) (init.headers as Record<string, string>)['authorization'] = `Bearer ${as}`
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body)
      ;(init.headers as Record<string, string>)['content-type'] ??= 'application/json'
    }
    const response = await handle(new Request(`${BASE}${path}`, init))
    if (response === undefined) throw new Error('not handled')
    const text = await response.text()
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
    }
  }

  beforeAll(async () => {
    db = await engine.open()
  })
  afterAll(async () => {
    await perms.close()
    await db.close()
  })
  beforeEach(async () => {
    await db.raw('delete from cloudauth_principal_groups')
    await db.raw('delete from cloudauth_roles')
    const store = db.store()
    await store.createRole({ name: 'perm-admin', allow: ['permissions:admin'] })
    await store.createRole({ name: 'perm-reader', allow: ['permissions:read'] })
    await store.assignGroupRole('admins', 'perm-admin', null)
    await store.assignGroupRole('auditors', 'perm-reader', null)
    perms = permissions({ store, cacheTtlMs: 60_000 })
    handle = perms.admin({ authorize, basePath: '/permissions' })
  })

  it('leaves other paths to the app', async () => {
    expect(await handle(new Request('http://api.test/orders'))).toBeUndefined()
    expect(await handle(new Request('http://api.test/permissionsx/roles'))).toBeUndefined()
  })

  it('guards every route: 401 without credentials, the AuthError of bad ones, 403 without the statement', async () => {
    const none = await call('GET', '/roles', undefined, null)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="api"')
    const bad = await call('GET', '/roles', undefined, 'mallory')
    expect(bad.status).toBe(401)
    expect(bad.body).toEqual({
      error: 'invalid_token',
      error_description: 'the token signature is invalid',
    })
    const alice = await call('GET', '/roles', undefined, 'alice')
    expect(alice.status).toBe(403)
    expect(alice.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="a required permission is missing", scope="permissions:admin permissions:read"',
    )
    // permissions:read reads, but does not write
    expect((await call('GET', '/roles', undefined, 'auditor')).status).toBe(200)
    const write = await call('POST', '/roles', { name: 'x' }, 'auditor')
    expect(write.status).toBe(403)
    expect(write.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'a required permission is missing',
    })
  })

  it('creates (201, Location), reads, changes and deletes a role; 409 and 404 with clear bodies', async () => {
    const created = await call('POST', '/roles', {
      name: 'reader',
      description: 'reads orders',
      allow: ['orders:read'],
      deny: ['orders:export'],
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toBe('/permissions/roles/reader')
    expect(created.body).toMatchObject({
      name: 'reader',
      allow: ['orders:read'],
      deny: ['orders:export'],
    })
    expect(await call('POST', '/roles', { name: 'reader' })).toMatchObject({
      status: 409,
      body: { error: 'conflict', message: 'a role named reader exists' },
    })
    expect((await call('GET', '/roles/reader')).body).toMatchObject({ description: 'reads orders' })
    const patched = await call('PATCH', '/roles/reader', { allow: ['orders:read', 'orders:list'] })
    expect(patched).toMatchObject({ status: 200, body: { allow: ['orders:list', 'orders:read'] } })
    expect((await call('DELETE', '/roles/reader')).status).toBe(204)
    expect(await call('GET', '/roles/reader')).toMatchObject({
      status: 404,
      body: { error: 'not_found', message: 'no role named reader' },
    })
    expect((await call('DELETE', '/roles/reader')).status).toBe(404)
    expect((await call('PATCH', '/roles/reader', { description: 'x' })).status).toBe(404)
  })

  it.each([
    ['unknown field', { name: 'r', admin: true }, 'body', ''],
    ['bad statement', { name: 'r', allow: ['orders*'] }, 'body', 'allow.0'],
    ['substring wildcard', { name: 'r', allow: ['orders:read*'] }, 'body', 'allow.0'],
    ['bad role name', { name: 'a b' }, 'body', 'name'],
    ['too long description', { name: 'r', description: 'x'.repeat(2000) }, 'body', 'description'],
    ['not an object', ['r'], 'body', ''],
  ])('refuses a body with %s: 400 naming the field', async (_, body, what, path) => {
    const answer = await call('POST', '/roles', body)
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ error: 'invalid_request', message: `invalid ${what}` })
    expect((answer.body?.['issues'] as { path: string }[]).map((i) => i.path)).toContain(path)
    expect((await call('GET', '/roles')).body).toMatchObject({
      items: [{ name: 'perm-admin' }, { name: 'perm-reader' }],
    })
  })

  it('refuses malformed JSON, a missing body and another content type', async () => {
    expect(await call('POST', '/roles', '{"name":')).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', message: 'the body is not valid JSON' },
    })
    expect(await call('POST', '/roles')).toMatchObject({
      status: 400,
      body: { message: 'a JSON body is required' },
    })
    expect(
      (
        await call('POST', '/roles', 'name=r', 'root', {
          'content-type': 'application/x-www-form-urlencoded',
        })
      ).status,
    ).toBe(415)
    expect((await call('PATCH', '/roles/perm-admin', {})).status).toBe(400)
    expect((await call('PUT', '/roles', { name: 'x' })).status).toBe(405)
    expect((await call('GET', '/nothing')).status).toBe(404)
  })

  it('reads at most 64 KiB of a body without Content-Length (chunked), then refuses it', async () => {
    let pulled = 0
    let cancelled = false
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024))
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        controller.enqueue(chunk)
      },
      cancel() {
        cancelled = true
      },
    })
    const response = await handle(
      new Request(`${BASE}/roles`, {
        method: 'POST',
        headers: { authorization: 'Bearer root', 'content-type': 'application/json' },
        body: endless,
        duplex: 'half',
      } as RequestInit),
    )
    expect(response?.status).toBe(413)
    expect(await response?.json()).toMatchObject({ error: 'body_too_large' })
    expect(cancelled).toBe(true)
    expect(pulled).toBeLessThan(10)
  })

  it('paginates lists with limit and cursor; refuses a bad limit', async () => {
    for (const name of ['a', 'b', 'c']) await call('POST', '/roles', { name })
    const first = await call('GET', '/roles?limit=2')
    expect((first.body?.['items'] as { name: string }[]).map((r) => r.name)).toEqual(['a', 'b'])
    const next = first.body?.['next'] as string
    const second = await call('GET', `/roles?limit=2&cursor=${next}`)
    expect((second.body?.['items'] as { name: string }[]).map((r) => r.name)).toEqual([
      'c',
      'perm-admin',
    ])
    for (const bad of ['limit=0', 'limit=101', 'limit=x', 'cursor=%27%3B', 'other=1'])
      expect((await call('GET', `/roles?${bad}`)).status).toBe(400)
  })

  it('a 403, an admin grant, then a 200 at once (the cache of this process is emptied)', async () => {
    await call('POST', '/roles', { name: 'orders-reader', allow: ['orders:read'] })
    const alice = CALLERS['alice']!
    expect((await perms.check(alice, ['orders:read'])).allowed).toBe(false) // cached for 60 s
    const grant = await call('PUT', '/groups/staff/roles/orders-reader', {})
    expect(grant).toMatchObject({ status: 200, body: { role: 'orders-reader', expiresAt: null } })
    expect((await perms.check(alice, ['orders:read'])).allowed).toBe(true)
    expect((await call('GET', '/groups/staff/roles')).body).toMatchObject({
      items: [{ role: 'orders-reader' }],
      next: null,
    })
    expect((await call('DELETE', '/groups/staff/roles/orders-reader')).status).toBe(204)
    expect((await perms.check(alice, ['orders:read'])).allowed).toBe(false)
    expect((await call('DELETE', '/groups/staff/roles/orders-reader')).status).toBe(404)
  })

  it('assigns roles and groups to users with an expiry in the future; 404 for an unknown role', async () => {
    await call('POST', '/roles', { name: 'temp', allow: ['reports:read'] })
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString()
    expect(await call('PUT', '/users/u-1/roles/temp', { expiresAt })).toMatchObject({
      status: 200,
      body: { role: 'temp', expiresAt },
    })
    expect(await call('PUT', '/users/u-1/roles/ghost', {})).toMatchObject({
      status: 404,
      body: { error: 'not_found', message: 'no role named ghost' },
    })
    expect(
      await call('PUT', '/users/u-1/roles/temp', { expiresAt: '2001-01-01T00:00:00Z' }),
    ).toMatchObject({ status: 400, body: { issues: [{ path: 'expiresAt' }] } })
    expect((await call('PUT', '/users/u-1/roles/temp', { expiresAt: 'tomorrow' })).status).toBe(400)
    expect((await call('PUT', '/users/u-1/groups/auditors', {})).status).toBe(200)
    expect((await call('GET', '/users/u-1/groups')).body).toMatchObject({
      items: [{ group: 'auditors' }],
    })
    expect((await call('GET', '/users/u-1/roles')).body).toMatchObject({
      items: [{ role: 'temp' }],
    })
    expect((await call('PUT', '/services/svc-1/roles/temp')).status).toBe(200)
    expect((await call('GET', '/users/svc-1/roles')).body).toEqual({ items: [], next: null })
    expect((await call('DELETE', '/users/u-1/groups/auditors')).status).toBe(204)
    expect((await call('DELETE', '/users/u-1/groups/auditors')).status).toBe(404)
  })

  it('reads effective permissions with the reason for each: statement, role, group, deny', async () => {
    await call('POST', '/roles', { name: 'shop', allow: ['orders:*'], deny: ['orders:delete'] })
    await call('PUT', '/groups/staff/roles/shop', {})
    await call('PUT', '/users/alice/roles/perm-reader', {})
    const answer = await call(
      'GET',
      '/users/alice/permissions?group=staff&check=orders:read&check=orders:delete&check=permissions:read',
    )
    expect(answer.status).toBe(200)
    expect(answer.body?.['grants']).toEqual(
      expect.arrayContaining([
        {
          statement: 'orders:*',
          effect: 'allow',
          role: 'shop',
          via: { kind: 'group', group: 'staff', source: 'token' },
          expiresAt: null,
          active: true,
        },
        {
          statement: 'permissions:read',
          effect: 'allow',
          role: 'perm-reader',
          via: { kind: 'user' },
          expiresAt: null,
          active: true,
        },
      ]),
    )
    expect(
      (
        answer.body?.['decisions'] as {
          statement: string
          reason: string
          grant?: { role: string }
        }[]
      ).map((d) => [d.statement, d.reason, d.grant?.role]),
    ).toEqual([
      ['orders:read', 'allow', 'shop'],
      ['orders:delete', 'deny', 'shop'],
      ['permissions:read', 'allow', 'perm-reader'],
    ])
    expect((await call('GET', '/users/alice/permissions?check=orders:*')).status).toBe(400)
  })

  it('SQL injection through every field is refused or stored verbatim, never executed', async () => {
    const evil = [
      "x'; drop table cloudauth_roles; --",
      "' or '1'='1",
      'x"); delete from cloudauth_role_statements; --',
      '$1::text) union select 1 --',
    ]
    for (const payload of evil) {
      // names and statements: refused by their grammar
      expect((await call('POST', '/roles', { name: payload })).status).toBe(400)
      expect((await call('POST', '/roles', { name: 'ok', allow: [payload] })).status).toBe(400)
      expect((await call('GET', `/roles/${encodeURIComponent(payload)}`)).status).toBe(400)
      expect((await call('PUT', '/users/u/roles/perm-admin', { expiresAt: payload })).status).toBe(
        400,
      )
      expect((await call('GET', `/roles?cursor=${encodeURIComponent(payload)}`)).status).toBe(400)
      // free text: stored and read back byte for byte
      const role = `r${evil.indexOf(payload)}`
      expect((await call('POST', '/roles', { name: role, description: payload })).status).toBe(201)
      expect((await call('GET', `/roles/${role}`)).body).toMatchObject({ description: payload })
      const group = encodeURIComponent(payload)
      expect((await call('PUT', `/groups/${group}/roles/${role}`, {})).status).toBe(200)
      expect((await call('PUT', `/users/${group}/roles/${role}`, {})).status).toBe(200)
      expect((await call('PUT', `/users/${group}/groups/${group}`, {})).status).toBe(200)
      expect((await call('GET', `/users/${group}/roles`)).body).toMatchObject({ items: [{ role }] })
      expect((await call('GET', `/users/${group}/groups`)).body).toMatchObject({
        items: [{ group: payload }],
      })
      const effective = await call('GET', `/users/${group}/permissions?group=${group}`)
      expect(effective.status).toBe(200)
      // a cursor that decodes to the payload is only ever a parameter
      const cursor = Buffer.from(payload).toString('base64url')
      expect((await call('GET', `/roles?cursor=${cursor}`)).status).toBe(200)
    }
    // every table is there, every row is accounted for
    expect(await db.raw('select count(*)::int as n from cloudauth_roles')).toEqual([
      { n: 2 + evil.length },
    ])
    expect(await db.raw('select count(*)::int as n from cloudauth_principal_groups')).toEqual([
      { n: evil.length },
    ])
    expect((await call('GET', '/groups?limit=100')).body?.['items']).toEqual(
      expect.arrayContaining(evil),
    )
  })

  it('concurrent admin writes through two instances keep one consistent role', async () => {
    await call('POST', '/roles', { name: 'hot', allow: ['a:a'] })
    const other = permissions({ store: await db.another(), cacheTtlMs: 60_000 })
    const otherHandle = other.admin({ authorize })
    const lists = Array.from({ length: 6 }, (_, i) => [`r${i}:a`, `r${i}:b`, `r${i}:c`])
    const answers = await Promise.all(
      lists.map((allow, i) =>
        (i % 2 === 0 ? handle : otherHandle)(
          new Request(`${BASE}/roles/hot`, {
            method: 'PATCH',
            headers: { authorization: 'Bearer root', 'content-type': 'application/json' },
            body: JSON.stringify({ allow }),
          }),
        ),
      ),
    )
    expect(answers.map((a) => a?.status)).toEqual(lists.map(() => 200))
    const role = await call('GET', '/roles/hot')
    expect(lists).toContainEqual(role.body?.['allow'])
    await other.close()
  })

  it('a store outage answers 503 with Retry-After, never 403 nor 200', async () => {
    perms.invalidate()
    db.breakDown()
    const answer = await call('GET', '/roles')
    expect(answer.status).toBe(503)
    expect(answer.headers.get('retry-after')).toBe('5')
    expect(answer.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'the permission store cannot answer',
    })
  })
})
