/**
 * A bounded least-recently-used map (a `Map` keeps insertion order: a hit moves its entry to the end,
 * and the first entry is the eldest). Used for verified tokens, keyed by the whole token.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>()
  readonly maxEntries: number

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries
  }

  get size(): number {
    return this.map.size
  }

  get(key: K): V | undefined {
    const value = this.map.get(key)
    if (value !== undefined) {
      this.map.delete(key)
      this.map.set(key, value)
    }
    return value
  }

  set(key: K, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    if (this.map.size > this.maxEntries) {
      const eldest = this.map.keys().next()
      if (eldest.done !== true) this.map.delete(eldest.value)
    }
  }

  delete(key: K): void {
    this.map.delete(key)
  }

  clear(): void {
    this.map.clear()
  }
}
