/**
 * `pnpm --filter @cloudauth/bench run bench:permissions`: the permission check of
 * `@cloudauth/permissions` on PGlite and on a real PostgreSQL server.
 *
 * - cold: the cache off, a new request each time, distinct principals: every check is one SQL round
 *   trip (user roles + store groups + 3 token groups, joined to statements). Latency percentiles.
 * - warm: one principal, cache on: what a check costs once its grants are held.
 *
 * PostgreSQL: `DATABASE_URL`, or a throwaway server from Debian's `postgresql` (initdb + pg_ctl on
 * 127.0.0.1, a free port), stopped at the end.
 */
import { PGlite } from '@electric-sql/pglite'
import {
  permissions,
  pgliteStore,
  postgresStore,
  type PermissionPrincipal,
  type SqlStore,
} from '@cloudauth/permissions'
import postgres from 'postgres'
import { createVerifier } from '@cloudauth/core'
import { cloudauth } from '@cloudauth/hono'
import { staticStore } from '@cloudauth/permissions'
import { startPostgres } from '@cloudauth/test-servers'
import { defaultKey, jwksOf, signToken } from '@cloudauth/testing'
import { Hono } from 'hono'
import { load, machine } from './machine.js'

const PRINCIPALS = 2_000
const GROUPS = 50
const ROLES = 20

async function seed(store: SqlStore): Promise<void> {
  await store.migrate()
  for (let r = 0; r < ROLES; r++)
    await store.createRole({
      name: `role-${r}`,
      allow: Array.from({ length: 5 }, (_, s) => `res${r}:act${s}`),
      deny: r % 7 === 0 ? [`res${r}:act4`] : [],
    })
  for (let g = 0; g < GROUPS; g++) {
    await store.assignGroupRole(`group-${g}`, `role-${g % ROLES}`, null)
    await store.assignGroupRole(`group-${g}`, `role-${(g * 7 + 3) % ROLES}`, null)
  }
  for (let p = 0; p < PRINCIPALS; p += 4)
    await store.assignPrincipalRole({ kind: 'user', id: `user-${p}` }, `role-${p % ROLES}`, null)
}

const principal = (p: number): PermissionPrincipal => ({
  kind: 'user',
  id: `user-${p}`,
  groups: [
    `group-${p % GROUPS}`,
    `group-${(p * 3 + 1) % GROUPS}`,
    `group-${(p * 11 + 5) % GROUPS}`,
  ],
})

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  const ms = (v: number) => `${v.toFixed(2)} ms`
  return `p50 ${ms(at(0.5))} | p90 ${ms(at(0.9))} | p99 ${ms(at(0.99))} | max ${ms(sorted.at(-1) ?? 0)}`
}

async function measure(name: string, store: SqlStore): Promise<string[]> {
  await seed(store)
  const cold = permissions({ store, cacheTtlMs: 0 })
  for (let p = 0; p < 200; p++)
    await cold.check(principal(p), ['res1:act1'], 'any', { memo: new Map() })
  const samples: number[] = []
  for (let p = 0; p < PRINCIPALS; p++) {
    const start = performance.now()
    await cold.check(principal(p), ['res1:act1', `res${p % ROLES}:act2`], 'any', {
      memo: new Map(),
    })
    samples.push(performance.now() - start)
  }
  const warm = permissions({ store, cacheTtlMs: 60_000 })
  const one = principal(1)
  await warm.check(one, ['res1:act1'], 'all', { memo: new Map() })
  let n = 0
  const started = performance.now()
  while (performance.now() - started < 1_000) {
    for (let i = 0; i < 1_000; i++) await warm.check(one, ['res1:act1'], 'all', { memo: new Map() })
    n += 1_000
  }
  const perCall = ((performance.now() - started) * 1_000) / n
  await Promise.all([cold.close(), warm.close()])
  return [
    `| ${name} | cold (1 query each, ${PRINCIPALS} principals, 1 at a time) | ${percentiles(samples)} |`,
    `| ${name} | warm (cache hit) | ${perCall.toFixed(2)} µs per check (${Math.round(1e6 / perCall).toLocaleString('en-US')}/s) |`,
  ]
}

/**
 * Routes per second through Hono's `app.fetch` (in process, 64 in flight, one token): `scope()`
 * alone, and `permission()` on a warm cache (the grants of the token's group held). Rounds alternate.
 */
async function routes(): Promise<string[]> {
  const key = defaultKey()
  const verifier = createVerifier({
    issuers: { issuer: 'https://issuer.test/', jwks: jwksOf(key), audience: 'api' },
    groupClaims: ['cognito:groups'],
  })
  const perms = permissions({
    store: staticStore({
      roles: { reader: { allow: ['orders:read'] } },
      groups: { staff: ['reader'] },
    }),
    cacheTtlMs: 60_000,
  })
  const auth = cloudauth(verifier, { permissions: perms })
  const app = new Hono()
  app.get('/scope', auth.scope(['orders.read']), (c) => c.json({ ok: true }))
  app.get('/permission', auth.permission(['orders:read']), (c) => c.json({ ok: true }))
  const token = signToken({
    key,
    claims: {
      iss: 'https://issuer.test/',
      aud: 'api',
      sub: 'u1',
      scope: 'orders.read',
      'cognito:groups': ['staff'],
    },
    expiresIn: 3600,
  })
  const headers = { authorization: `Bearer ${token}` }
  for (const path of ['/scope', '/permission']) {
    const response = await app.fetch(new Request(`http://api.test${path}`, { headers }))
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`)
  }
  const rate = async (path: string, ms: number) => {
    let n = 0
    const end = performance.now() + ms
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (performance.now() < end) {
          await app.fetch(new Request(`http://api.test${path}`, { headers }))
          n++
        }
      }),
    )
    return (n * 1000) / ms
  }
  const results: Record<string, number[]> = { '/scope': [], '/permission': [] }
  await rate('/scope', 300)
  await rate('/permission', 300)
  for (let round = 0; round < 5; round++)
    for (const path of round % 2 === 0 ? ['/scope', '/permission'] : ['/permission', '/scope'])
      results[path]!.push(await rate(path, 1_000))
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0
  const scope = median(results['/scope']!)
  const permission = median(results['/permission']!)
  return [
    `| Hono app.fetch, 64 in flight | scope(['orders.read']) | ${Math.round(scope).toLocaleString('en-US')} req/s (median of 5 × 1 s) |`,
    `| Hono app.fetch, 64 in flight | permission(['orders:read']), warm cache | ${Math.round(permission).toLocaleString('en-US')} req/s: ${(permission / scope).toFixed(2)}x scope() |`,
  ]
}

const before = load()
const rows: string[] = await routes()
const db = await PGlite.create()
rows.push(...(await measure('PGlite 0.5 (in process)', pgliteStore(db))))
await db.close()
const external = process.env['DATABASE_URL']
const server = external === undefined ? await startPostgres() : undefined
const sql = postgres(external ?? server!.url, { max: 4, onnotice: () => undefined })
try {
  rows.push(...(await measure('PostgreSQL (127.0.0.1, postgres.js)', postgresStore(sql))))
} finally {
  await sql.end({ timeout: 1 })
  server?.stop()
}
const m = machine()
console.log(
  `Node ${m.node}, ${m.cpu}, ${m.cores} cores. Load average ${before.toFixed(2)} before, ${load().toFixed(2)} after.\n`,
)
console.log('| store | path | latency |\n| --- | --- | --- |')
for (const row of rows) console.log(row)
