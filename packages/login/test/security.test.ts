/**
 * The refusals of the login routes, each against the real dev issuer on 127.0.0.1: every one is
 * a clear JSON answer, and nothing logged holds a token, a code or a secret.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { DEV_DEFAULTS, startDevIssuer, type DevIssuer } from '@cloudauth/testing'
import {
  cognitoHostedUi,
  createLogin,
  type CreateLoginOptions,
  type LoginEvent,
} from '../src/index.js'
import {
  APP,
  Jar,
  SECRET_A,
  SECRET_B,
  app,
  logInThroughDevIssuer,
  setCookies,
  signInAtDevIssuer,
  startLogin,
} from './helpers.js'

let issuer: DevIssuer
const events: LoginEvent[] = []
const consoleLines: string[] = []

beforeAll(async () => {
  issuer = await startDevIssuer()
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map(String).join(' '))
    })
  }
})
afterAll(async () => {
  await issuer.stop()
  vi.restoreAllMocks()
})
afterEach(() => {
  vi.useRealTimers()
})

function makeLogin(extra: Partial<CreateLoginOptions> = {}) {
  return createLogin({
    issuer: cognitoHostedUi({ domain: issuer.url, issuer: issuer.issuer('cognito') }),
    clientId: DEV_DEFAULTS.clientId,
    redirectUri: `${APP}/auth/callback`,
    secrets: [SECRET_A],
    onEvent: (event) => events.push(event),
    ...extra,
  })
}

async function expectError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
  expect(response.headers.get('cache-control')).toBe('no-store')
  const body = (await response.json()) as { error: string }
  expect(body.error).toBe(code)
}

/** Secrets seen during the tests: none may appear in a log line or event. */
const secretsSeen = new Set<string>()
function remember(...values: (string | null | undefined)[]): void {
  for (const value of values) if (value) secretsSeen.add(value)
}

describe('the callback', () => {
  it('refuses a state that matches no attempt cookie', async () => {
    const login = makeLogin()
    const jar = new Jar()
    const authorize = await startLogin(login, jar)
    const back = await signInAtDevIssuer(authorize.href)
    remember(back.searchParams.get('code'))
    const stranger = new Jar() // another browser: no attempt cookie
    await expectError(await app(login, stranger, back.pathname + back.search), 400, 'invalid_state')
    await expectError(await app(login, jar, '/auth/callback?code=x'), 400, 'invalid_state')
  })

  it('refuses an attempt cookie that was made for another state', async () => {
    const login = makeLogin()
    const jar = new Jar()
    const authorize = await startLogin(login, jar)
    const state = authorize.searchParams.get('state')!
    const forged = new Jar()
    const other = 'A'.repeat(43)
    forged.cookies.set(`cloudauth.attempt.${other}`, jar.cookies.get(`cloudauth.attempt.${state}`)!)
    await expectError(
      await app(login, forged, `/auth/callback?code=abc&state=${other}`),
      400,
      'invalid_state',
    )
  })

  it('refuses a replayed code', async () => {
    const login = makeLogin()
    const jar = new Jar()
    const authorize = await startLogin(login, jar)
    const state = authorize.searchParams.get('state')!
    const attempt = jar.cookies.get(`cloudauth.attempt.${state}`)!
    const back = await signInAtDevIssuer(authorize.href)
    remember(back.searchParams.get('code'))
    expect((await app(login, jar, back.pathname + back.search)).status).toBe(302)
    // The attacker replays the callback with the (captured) attempt cookie: the code is spent.
    const replay = new Jar()
    replay.cookies.set(`cloudauth.attempt.${state}`, attempt)
    await expectError(await app(login, replay, back.pathname + back.search), 401, 'invalid_grant')
  })

  it('refuses a code redeemed with the wrong PKCE verifier', async () => {
    const login = makeLogin()
    const jar = new Jar()
    const first = await startLogin(login, jar)
    const second = await startLogin(login, jar)
    const back = await signInAtDevIssuer(first.href)
    remember(back.searchParams.get('code'))
    // The code of attempt 1 with the state (and so the verifier) of attempt 2.
    const code = back.searchParams.get('code')!
    const state = second.searchParams.get('state')!
    await expectError(
      await app(login, jar, `/auth/callback?${new URLSearchParams({ code, state })}`),
      401,
      'invalid_grant',
    )
  })

  it('refuses a tampered attempt cookie, and clears it', async () => {
    const login = makeLogin()
    const jar = new Jar()
    const authorize = await startLogin(login, jar)
    const state = authorize.searchParams.get('state')!
    const name = `cloudauth.attempt.${state}`
    const value = jar.cookies.get(name)!
    const at = value.length - 10
    jar.cookies.set(
      name,
      value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1),
    )
    const back = await signInAtDevIssuer(authorize.href)
    remember(back.searchParams.get('code'))
    const response = await app(login, jar, back.pathname + back.search)
    await expectError(response, 400, 'invalid_attempt')
    const cleared = setCookies(response).find((c) => c.name === name)!
    expect(cleared.attributes).toContain('Max-Age=0')
    expect(cleared.attributes).toContain('Path=/auth/callback')
  })

  it('refuses an expired attempt cookie', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const start = Date.now()
    const login = makeLogin()
    const jar = new Jar()
    const authorize = await startLogin(login, jar)
    const back = await signInAtDevIssuer(authorize.href)
    remember(back.searchParams.get('code'))
    vi.setSystemTime(start + 601_000) // attempts live 600 s
    await expectError(await app(login, jar, back.pathname + back.search), 400, 'invalid_attempt')
  })

  it('refuses an attempt started for another issuer', async () => {
    const other = await startDevIssuer()
    try {
      const otherLogin = makeLogin({
        issuer: cognitoHostedUi({ domain: other.url, issuer: other.issuer('cognito') }),
      })
      const jar = new Jar()
      const authorize = await startLogin(otherLogin, jar)
      const back = await signInAtDevIssuer(authorize.href)
      remember(back.searchParams.get('code'))
      // Same secrets, same callback, another issuer: the cookie must not complete here.
      await expectError(
        await app(makeLogin(), jar, back.pathname + back.search),
        400,
        'invalid_attempt',
      )
    } finally {
      await other.stop()
    }
  })

  it("never reflects the issuer's error into the answer", async () => {
    const login = makeLogin()
    const jar = new Jar()
    const authorize = await startLogin(login, jar)
    const state = authorize.searchParams.get('state')!
    const evil = '<script>alert(1)</script>'
    const response = await app(
      login,
      jar,
      `/auth/callback?${new URLSearchParams({ error: evil, error_description: evil, error_uri: 'javascript:alert(1)', state })}`,
    )
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    const text = await response.text()
    expect(text).not.toContain('<')
    expect(text).not.toContain('alert')
    expect(JSON.parse(text)).toEqual({
      error: 'issuer_error',
      error_description: 'the issuer did not complete the login',
    })
  })
})

