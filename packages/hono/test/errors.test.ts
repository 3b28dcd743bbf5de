import { afterAll, afterEach, beforeAll, describe, it, expect, vi } from 'vitest'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { setupServer } from 'msw/node'
import { z } from 'zod'
import { AuthError, ConfigError } from '@cloudauth/core'
import { jwksHandler } from '@cloudauth/testing'
import { cloudauth, cookie } from '@cloudauth/hono'
import {
  AUDIENCE,
  badSignature,
  bearer,
  invalidToken,
  ISSUER,
  JWKS_URI,
  options,
  token,
} from './support.js'

const auth = cloudauth(options)
const app = new Hono()
app.get('/', auth.scope(['read:users']), (c) => c.text('ok'))

async function expectError(
  res: Response,
  status: number,
  challenge: string | null,
  body: { error: string; error_description: string },
) {
  expect(res.status).toBe(status)
  expect(res.headers.get('www-authenticate')).toBe(challenge)
  expect(res.headers.get('cache-control')).toBe('no-store')
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
  expect(await res.json()).toEqual(body)
}

describe('error answers (RFC 6750 §3)', () => {
  it('401 with a bare challenge when no token is sent', async () => {
    await expectError(await app.request('/'), 401, 'Bearer realm="api"', {
      error: 'missing_token',
      error_description: 'no token was sent',
    })
  })

  it('400 invalid_request for a malformed Authorization header', async () => {
    const description = 'the Authorization header is not of the form \\"Bearer <token>\\"'
    await expectError(
      await app.request('/', { headers: { authorization: 'Bearer a b' } }),
      400,
      `Bearer realm="api", error="invalid_request", error_description="${description}"`,
      {
        error: 'invalid_request',
        error_description: 'the Authorization header is not of the form "Bearer <token>"',
      },
    )
  })

  const bad: [string, () => string, string][] = [
    ['malformed', () => 'abc', 'the token does not have three segments'],
    ['bad signature', badSignature, 'the token signature is invalid'],
    ['expired', () => token({}, -60), 'the token has expired'],
    [
      'wrong audience',
      () => token({ aud: 'someone-else' }),
      'the token is not meant for this audience (aud)',
    ],
    [
      'untrusted issuer',
      () => token({ iss: 'https://evil.test/' }),
      'the token issuer (iss) is not trusted',
    ],
  ]
  for (const [name, make, description] of bad) {
    it(`401 invalid_token: ${name}`, async () => {
      await expectError(
        await app.request('/', { headers: bearer(make()) }),
        401,
        invalidToken(description),
        { error: 'invalid_token', error_description: description },
      )
    })
  }

  it('403 insufficient_scope with the required scopes', async () => {
    await expectError(
      await app.request('/', { headers: bearer(token({ scope: 'other' })) }),
      403,
      'Bearer realm="api", error="insufficient_scope", error_description="the token lacks a required scope", scope="read:users"',
      { error: 'insufficient_scope', error_description: 'the token lacks a required scope' },
    )
  })
})

describe('503 when the keys cannot be had', () => {
  const server = setupServer(jwksHandler(JWKS_URI, { status: 500 }))
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())

  it('answers 503 with Retry-After and no challenge: an IdP outage is not a bad token', async () => {
    const auth = cloudauth({ issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE } })
    const app = new Hono()
    app.get('/', auth.verify(), (c) => c.text('ok'))
    const res = await app.request('/', { headers: bearer(token()) })
    expect(res.headers.get('retry-after')).toBe('30')
    await expectError(res, 503, null, {
      error: 'temporarily_unavailable',
      error_description: 'the signing keys of the token issuer cannot be fetched',
    })
  })
})

