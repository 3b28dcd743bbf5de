import type { Grant } from '../types.js'
import { indexGrants, type GrantIndex } from './grant-index.js'

interface Entry {
  readonly grants: GrantIndex
  /** Epoch ms after which the entry is not served: the TTL, or the first grant expiry, if sooner. */
  readonly until: number
}

/**
 * A small per-principal cache of grants, bounded in size (oldest first out), that knows expiry
 * times: an entry is dropped no later than the first of its grants expires, so a grant that has
 * expired is never answered from here. `invalidate()` bumps a generation, so a load that started
 * before a change cannot put its (stale) answer in afterwards.
 */
export class GrantCache {
  readonly #entries = new Map<string, Entry>()
  readonly #inflight = new Map<string, Promise<GrantIndex>>()
  #generation = 0

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  /**
   * The grants for `key`, indexed, from the cache or, on a miss, from `load` (shared by concurrent
   * misses).
   */
  get(key: string, load: () => Promise<readonly Grant[]>): Promise<GrantIndex> {
    const hit = this.#entries.get(key)
    if (hit !== undefined) {
      if (hit.until > this.now()) return Promise.resolve(hit.grants)
      this.#entries.delete(key)
    }
    const pending = this.#inflight.get(key)
    if (pending !== undefined) return pending
    const generation = this.#generation
    const loading = load().then(
      (grants) => {
        this.#inflight.delete(key)
        const index = indexGrants(grants)
        if (generation === this.#generation) this.#store(key, index)
        return index
      },
      (error: unknown) => {
        this.#inflight.delete(key)
        throw error
      },
    )
    this.#inflight.set(key, loading)
    return loading
  }

  /** Forgets everything, including loads under way. */
  invalidate(): void {
    this.#generation++
    this.#entries.clear()
    this.#inflight.clear()
  }

  /** Entries held (for tests and metrics). */
  get size(): number {
    return this.#entries.size
  }

  #store(key: string, grants: GrantIndex): void {
    if (this.ttlMs <= 0) return
    const now = this.now()
    let until = now + this.ttlMs
    for (const grant of grants.grants) {
      const expiry = grant.expiresAt?.getTime()
      if (expiry !== undefined && expiry > now && expiry < until) until = expiry
    }
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next()
      if (oldest.done !== true) this.#entries.delete(oldest.value)
    }
    this.#entries.set(key, { grants, until })
  }
}