describe('returnTo', () => {
  it.each([
    'https://evil.example/',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    'http://127.0.0.1:3000/ok-but-absolute',
    '/%0d%0aSet-Cookie:x=1'.replace('%0d%0a', '\r\n'),
  ])('refuses %j', async (returnTo) => {
    const login = makeLogin()
    const jar = new Jar()
    const response = await app(login, jar, `/auth/login?${new URLSearchParams({ returnTo })}`)
    await expectError(response, 400, 'invalid_return_to')
    expect(jar.cookies.size).toBe(0)
  })

  it('keeps a same-origin path with its query and fragment', async () => {
    const login = makeLogin()
    const jar = new Jar()
    const done = await logInThroughDevIssuer(login, jar, '/a/b?c=d#e')
    expect(done.headers.get('location')).toBe('/a/b?c=d#e')
  })
})

describe('sessions', () => {
  it('refuses a session cookie sealed with an unknown key, and opens it after rotation', async () => {
    const jar = new Jar()
    await logInThroughDevIssuer(makeLogin({ secrets: [SECRET_A] }), jar)
    const sealed = jar.cookies.get('cloudauth.session')!
    const unknown = await app(makeLogin({ secrets: [SECRET_B] }), jar, '/auth/me')
    await expectError(unknown, 401, 'no_session')
    const cleared = setCookies(unknown).find((c) => c.name === 'cloudauth.session')!
    expect(cleared.attributes).toMatch(/Max-Age=0; .*HttpOnly; SameSite=Lax/)
    // Rotation: a new secret first, the old one still opens existing cookies.
    jar.cookies.set('cloudauth.session', sealed)
    expect((await app(makeLogin({ secrets: [SECRET_B, SECRET_A] }), jar, '/auth/me')).status).toBe(
      200,
    )
  })

  it('refuses a tampered session cookie', async () => {
    const login = makeLogin()
    const jar = new Jar()
    await logInThroughDevIssuer(login, jar)
    const sealed = jar.cookies.get('cloudauth.session')!
    jar.cookies.set(
      'cloudauth.session',
      sealed.slice(0, -3) + (sealed.endsWith('AAA') ? 'BBB' : 'AAA'),
    )
    await expectError(await app(login, jar, '/auth/me'), 401, 'no_session')
  })

  it('enforces the sealed expiry even when the browser keeps the cookie', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const start = Date.now()
    const login = makeLogin({ idleTimeoutSeconds: 120 })
    const jar = new Jar()
    await logInThroughDevIssuer(login, jar)
    vi.setSystemTime(start + 121_000)
    await expectError(await app(login, jar, '/auth/me'), 401, 'no_session')
  })

  it('reads a session split over chunk cookies, and deletes stale chunks with their attributes', async () => {
    const login = makeLogin()
    const jar = new Jar()
    await logInThroughDevIssuer(login, jar)
    const sealed = jar.cookies.get('cloudauth.session')!
    jar.cookies.delete('cloudauth.session')
    const half = Math.ceil(sealed.length / 2)
    jar.cookies.set('cloudauth.session.0', sealed.slice(0, half))
    jar.cookies.set('cloudauth.session.1', sealed.slice(half))
    expect((await app(login, jar, '/auth/me')).status).toBe(200)
    // A new login writes one cookie and deletes the chunks, repeating Path, HttpOnly, SameSite.
    const done = await logInThroughDevIssuer(login, jar)
    const deleted = setCookies(done).filter((c) => c.name.startsWith('cloudauth.session.'))
    expect(deleted.map((c) => c.name).sort()).toEqual([
      'cloudauth.session.0',
      'cloudauth.session.1',
    ])
    for (const cookie of deleted) {
      expect(cookie.attributes).toBe(
        'Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax',
      )
    }
  })

  it('splits a large session over chunks of at most 4 KB', async () => {
    // Many long scopes make the access token, and so the sealed session, larger than one cookie.
    const scopes = [
      'openid',
      ...Array.from({ length: 12 }, (_, i) => `https://api.example.com/scope-${i}`),
    ]
    const login = makeLogin({ scopes })
    const jar = new Jar()
    const done = await logInThroughDevIssuer(login, jar)
    const names = [...jar.cookies.keys()].filter((n) => n.startsWith('cloudauth.session'))
    expect(names.length).toBeGreaterThan(1)
    expect(names.every((n) => /^cloudauth\.session\.\d+$/.test(n))).toBe(true)
    for (const line of done.headers.getSetCookie()) expect(line.length).toBeLessThan(4096)
    expect((await app(login, jar, '/auth/me')).status).toBe(200)
    // Logout deletes every chunk.
    await app(login, jar, '/auth/logout', { method: 'POST' })
    expect([...jar.cookies.keys()].filter((n) => n.startsWith('cloudauth.session'))).toEqual([])
  })
})

