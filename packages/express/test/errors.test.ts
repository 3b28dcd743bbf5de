import { describe, it, expect, vi } from 'vitest'
import type { ErrorRequestHandler } from 'express'
import { AuthError, ConfigError } from '@cloudauth/core'
import { z } from 'zod'
import { authErrorHandler, cloudauth, cookie, type CloudAuthOptions } from '@cloudauth/express'
import { badSignature, bearer, invalidToken, options, token, useServers } from './support.js'

type OnError = NonNullable<CloudAuthOptions['onError']>

// The app's own error handler (Express knows error handlers by their four parameters).
const appError: ErrorRequestHandler = (error: Error, _req, res, next) => {
  if (res.headersSent) {
    next(error)
    return
  }
  res.status(500).send(`app saw ${error.message}`)
}

const auth = cloudauth(options)
const serve = useServers()
const scoped = () =>
  serve((app) => {
    app.get('/', auth.scope(['read:users']), (_req, res) => {
      res.send('ok')
    })
  })

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
    const url = await scoped()
    await expectError(await fetch(url), 401, 'Bearer realm="api"', {
      error: 'missing_token',
      error_description: 'no token was sent',
    })
  })

  it('400 invalid_request for a malformed Authorization header', async () => {
    const url = await scoped()
    const description = 'the Authorization header is not of the form \\"Bearer <token>\\"'
    await expectError(
      await fetch(url, { headers: { authorization: 'Bearer a b' } }),
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
      const url = await scoped()
      await expectError(
        await fetch(url, { headers: bearer(make()) }),
        401,
        invalidToken(description),
        { error: 'invalid_token', error_description: description },
      )
    })
  }

  it('403 insufficient_scope with the required scopes', async () => {
    const url = await scoped()
    await expectError(
      await fetch(url, { headers: bearer(token({ scope: 'other' })) }),
      403,
      'Bearer realm="api", error="insufficient_scope", error_description="the token lacks a required scope", scope="read:users"',
      { error: 'insufficient_scope', error_description: 'the token lacks a required scope' },
    )
  })
})

describe('options', () => {
  it('realm names the protection space', async () => {
    const url = await serve((app) => {
      app.get('/', cloudauth(options, { realm: 'orders' }).verify(), (_req, res) => {
        res.send('ok')
      })
    })
    const res = await fetch(url, { headers: bearer(token({}, -60)) })
    expect(res.headers.get('www-authenticate')).toBe(
      invalidToken('the token has expired', 'orders'),
    )
  })

  it('tokenFrom reads the token from a cookie instead of the Authorization header', async () => {
    const url = await serve((app) => {
      app.get('/', cloudauth(options, { tokenFrom: [cookie('session')] }).verify(), (req, res) => {
        res.send(req.auth?.claims.sub)
      })
    })
    const ok = await fetch(url, { headers: { cookie: `theme=dark; session=${token()}` } })
    expect(await ok.text()).toBe('user-1')
    const header = await fetch(url, { headers: bearer(token()) })
    expect(header.status).toBe(401)
    expect(header.headers.get('www-authenticate')).toBe('Bearer realm="api"')
  })

  it('onError answers auth errors the app way (sync or async)', async () => {
    const onError = vi.fn<OnError>(async (error, _req, res) => {
      await Promise.resolve()
      res.status(418).json({ code: error.code, status: error.status })
    })
    const url = await serve((app) => {
      app.get('/', cloudauth(options, { onError }).scope(['admin']), (_req, res) => {
        res.send('ok')
      })
    })
    const missing = await fetch(url)
    expect(missing.status).toBe(418)
    expect(await missing.json()).toEqual({ code: 'missing_token', status: 401 })
    const scope = await fetch(url, { headers: bearer(token()) })
    expect(await scope.json()).toEqual({ code: 'insufficient_scope', status: 403 })
    expect(onError).toHaveBeenCalledTimes(2)
    expect(onError.mock.calls[0]?.[0]).toBeInstanceOf(AuthError)
  })

  it('an onError that throws hands its error to the app error handler', async () => {
    const url = await serve((app) => {
      const auth = cloudauth(options, {
        onError: () => {
          throw new Error('onError bug')
        },
      })
      app.get('/', auth.verify(), (_req, res) => {
        res.send('ok')
      })
      app.use(appError)
    })
    expect(await (await fetch(url)).text()).toBe('app saw onError bug')
  })

  it('passErrors hands AuthErrors to next(err); authErrorHandler() answers them', async () => {
    const seen: string[] = []
    const url = await serve((app) => {
      const auth = cloudauth(options, { passErrors: true })
      app.get('/', auth.scope(['admin']), (_req, res) => {
        res.send('ok')
      })
      app.use(((error: AuthError, _req, _res, next) => {
        seen.push(error.code)
        next(error)
      }) satisfies ErrorRequestHandler)
      app.use(authErrorHandler({ realm: 'orders' }))
    })
    await expectError(
      await fetch(url, { headers: bearer(token()) }),
      403,
      'Bearer realm="orders", error="insufficient_scope", error_description="the token lacks a required scope", scope="admin"',
      { error: 'insufficient_scope', error_description: 'the token lacks a required scope' },
    )
    await expectError(await fetch(url), 401, 'Bearer realm="orders"', {
      error: 'missing_token',
      error_description: 'no token was sent',
    })
    expect(seen).toEqual(['insufficient_scope', 'missing_token'])
  })

  it('authErrorHandler() passes other errors on', async () => {
    const url = await serve((app) => {
      app.get('/', () => {
        throw new Error('boom')
      })
      app.use(authErrorHandler())
      app.use(appError)
    })
    expect(await (await fetch(url)).text()).toBe('app saw boom')
  })

  it('rejects bad configuration at construction with ConfigError', () => {
    expect(() => cloudauth(options, { tokenFrom: [] })).toThrow(ConfigError)
    expect(() => cloudauth(options, { realm: '' })).toThrow(ConfigError)
    expect(() => cloudauth(options, { passErrors: true, onError: () => undefined })).toThrow(
      ConfigError,
    )
    expect(() => cloudauth(options, { passErrors: 'yes' as never })).toThrow(ConfigError)
    expect(() => cloudauth(undefined as never)).toThrow(ConfigError)
    expect(() => auth.scope([])).toThrow(ConfigError)
    expect(() => auth.groups(['a'], 'most' as never)).toThrow(ConfigError)
    expect(() => auth.claim(null as never)).toThrow(ConfigError)
    expect(() => authErrorHandler({ realm: '' })).toThrow(ConfigError)
  })
})

