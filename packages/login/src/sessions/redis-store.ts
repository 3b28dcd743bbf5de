import { ConfigError } from '@cloudauth/core'
import { toSessionRecord, type SessionStore } from './session-store.js'

/** The part of an ioredis client this store uses. */
export interface IoRedisLike {
  call(command: string, ...args: (string | number)[]): Promise<unknown>
}

/** The part of a node-redis (`redis` 4 to 6) client this store uses. */
export interface NodeRedisLike {
  sendCommand(args: string[]): Promise<unknown>
}

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** A connected `ioredis` or `redis` (node-redis) client. */
  readonly client: IoRedisLike | NodeRedisLike
  /** Prefix of every key. Default `cloudauth:session:`. */
  readonly prefix?: string
}

// Deletes the lock only when it still holds this holder's token (a lock that expired and was
// taken by another instance is left alone).
const RELEASE =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

/**
 * Sessions in Redis, shared by every instance of the app: each session is one key with a TTL, and
 * the refresh lock is a `SET NX PX` key released by its holder only, so a session is refreshed
 * once across all instances.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis'
 * createLogin({ ..., store: redisStore({ client: new Redis(process.env.REDIS_URL) }) })
 * ```
 * @throws ConfigError `client`, `prefix`
 */
export function redisStore(options: RedisStoreOptions): SessionStore {
  const client = options.client as Partial<IoRedisLike & NodeRedisLike> | undefined
  let command: (args: string[]) => Promise<unknown>
  if (typeof client?.call === 'function') {
    const call = client.call.bind(client)
    command = ([name, ...args]) => call(name ?? '', ...args)
  } else if (typeof client?.sendCommand === 'function') {
    const send = client.sendCommand.bind(client)
    command = (args) => send(args)
  } else {
    throw new ConfigError('client', 'must be an ioredis or redis (node-redis) client')
  }
  const prefix = options.prefix ?? 'cloudauth:session:'
  if (typeof prefix !== 'string') throw new ConfigError('prefix', 'must be a string')
  const key = (id: string): string => `${prefix}${id}`
  return {
    async get(id) {
      const raw = await command(['GET', key(id)])
      if (raw === null || raw === undefined) return undefined
      const text =
        typeof raw === 'string'
          ? raw
          : raw instanceof Uint8Array
            ? new TextDecoder().decode(raw)
            : ''
      try {
        return toSessionRecord(JSON.parse(text))
      } catch {
        return undefined
      }
    },
    async set(id, record, ttlSeconds) {
      const ttl = Math.max(1, Math.ceil(ttlSeconds))
      await command(['SET', key(id), JSON.stringify(record), 'EX', String(ttl)])
    },
    async delete(id) {
      await command(['DEL', key(id)])
    },
    async lock(id, ttlMs) {
      const lockKey = `${prefix}lock:${id}`
      const token = crypto.randomUUID()
      const taken = await command([
        'SET',
        lockKey,
        token,
        'NX',
        'PX',
        String(Math.max(1, Math.ceil(ttlMs))),
      ])
      if (taken === null || taken === undefined) return undefined
      return async () => {
        await command(['EVAL', RELEASE, '1', lockKey, token])
      }
    },
  }
}
