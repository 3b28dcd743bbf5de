/**
 * The Redis session store against a real redis-server (Debian's, started on a free port), with both
 * clients it accepts (ioredis and node-redis), and single-flight refresh across two instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import { DEV_DEFAULTS, startDevIssuer, type DevIssuer } from '@cloudauth/testing'
import {
  cognitoHostedUi,
  createLogin,
  redisStore,
  session,
  type LoginEvent,
  type SessionRecord,
  type SessionStore,
} from '../src/index.js'
import { APP, Jar, asView, SECRET_A, app, logInThroughDevIssuer } from './helpers.js'
import { startRedis, type RunningRedis } from './redis-server.js'

let redis: RunningRedis
let io: Redis
let node: ReturnType<typeof createClient>
let issuer: DevIssuer

beforeAll(async () => {
  redis = await startRedis()
  io = new Redis(redis.port, '127.0.0.1', { lazyConnect: true })
  await io.connect()
  node = createClient({ url: redis.url })
  await node.connect()
  issuer = await startDevIssuer({ loginTokenSeconds: 30 })
}, 30_000)

afterAll(async () => {
  io.disconnect()
  await node.close()
  await issuer.stop()
  await redis.stop()
})

const record = (sid: string): SessionRecord => ({
  sid,
  issuer: 'https://idp.example.com',
  sub: 'user-1',
  accessToken: 'access',
  refreshToken: 'refresh',
  createdAt: 1,
  touchedAt: 1,
})

describe.each([
  ['ioredis', () => redisStore({ client: io, prefix: 'io:' }), 'io:'],
  ['node-redis', () => redisStore({ client: node, prefix: 'node:' }), 'node:'],
])('redisStore with %s', (_name, make, prefix) => {
  it('sets, gets and deletes a session with a TTL', async () => {
    const store = make()
    await store.set('abc', record('abc'), 120)
    expect(await store.get('abc')).toEqual(record('abc'))
    const ttl = await io.ttl(`${prefix}abc`)
    expect(ttl).toBeGreaterThan(100)
    expect(ttl).toBeLessThanOrEqual(120)
    await store.delete('abc')
    expect(await store.get('abc')).toBeUndefined()
    expect(await io.exists(`${prefix}abc`)).toBe(0)
  })

  it('reads garbage under a key as no session', async () => {
    const store = make()
    await io.set(`${prefix}junk`, 'not json')
    await io.set(`${prefix}half`, JSON.stringify({ sid: 'half' }))
    expect(await store.get('junk')).toBeUndefined()
    expect(await store.get('half')).toBeUndefined()
  })

  it('grants the refresh lock to one holder, released only by its holder', async () => {
    const store = make()
    const release = await store.lock('s1', 10_000)
    expect(release).toBeTypeOf('function')
    expect(await store.lock('s1', 10_000)).toBeUndefined()
    await release!()
    const again = await store.lock('s1', 10_000)
    expect(again).toBeTypeOf('function')
    // The lock expired (simulated) and another holder took it: the old holder's release leaves it.
    await io.del(`${prefix}lock:s1`)
    const other = await store.lock('s1', 10_000)
    await again!()
    expect(await store.lock('s1', 10_000)).toBeUndefined()
    await other!()
  })
})

describe('logins sharing Redis', () => {
  function instance(store: SessionStore, events: LoginEvent[]) {
    return createLogin({
      issuer: cognitoHostedUi({ domain: issuer.url, issuer: issuer.issuer('cognito') }),
      clientId: DEV_DEFAULTS.clientId,
      redirectUri: `${APP}/auth/callback`,
      secrets: [SECRET_A],
      store,
      onEvent: (event) => events.push(event),
    })
  }

  it('refresh once across two instances under concurrent requests, and hand every waiter the new token', async () => {
    const events: LoginEvent[] = []
    // Two app instances, each with its own client, as two processes would have.
    const a = instance(redisStore({ client: io, prefix: 'app:' }), events)
    const b = instance(redisStore({ client: node, prefix: 'app:' }), events)
    const jar = new Jar()
    await logInThroughDevIssuer(a, jar)
    const id = jar.cookies.get('cloudauth.session')!
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const before = JSON.parse((await io.get(`app:${id}`))!) as SessionRecord
    events.length = 0
    const reads = Array.from({ length: 8 }, async (_, i) =>
      session(i % 2 === 0 ? a : b).read(
        asView({
          header: (name) => (name === 'cookie' ? jar.header() : undefined),
        }),
      ),
    )
    const tokens = await Promise.all(reads)
    expect(events.filter((event) => event.type === 'refresh')).toHaveLength(1)
    expect(new Set(tokens).size).toBe(1)
    expect(tokens[0]).not.toBe(before.accessToken)
    const after = JSON.parse((await io.get(`app:${id}`))!) as SessionRecord
    expect(after.accessToken).toBe(tokens[0])
    expect(after.refreshToken).not.toBe(before.refreshToken) // the issuer rotated it
    expect(await io.exists(`app:lock:${id}`)).toBe(0)
  })

  it('rotates the id at login, and logout on one instance ends the session on all', async () => {
    const events: LoginEvent[] = []
    const a = instance(redisStore({ client: io, prefix: 'app2:' }), events)
    const b = instance(redisStore({ client: node, prefix: 'app2:' }), events)
    const jar = new Jar()
    await logInThroughDevIssuer(a, jar)
    const first = jar.cookies.get('cloudauth.session')!
    await logInThroughDevIssuer(b, jar)
    const second = jar.cookies.get('cloudauth.session')!
    expect(second).not.toBe(first)
    expect(await io.exists(`app2:${first}`)).toBe(0)
    expect((await app(a, jar, '/auth/me')).status).toBe(200)
    const keep = jar.clone()
    await app(b, jar, '/auth/logout', { method: 'POST' })
    expect(await io.exists(`app2:${second}`)).toBe(0)
    // A copy of the old cookie (another tab, a thief) no longer opens a session anywhere.
    expect((await app(a, keep, '/auth/me')).status).toBe(401)
  })

  it('refuses a client that is neither ioredis nor node-redis', () => {
    expect(() => redisStore({ client: {} as never })).toThrow(/ioredis or redis/)
  })
})