describe('options', () => {
  it('realm names the protection space', async () => {
    const app = new Hono()
    app.get('/', cloudauth(options, { realm: 'orders "v2"' }).verify(), (c) => c.text('ok'))
    const res = await app.request('/', { headers: bearer(token({}, -60)) })
    expect(res.headers.get('www-authenticate')).toBe(
      invalidToken('the token has expired', 'orders \\"v2\\"'),
    )
  })

  it('tokenFrom reads the token from a cookie instead of the Authorization header', async () => {
    const app = new Hono()
    app.get('/', cloudauth(options, { tokenFrom: [cookie('session')] }).verify(), (c) =>
      c.text(c.get('auth').claims.sub ?? ''),
    )
    const ok = await app.request('/', { headers: { cookie: `theme=dark; session=${token()}` } })
    expect(await ok.text()).toBe('user-1')
    const header = await app.request('/', { headers: bearer(token()) })
    expect(header.status).toBe(401)
    expect(header.headers.get('www-authenticate')).toBe('Bearer realm="api"')
  })

  it('onError answers auth errors the app way', async () => {
    const onError = vi.fn((error: AuthError, c: { json: (b: unknown, s: 418) => Response }) =>
      c.json({ code: error.code, status: error.status }, 418),
    )
    const app = new Hono()
    app.get('/', cloudauth(options, { onError }).scope(['admin']), (c) => c.text('ok'))
    const missing = await app.request('/')
    expect(missing.status).toBe(418)
    expect(await missing.json()).toEqual({ code: 'missing_token', status: 401 })
    const scope = await app.request('/', { headers: bearer(token()) })
    expect(await scope.json()).toEqual({ code: 'insufficient_scope', status: 403 })
    expect(onError).toHaveBeenCalledTimes(2)
    expect(onError.mock.calls[0]?.[0]).toBeInstanceOf(AuthError)
  })

  it('onError can throw an HTTPException to hand the error to app.onError', async () => {
    const app = new Hono()
    const auth = cloudauth(options, {
      onError: (error) => {
        throw new HTTPException(error.status, { message: error.code })
      },
    })
    app.onError((error, c) =>
      error instanceof HTTPException ? c.text(`handled ${error.message}`, 401) : c.text('?', 500),
    )
    app.get('/', auth.verify(), (c) => c.text('ok'))
    const res = await app.request('/')
    expect(await res.text()).toBe('handled missing_token')
  })

  it('rejects bad configuration at construction with ConfigError', () => {
    expect(() => cloudauth(options, { tokenFrom: [] })).toThrow(ConfigError)
    expect(() => cloudauth(options, { realm: '' })).toThrow(ConfigError)
    expect(() => cloudauth(null as never)).toThrow(ConfigError)
    expect(() => auth.scope([])).toThrow(ConfigError)
    expect(() => auth.scope(['a'], 'some' as never)).toThrow(ConfigError)
    expect(() => auth.groups([''])).toThrow(ConfigError)
    expect(() => auth.claim({} as never)).toThrow(ConfigError)
  })
})

describe('errors that are not auth errors', () => {
  it('pass from the handler to app.onError untouched', async () => {
    const onError = vi.fn(() => new Response('auth onError', { status: 599 }))
    const auth = cloudauth(options, { onError })
    const app = new Hono()
    const boom = new Error('boom')
    app.onError((error, c) => c.text(error === boom ? 'app saw boom' : 'other', 500))
    app.get('/', auth.verify(), auth.claim(z.object({ sub: z.string() })), () => {
      throw boom
    })
    const res = await app.request('/', { headers: bearer(token()) })
    expect(res.status).toBe(500)
    expect(await res.text()).toBe('app saw boom')
    expect(onError).not.toHaveBeenCalled()
  })

  it('from a custom token source go to app.onError, not to a 401', async () => {
    const broken = {
      description: 'broken',
      read: () => {
        throw new TypeError('source bug')
      },
    }
    const app = new Hono()
    app.onError((error, c) => c.text(error.message, 500))
    app.get('/', cloudauth(options, { tokenFrom: [broken] }).verify(), (c) => c.text('ok'))
    const res = await app.request('/')
    expect(res.status).toBe(500)
    expect(await res.text()).toBe('source bug')
  })
})
