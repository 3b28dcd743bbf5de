import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createVerifier } from '@cloudauth/core'
import { DEV_DEFAULTS, startDevIssuer, type DevIssuer } from '@cloudauth/testing'
import {
  auth0UniversalLogin,
  cognitoHostedUi,
  createLogin,
  memoryStore,
  oidcIssuer,
  session,
  type CreateLoginOptions,
  type LoginEvent,
  type SessionStore,
} from '../src/index.js'
import {
  APP,
  Jar,
  SECRET_A,
  app,
  asView,
  logInThroughDevIssuer,
  setCookies,
  signInAtDevIssuer,
  startLogin,
} from './helpers.js'

let issuer: DevIssuer
let shortIssuer: DevIssuer

beforeAll(async () => {
  issuer = await startDevIssuer()
  // Tokens that live 30 s: inside the 60 s refresh leeway, so every use refreshes.
  shortIssuer = await startDevIssuer({ loginTokenSeconds: 30 })
})
afterAll(async () => {
  await issuer.stop()
  await shortIssuer.stop()
})
afterEach(() => {
  vi.useRealTimers()
})

function cognitoLogin(from: DevIssuer, extra: Partial<CreateLoginOptions> = {}) {
  return createLogin({
    issuer: cognitoHostedUi({ domain: from.url, issuer: from.issuer('cognito') }),
    clientId: DEV_DEFAULTS.clientId,
    redirectUri: `${APP}/auth/callback`,
    secrets: [SECRET_A],
    ...extra,
  })
}

