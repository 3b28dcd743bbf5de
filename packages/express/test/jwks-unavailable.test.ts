import { afterAll, beforeAll, describe, it, expect } from 'vitest'
import { setupServer } from 'msw/node'
import { jwksHandler } from '@cloudauth/testing'
import { cloudauth } from '@cloudauth/express'
import { AUDIENCE, bearer, ISSUER, JWKS_URI, token, useServers } from './support.js'

// msw answers the IdP; the test's own requests to the app on 127.0.0.1 pass through.
const idp = setupServer(jwksHandler(JWKS_URI, { status: 500 }))
beforeAll(() =>
  idp.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error()
    },
  }),
)
afterAll(() => idp.close())

const serve = useServers()

describe('503 when the keys cannot be had', () => {
  it('answers 503 with Retry-After and no challenge: an IdP outage is not a bad token', async () => {
    const auth = cloudauth({ issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE } })
    const url = await serve((app) => {
      app.get('/', auth.verify(), (_req, res) => {
        res.send('ok')
      })
    })
    const res = await fetch(url, { headers: bearer(token()) })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('30')
    expect(res.headers.get('www-authenticate')).toBeNull()
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'the signing keys of the token issuer cannot be fetched',
    })
  })
})
