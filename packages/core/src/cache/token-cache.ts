interface Node<K, V> {
  readonly key: K
  value: V
  /** Towards the most recently used end. */
  newer: Node<K, V> | undefined
  /** Towards the least recently used end. */
  older: Node<K, V> | undefined
}

/**
 * A bounded least-recently-used map, used for verified tokens indexed by the tail of each token
 * (a hit is then confirmed against the whole token: see `cacheKey` in create-verifier.ts).
 *
 * Recency lives in a doubly linked list beside the `Map`, so a hit only relinks two nodes and an
 * eviction deletes one known key. Using the `Map`'s own insertion order instead (delete and set on
 * every hit, `keys().next()` to find the eldest) is linear in the map's size in V8 once it holds
 * thousands of entries: deleted slots pile up at the front until a rehash, and a full cache of
 * 10,000 tokens then answered about 40,000 hits a second instead of millions.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, Node<K, V>>()
  private newest: Node<K, V> | undefined
  private oldest: Node<K, V> | undefined
  readonly maxEntries: number

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries
  }

  get size(): number {
    return this.map.size
  }

  get(key: K): V | undefined {
    const node = this.map.get(key)
    if (node === undefined) return undefined
    if (node !== this.newest) {
      this.unlink(node)
      this.pushNewest(node)
    }
    return node.value
  }

  set(key: K, value: V): void {
    const existing = this.map.get(key)
    if (existing !== undefined) {
      existing.value = value
      if (existing !== this.newest) {
        this.unlink(existing)
        this.pushNewest(existing)
      }
      return
    }
    const node: Node<K, V> = { key, value, newer: undefined, older: undefined }
    this.map.set(key, node)
    this.pushNewest(node)
    if (this.map.size > this.maxEntries) {
      const eldest = this.oldest
      if (eldest !== undefined) {
        this.unlink(eldest)
        this.map.delete(eldest.key)
      }
    }
  }

  delete(key: K): void {
    const node = this.map.get(key)
    if (node === undefined) return
    this.unlink(node)
    this.map.delete(key)
  }

  clear(): void {
    this.map.clear()
    this.newest = undefined
    this.oldest = undefined
  }

  private unlink(node: Node<K, V>): void {
    if (node.newer === undefined) this.newest = node.older
    else node.newer.older = node.older
    if (node.older === undefined) this.oldest = node.newer
    else node.older.newer = node.newer
    node.newer = undefined
    node.older = undefined
  }

  private pushNewest(node: Node<K, V>): void {
    node.older = this.newest
    node.newer = undefined
    if (this.newest === undefined) this.oldest = node
    else this.newest.newer = node
    this.newest = node
  }
}