describe('the whole flow against the dev issuer', () => {
  it.each([
    ['cognito Hosted UI layout', () => cognitoLogin(issuer)],
    [
      'Auth0 layout',
      () =>
        createLogin({
          issuer: auth0UniversalLogin({ domain: issuer.url }),
          clientId: DEV_DEFAULTS.clientId,
          redirectUri: `${APP}/auth/callback`,
          secrets: [SECRET_A],
        }),
    ],
    [
      'discovery',
      () =>
        createLogin({
          issuer: oidcIssuer({ issuer: `${issuer.url}/` }),
          clientId: DEV_DEFAULTS.clientId,
          redirectUri: `${APP}/auth/callback`,
          secrets: [SECRET_A],
        }),
    ],
  ])('%s: login, me, refresh, logout', async (_name, make) => {
    const login = make()
    const jar = new Jar()
    const authorize = await startLogin(login, jar, '/orders?page=2')
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('response_type')).toBe('code')
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${APP}/auth/callback`)
    const state = authorize.searchParams.get('state')!
    expect(jar.cookies.has(`cloudauth.attempt.${state}`)).toBe(true)

    const callback = await signInAtDevIssuer(authorize.href, 'alice')
    const done = await app(login, jar, callback.pathname + callback.search)
    expect(done.status).toBe(302)
    expect(done.headers.get('location')).toBe('/orders?page=2')
    // The attempt cookie is gone (single use) and a session cookie is set.
    expect(jar.cookies.has(`cloudauth.attempt.${state}`)).toBe(false)
    expect(jar.cookies.has('cloudauth.session')).toBe(true)
    const sessionCookie = setCookies(done).find((c) => c.name === 'cloudauth.session')!
    expect(sessionCookie.attributes).toContain('HttpOnly')
    expect(sessionCookie.attributes).toContain('SameSite=Lax')
    expect(sessionCookie.attributes).not.toContain('Secure') // http on loopback only

    const me = await app(login, jar, '/auth/me')
    expect(me.status).toBe(200)
    const profile = (await me.json()) as Record<string, unknown>
    expect(profile['email']).toBe('alice@example.com')

    const before = jar.cookies.get('cloudauth.session')
    const refreshed = await app(login, jar, '/auth/refresh', { method: 'POST' })
    expect(refreshed.status).toBe(200)
    expect(jar.cookies.get('cloudauth.session')).not.toBe(before)

    const out = await app(login, jar, '/auth/logout', { method: 'POST' })
    expect(out.status).toBe(303)
    const end = new URL(out.headers.get('location')!)
    expect(end.origin).toBe(issuer.url)
    expect(['/logout', '/oidc/logout']).toContain(end.pathname)
    expect(jar.cookies.has('cloudauth.session')).toBe(false)
    expect((await app(login, jar, '/auth/me')).status).toBe(401)
  })

  it('lets several tabs log in at once, completed in any order', async () => {
    const login = cognitoLogin(issuer)
    const jar = new Jar()
    const first = await startLogin(login, jar, '/first')
    const second = await startLogin(login, jar, '/second')
    const secondBack = await signInAtDevIssuer(second.href)
    const firstBack = await signInAtDevIssuer(first.href)
    const a = await app(login, jar, secondBack.pathname + secondBack.search)
    const b = await app(login, jar, firstBack.pathname + firstBack.search)
    expect([a.status, a.headers.get('location')]).toEqual([302, '/second'])
    expect([b.status, b.headers.get('location')]).toEqual([302, '/first'])
  })

  it('keeps nothing on the shared instance: a fresh login object completes an attempt', async () => {
    const jar = new Jar()
    const authorize = await startLogin(cognitoLogin(issuer), jar)
    const back = await signInAtDevIssuer(authorize.href)
    const done = await app(cognitoLogin(issuer), jar, back.pathname + back.search)
    expect(done.status).toBe(302)
  })
})

describe('tokens from the session', () => {
  it('feeds the access token to a verifier through session(login)', async () => {
    const login = cognitoLogin(issuer)
    const jar = new Jar()
    await logInThroughDevIssuer(login, jar)
    const source = session(login)
    const token = await source.read(
      asView({
        header: (name) => (name === 'cookie' ? jar.header() : undefined),
      }),
    )
    expect(typeof token).toBe('string')
    const verifier = createVerifier({
      issuers: [
        { issuer: issuer.issuer('cognito'), jwksUri: issuer.jwksUri('cognito'), audience: null },
      ],
    })
    const verified = await verifier.verify(token!)
    expect(verified.claims['token_use']).toBe('access')
    expect(verified.claims['client_id']).toBe(DEV_DEFAULTS.clientId)
  })

  it('gives no token without a session', async () => {
    const login = cognitoLogin(issuer)
    expect(await session(login).read(asView({ header: () => undefined }))).toBeUndefined()
  })

  it.each([
    ['cookie sessions', undefined],
    ['a memory store', memoryStore()],
  ] as const)(
    'refreshes once for concurrent requests near expiry, and rotates the cookie (%s)',
    async (_name, store: SessionStore | undefined) => {
      const events: LoginEvent[] = []
      const login = cognitoLogin(shortIssuer, {
        onEvent: (event) => events.push(event),
        ...(store === undefined ? {} : { store }),
      })
      const jar = new Jar()
      await logInThroughDevIssuer(login, jar)
      const first = (await login.session({ header: () => jar.header() }))!.accessToken
      events.length = 0
      // Every use refreshes (30 s tokens, 60 s leeway): five concurrent requests, one refresh.
      const appended: string[][] = [[], [], [], [], []]
      const tokens = await Promise.all(
        appended.map(async (headers) =>
          session(login).read(
            asView({
              header: (name) => (name === 'cookie' ? jar.header() : undefined),
              appendResponseHeader: (name, value) => {
                expect(name).toBe('Set-Cookie')
                headers.push(value)
              },
            }),
          ),
        ),
      )
      expect(events.filter((event) => event.type === 'refresh')).toHaveLength(1)
      expect(new Set(tokens).size).toBe(1)
      expect(tokens[0]).not.toBe(first)
      if (store === undefined) {
        // Each waiter's response carries the rotated cookie.
        for (const headers of appended)
          expect(headers.some((h) => h.startsWith('cloudauth.session='))).toBe(true)
      }
    },
  )

  it('reads the session once per request through the memo', async () => {
    const login = cognitoLogin(issuer)
    const jar = new Jar()
    await logInThroughDevIssuer(login, jar)
    let reads = 0
    const request = {
      header: (name: string) => {
        if (name === 'cookie') reads++
        return name === 'cookie' ? jar.header() : undefined
      },
      memo: new Map<unknown, unknown>(),
    }
    await login.session(request)
    await session(login).read(request)
    expect(reads).toBe(1)
  })

  it('ends a session after the idle timeout and after the absolute timeout', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const start = Date.now()
    const login = cognitoLogin(issuer, { idleTimeoutSeconds: 600, absoluteTimeoutSeconds: 3000 })
    const jar = new Jar()
    await logInThroughDevIssuer(login, jar)
    vi.setSystemTime(start + 500_000)
    expect((await app(login, jar, '/auth/me')).status).toBe(200) // touched: idle restarts
    vi.setSystemTime(start + 1_000_000)
    expect((await app(login, jar, '/auth/me')).status).toBe(200)
    vi.setSystemTime(start + 1_700_000) // 700 s idle
    expect((await app(login, jar, '/auth/me')).status).toBe(401)

    vi.setSystemTime(start)
    const again = new Jar()
    await logInThroughDevIssuer(login, again)
    for (let t = 500_000; t < 3_000_000; t += 500_000) {
      vi.setSystemTime(start + t)
      expect((await app(login, again, '/auth/me')).status).toBe(200)
    }
    vi.setSystemTime(start + 3_001_000) // past the absolute timeout, though used all along
    expect((await app(login, again, '/auth/me')).status).toBe(401)
  })

  it('rotates the session id at login and revokes the refresh token at logout (store)', async () => {
    const records = new Map<string, unknown>()
    const inner = memoryStore()
    const store: SessionStore = {
      ...inner,
      set: (id, record, ttl) => {
        records.set(id, record)
        return inner.set(id, record, ttl)
      },
    }
    const login = cognitoLogin(issuer, { store })
    const jar = new Jar()
    await logInThroughDevIssuer(login, jar)
    const firstId = jar.cookies.get('cloudauth.session')!
    await logInThroughDevIssuer(login, jar)
    const secondId = jar.cookies.get('cloudauth.session')!
    expect(secondId).not.toBe(firstId)
    expect(await store.get(firstId)).toBeUndefined()
    const record = (await store.get(secondId))!
    expect(record.refreshToken).toBeTypeOf('string')

    await app(login, jar, '/auth/logout', { method: 'POST' })
    expect(await store.get(secondId)).toBeUndefined()
    // The issuer no longer honours the refresh token (RFC 7009).
    const refused = await fetch(`${issuer.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: record.refreshToken!,
        client_id: DEV_DEFAULTS.clientId,
      }),
    })
    expect(refused.status).toBe(400)
  })

  it('sends a browser to the login page with returnTo', () => {
    const login = cognitoLogin(issuer)
    const answer = login.redirectToLogin({ method: 'GET', url: '/orders?id=7' })
    expect(answer.status).toBe(302)
    expect(answer.headers['location']).toBe('/auth/login?returnTo=%2Forders%3Fid%3D7')
    expect(login.redirectToLogin({ method: 'POST', url: '/orders' }).headers['location']).toBe(
      '/auth/login?returnTo=%2F',
    )
  })

  it('answers undefined for paths that are not its own, and renames routes', async () => {
    const login = cognitoLogin(issuer, { paths: { login: '/signin', me: '/whoami' } })
    expect(await login.routes(new Request(`${APP}/other`))).toBeUndefined()
    expect(await login.routes(new Request(`${APP}/auth/login`))).toBeUndefined()
    expect((await login.routes(new Request(`${APP}/signin`)))?.status).toBe(302)
    expect((await login.routes(new Request(`${APP}/whoami`)))?.status).toBe(401)
  })
})
