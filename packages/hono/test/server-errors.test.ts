import { afterEach, describe, expect, it, vi } from 'vitest'
import { Hono } from 'hono'
import { cloudauth } from '@cloudauth/hono'
import { LruCache } from '../../core/src/cache/token-cache.js'
import { bearer, options, token } from './support.js'

afterEach(() => vi.restoreAllMocks())

describe('an exception from core itself', () => {
  it('reaches app.onError as itself (a 500), never a 401 malformed_token', async () => {
    const bug = new TypeError('a bug in the token cache')
    vi.spyOn(LruCache.prototype, 'get').mockImplementation(() => {
      throw bug
    })
    const seen: unknown[] = []
    const app = new Hono()
    app.onError((error, c) => {
      seen.push(error)
      return c.text('server error', 500)
    })
    app.get('/', cloudauth(options).verify(), (c) => c.text('ok'))
    const res = await app.request('/', { headers: bearer(token()) })
    expect(res.status).toBe(500)
    expect(res.headers.get('www-authenticate')).toBeNull()
    expect(seen).toEqual([bug])
  })
})