describe('errors that are not auth errors', () => {
  it('pass from handlers (sync and async) to the app error handler untouched', async () => {
    const onError = vi.fn()
    const url = await serve((app) => {
      const auth = cloudauth(options, { onError })
      app.get('/sync', auth.verify(), () => {
        throw new Error('sync boom')
      })
      // Hands its error to next() itself: Express 4 does not catch a handler's rejected promise
      // (Express 5 does), and this suite runs on both.
      app.get('/async', auth.verify(), async (_req, _res, next) => {
        await Promise.resolve()
        next(new Error('async boom'))
      })
      app.use(appError)
    })
    const sync = await fetch(`${url}/sync`, { headers: bearer(token()) })
    expect(sync.status).toBe(500)
    expect(await sync.text()).toBe('app saw sync boom')
    const later = await fetch(`${url}/async`, { headers: bearer(token()) })
    expect(await later.text()).toBe('app saw async boom')
    expect(onError).not.toHaveBeenCalled()
  })

  it('from a custom token source go to the app error handler, not to a 401', async () => {
    const broken = {
      description: 'broken',
      read: () => {
        throw new TypeError('source bug')
      },
    }
    const url = await serve((app) => {
      app.get('/', cloudauth(options, { tokenFrom: [broken] }).verify(), (_req, res) => {
        res.send('ok')
      })
      app.use(appError)
    })
    expect(await (await fetch(url)).text()).toBe('app saw source bug')
  })

  it('.get(req) without its middleware on the route is a routing bug: it throws', async () => {
    const me = auth.claim(z.object({ sub: z.string() }))
    const user = auth.user()
    const url = await serve((app) => {
      app.get('/claims', (req, res) => {
        res.json(me.get(req))
      })
      app.get('/user', auth.verify(), (req, res) => {
        res.json(user.get(req))
      })
      app.use(appError)
    })
    expect(await (await fetch(`${url}/claims`)).text()).toBe(
      'app saw cloudauth: claim() middleware has not run for this request',
    )
    expect(await (await fetch(`${url}/user`, { headers: bearer(token()) })).text()).toBe(
      'app saw cloudauth: user() middleware has not run for this request',
    )
  })
})
