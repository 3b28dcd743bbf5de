import { ConfigError } from '@cloudauth/core'
import type { SessionRecord, SessionStore } from './session-store.js'

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** At most this many sessions; the oldest is dropped past it. Default 10000. */
  readonly maxSessions?: number
}

/**
 * Sessions in this process's memory: for one instance and for development. They are lost on
 * restart; use {@link redisStore} when the app runs on more than one instance.
 *
 * @example
 * ```ts
 * createLogin({ ..., store: memoryStore() })
 * ```
 * @throws ConfigError `maxSessions`
 */
export function memoryStore(options: MemoryStoreOptions = {}): SessionStore {
  const max = options.maxSessions ?? 10_000
  if (!Number.isInteger(max) || max < 1) {
    throw new ConfigError('maxSessions', 'must be a positive integer')
  }
  const sessions = new Map<string, { record: SessionRecord; until: number }>()
  const locks = new Map<string, number>()
  return {
    get(id) {
      const entry = sessions.get(id)
      if (entry === undefined) return Promise.resolve(undefined)
      if (entry.until <= Date.now()) {
        sessions.delete(id)
        return Promise.resolve(undefined)
      }
      return Promise.resolve(entry.record)
    },
    set(id, record, ttlSeconds) {
      sessions.delete(id)
      sessions.set(id, { record, until: Date.now() + ttlSeconds * 1000 })
      while (sessions.size > max) {
        const oldest = sessions.keys().next().value
        if (oldest === undefined) break
        sessions.delete(oldest)
      }
      return Promise.resolve()
    },
    delete(id) {
      sessions.delete(id)
      return Promise.resolve()
    },
    lock(id, ttlMs) {
      const now = Date.now()
      const held = locks.get(id)
      if (held !== undefined && held > now) return Promise.resolve(undefined)
      const until = now + ttlMs
      locks.set(id, until)
      return Promise.resolve(() => {
        if (locks.get(id) === until) locks.delete(id)
        return Promise.resolve()
      })
    },
  }
}
