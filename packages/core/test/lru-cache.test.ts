import { describe, expect, it } from 'vitest'
import { LruCache } from '../src/cache/token-cache.js'

describe('LruCache', () => {
  it('evicts the least recently used entry, a hit counting as a use', () => {
    const cache = new LruCache<string, number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    expect(cache.get('a')).toBe(1)
    cache.set('c', 3)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(1)
    expect(cache.get('c')).toBe(3)
    expect(cache.size).toBe(2)
  })

  it('refreshes an entry that is set again, and forgets deleted ones', () => {
    const cache = new LruCache<string, number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('a', 10)
    cache.set('c', 3)
    expect(cache.get('a')).toBe(10)
    expect(cache.get('b')).toBeUndefined()
    cache.delete('a')
    cache.delete('missing')
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(1)
    cache.set('d', 4)
    cache.set('e', 5)
    expect([cache.get('c'), cache.get('d'), cache.get('e')]).toEqual([undefined, 4, 5])
  })

  it('holds no more than maxEntries however many keys pass through', () => {
    const cache = new LruCache<number, number>(100)
    for (let i = 0; i < 10_000; i++) {
      cache.set(i, i)
      if (i % 3 === 0) cache.get(i - 50)
      if (i % 7 === 0) cache.delete(i - 10)
    }
    expect(cache.size).toBe(100)
    expect(cache.get(9_999)).toBe(9_999)
    expect(cache.get(0)).toBeUndefined()
    cache.clear()
    expect(cache.size).toBe(0)
    cache.set(1, 1)
    expect(cache.get(1)).toBe(1)
  })
})
