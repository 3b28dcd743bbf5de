/**
 * The whole login against a real, certified OpenID Provider (oidc-provider 9) on 127.0.0.1, found
 * by discovery: strict PKCE, refresh token rotation with reuse detection, userinfo, revocation
 * (RFC 7009) and RP-initiated logout, scripted with fetch and two cookie jars (app and issuer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import {
  createLogin,
  memoryStore,
  oidcIssuer,
  type Login,
  type SessionStore,
} from '../src/index.js'
import { APP, Jar, SECRET_A, app, startLogin } from './helpers.js'

const CLIENT_ID = 'web-app'
let server: Server
let issuerUrl: string

beforeAll(async () => {
  server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  issuerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const provider = new Provider(issuerUrl, {
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'none', // a public client: PKCE is required
        redirect_uris: [`${APP}/auth/callback`],
        post_logout_redirect_uris: [`${APP}/`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: {
      keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'it', alg: 'RS256', use: 'sig' }],
    },
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
    rotateRefreshToken: true,
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => ({ sub, email: `${sub}@example.com`, email_verified: true, name: sub }),
    }),
    cookies: { keys: ['integration-test-cookie-key-made-at-run-time'] },
  })
  server.on('request', provider.callback())
}, 30_000)

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

function makeLogin(store: SessionStore) {
  return createLogin({
    issuer: oidcIssuer({ issuer: issuerUrl }),
    clientId: CLIENT_ID,
    redirectUri: `${APP}/auth/callback`,
    secrets: [SECRET_A],
    store,
  })
}

/** Walks the issuer's login and consent pages until it redirects back to the app. */
async function throughIssuer(start: URL, issuerJar: Jar, user = 'alice'): Promise<URL> {
  let next: Response = await fetch(start, {
    redirect: 'manual',
    headers: { cookie: issuerJar.header() },
  })
  for (let step = 0; step < 12; step++) {
    issuerJar.absorb(next)
    if (next.status >= 300 && next.status < 400) {
      const location = new URL(next.headers.get('location')!, issuerUrl)
      if (location.origin === APP) return location
      next = await fetch(location, { redirect: 'manual', headers: { cookie: issuerJar.header() } })
      continue
    }
    const html = await next.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1]
    if (action === undefined || prompt === undefined)
      throw new Error(`unexpected page: ${next.status}`)
    const form = new URLSearchParams({ prompt })
    if (prompt === 'login') {
      form.set('login', user)
      form.set('password', 'anything')
    }
    next = await fetch(new URL(action, issuerUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: issuerJar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    })
  }
  throw new Error('the issuer never redirected back')
}

async function logIn(login: Login, jar: Jar, issuerJar = new Jar()): Promise<Response> {
  const back = await throughIssuer(await startLogin(login, jar, '/home'), issuerJar)
  return app(login, jar, back.pathname + back.search)
}

async function refreshDirectly(refreshToken: string): Promise<number> {
  const response = await fetch(`${issuerUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: CLIENT_ID,
    }),
  })
  return response.status
}

describe('against oidc-provider', () => {
  it('logs in, reads userinfo, refreshes with rotation, and ends the session on refresh token reuse', async () => {
    const store = memoryStore()
    const login = makeLogin(store)
    const jar = new Jar()
    const done = await logIn(login, jar)
    expect(done.status).toBe(302)
    expect(done.headers.get('location')).toBe('/home')

    const me = await app(login, jar, '/auth/me')
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ sub: 'alice', email: 'alice@example.com' })

    const id = jar.cookies.get('cloudauth.session')!
    const before = (await store.get(id))!
    expect((await app(login, jar, '/auth/refresh', { method: 'POST' })).status).toBe(200)
    const after = (await store.get(id))!
    expect(after.refreshToken).not.toBe(before.refreshToken)
    expect(after.accessToken).not.toBe(before.accessToken)

    // Reusing the spent refresh token makes the issuer revoke the grant: the session ends.
    expect(await refreshDirectly(before.refreshToken!)).toBe(400)
    const refused = await app(login, jar, '/auth/refresh', { method: 'POST' })
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_grant')
    expect(jar.cookies.has('cloudauth.session')).toBe(false)
    expect(await store.get(id)).toBeUndefined()
  })

  it('refuses a code redeemed with the wrong PKCE verifier (strict PKCE)', async () => {
    const login = makeLogin(memoryStore())
    const jar = new Jar()
    const issuerJar = new Jar()
    const first = await startLogin(login, jar)
    const second = await startLogin(login, jar)
    const back = await throughIssuer(first, issuerJar)
    const state = second.searchParams.get('state')!
    const params = new URLSearchParams(back.search)
    params.set('state', state)
    const response = await app(login, jar, `/auth/callback?${params}`)
    expect(response.status).toBe(401)
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant')
  })

  it('logs out: revokes the refresh token and ends the issuer session', async () => {
    const store = memoryStore()
    const login = makeLogin(store)
    const jar = new Jar()
    const issuerJar = new Jar()
    await logIn(login, jar, issuerJar)
    const record = (await store.get(jar.cookies.get('cloudauth.session')!))!

    const out = await app(login, jar, '/auth/logout', { method: 'POST' })
    expect(out.status).toBe(303)
    const end = new URL(out.headers.get('location')!)
    expect(end.origin).toBe(issuerUrl)
    expect(end.searchParams.get('id_token_hint')).toBe(record.idToken)
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${APP}/`)
    // RFC 7009: the refresh token no longer works.
    expect(await refreshDirectly(record.refreshToken!)).toBe(400)

    // The browser follows the end-session URL and confirms; the issuer sends it back to the app.
    const page = await fetch(end, { redirect: 'manual', headers: { cookie: issuerJar.header() } })
    issuerJar.absorb(page)
    const html = await page.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!
    const confirmed = await fetch(new URL(action, issuerUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: issuerJar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    })
    expect(confirmed.status).toBe(303)
    expect(new URL(confirmed.headers.get('location')!).origin).toBe(APP)
    issuerJar.absorb(confirmed)
    // The issuer's session is over: the next login shows its login page again.
    const again = await fetch(await startLogin(login, new Jar()), {
      redirect: 'manual',
      headers: { cookie: issuerJar.header() },
    })
    expect(again.headers.get('location')).toMatch(/\/interaction\//)
    expect((await app(login, jar, '/auth/me')).status).toBe(401)
  })
})
