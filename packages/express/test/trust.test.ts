import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ErrorRequestHandler } from 'express'
import type { User } from '@cloudauth/core'
import { cloudauth } from '@cloudauth/express'
import { LruCache } from '../../core/src/cache/token-cache.js'
import { bearer, options, token, useServers } from './support.js'

const serve = useServers()
afterEach(() => vi.restoreAllMocks())

// Express tells an error handler by its four parameters.
const toStatus: ErrorRequestHandler = (error: Error, _req, res, next) => {
  if (res.headersSent) next(error)
  else res.status(500).json({ thrown: error.message })
}

describe('.get(req) trusts only what this instance produced', () => {
  it('user().get(req) refuses a req.authUser set by someone else', async () => {
    const auth = cloudauth(options)
    const user = auth.user()
    const url = await serve((app) => {
      app.use((req, _res, next) => {
        const forged: User = {
          kind: 'user',
          id: 'forged',
          groups: ['admin'],
          provider: 'x',
          claims: {},
        }
        req.authUser = forged
        next()
      })
      app.get('/forged', (req, res) => res.json(user.get(req)))
      app.get('/real', user, (req, res) => res.json({ id: user.get(req).id }))
      app.use(toStatus)
    })
    const forged = await fetch(`${url}/forged`)
    expect(forged.status).toBe(500)
    expect(await forged.json()).toEqual({
      thrown: 'cloudauth: user() middleware has not run for this request',
    })
    const real = await fetch(`${url}/real`, { headers: bearer(token()) })
    expect(await real.json()).toEqual({ id: 'user-1' })
  })

  it("another instance's user is not this one's", async () => {
    const one = cloudauth(options)
    const other = cloudauth(options)
    const user = one.user()
    const url = await serve((app) => {
      app.get('/', other.user(), (req, res) => res.json(user.get(req)))
      app.use(toStatus)
    })
    const res = await fetch(url, { headers: bearer(token()) })
    expect(res.status).toBe(500)
  })
})

describe('an exception from core itself', () => {
  it('goes to next(err) (a 500), never a 401 malformed_token', async () => {
    const bug = new TypeError('a bug in the token cache')
    vi.spyOn(LruCache.prototype, 'get').mockImplementation(() => {
      throw bug
    })
    const url = await serve((app) => {
      app.get('/', cloudauth(options).verify(), (_req, res) => res.send('ok'))
      app.use(toStatus)
    })
    const res = await fetch(url, { headers: bearer(token()) })
    expect(res.status).toBe(500)
    expect(res.headers.get('www-authenticate')).toBeNull()
    expect(await res.json()).toEqual({ thrown: 'a bug in the token cache' })
  })
})