describe('CSRF on logout and refresh', () => {
  it.each([
    ['/auth/logout', null],
    ['/auth/logout', 'https://evil.example'],
    ['/auth/logout', 'null'],
    ['/auth/refresh', null],
    ['/auth/refresh', 'http://127.0.0.1:3001'],
  ])('%s with Origin %s is refused and the session stays', async (path, origin) => {
    const login = makeLogin()
    const jar = new Jar()
    await logInThroughDevIssuer(login, jar)
    await expectError(
      await app(login, jar, path, { method: 'POST', origin }),
      403,
      'forbidden_origin',
    )
    expect((await app(login, jar, '/auth/me')).status).toBe(200)
  })

  it('refuses GET on logout and refresh', async () => {
    const login = makeLogin()
    const jar = new Jar()
    const response = await app(login, jar, '/auth/logout')
    await expectError(response, 405, 'method_not_allowed')
    expect(response.headers.get('allow')).toBe('POST')
    await expectError(await app(login, jar, '/auth/refresh'), 405, 'method_not_allowed')
  })
})

describe('logs', () => {
  it('never hold a token, a code or a secret', async () => {
    const login = makeLogin()
    const jar = new Jar()
    await logInThroughDevIssuer(login, jar)
    const current = await login.session({ header: () => jar.header() })
    remember(current?.accessToken, SECRET_A, SECRET_B, jar.cookies.get('cloudauth.session'))
    await app(login, jar, '/auth/refresh', { method: 'POST' })
    await app(login, jar, '/auth/logout', { method: 'POST' })
    expect(events.length).toBeGreaterThan(5)
    const logged = [...consoleLines, ...events.map((event) => JSON.stringify(event))]
    for (const secret of secretsSeen) {
      for (const line of logged) expect(line).not.toContain(secret)
    }
    expect(events.some((event) => event.type === 'login_failed')).toBe(true)
  })
})
