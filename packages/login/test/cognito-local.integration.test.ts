/**
 * The whole Hosted UI login against a real cognito-local (an offline Cognito user pool emulator,
 * see ../../../shared/EMULATORS.md) on 127.0.0.1: `/auth/login`, cognito-local's authorize page
 * and its login form, `/auth/callback` (code + PKCE S256), the session, `/auth/refresh`, and the
 * access token verified by `cognito()`. cognito-local leaves `nonce` out of its ID tokens, so the
 * login opts out explicitly with `idTokenNonce: 'if-present'`; without it the login is refused.
 * The pool is seeded through cognito-local's JSON API (AWS JSON 1.1, which it does not sign-check).
 */
import { createVerifier } from '@cloudauth/core'
import { cognito } from '@cloudauth/cognito'
import { startCognitoLocal, type CognitoLocal } from '@cloudauth/test-servers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cognitoHostedUi, createLogin, memoryStore, type SessionStore } from '../src/index.js'
import { APP, Jar, SECRET_A, app, startLogin } from './helpers.js'

const EMAIL = 'alice@example.com'
const PASSWORD = 'Passw0rd!local'
const CALLBACK = `${APP}/auth/callback`

let emulator: CognitoLocal | undefined
let endpoint = ''
let poolId = ''
let clientId = ''

const cognitoApi = (operation: string, body: object) => emulator!.call(operation, body)

beforeAll(async () => {
  emulator = await startCognitoLocal()
  endpoint = emulator.endpoint
  const pool = await cognitoApi('CreateUserPool', { PoolName: 'login-hosted-ui' })
  poolId = (pool.UserPool as { Id: string }).Id
  const client = await cognitoApi('CreateUserPoolClient', {
    UserPoolId: poolId,
    ClientName: 'web',
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['openid', 'email', 'profile'],
    AllowedOAuthFlowsUserPoolClient: true,
    CallbackURLs: [CALLBACK],
  })
  clientId = (client.UserPoolClient as { ClientId: string }).ClientId
  await cognitoApi('AdminCreateUser', {
    UserPoolId: poolId,
    Username: EMAIL,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: EMAIL },
      { Name: 'email_verified', Value: 'true' },
    ],
  })
  await cognitoApi('AdminSetUserPassword', {
    UserPoolId: poolId,
    Username: EMAIL,
    Password: PASSWORD,
    Permanent: true,
  })
}, 30_000)

afterAll(async () => {
  await emulator?.stop()
})

function makeLogin(store: SessionStore, idTokenNonce?: 'required' | 'if-present') {
  return createLogin({
    issuer: cognitoHostedUi({ domain: endpoint, issuer: `${endpoint}/${poolId}` }),
    clientId,
    redirectUri: CALLBACK,
    secrets: [SECRET_A],
    store,
    ...(idTokenNonce === undefined ? {} : { idTokenNonce }),
  })
}

/** cognito-local's authorize page, then its login form: the redirect back to the app. */
async function throughHostedUi(authorize: URL, password = PASSWORD): Promise<Response> {
  const page = await fetch(authorize, { redirect: 'manual' })
  expect(page.status).toBe(200)
  const html = await page.text()
  const form = new URLSearchParams()
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    form.set(match[1]!, match[2]!)
  }
  form.set('username', EMAIL)
  form.set('password', password)
  return fetch(new URL('/oauth2/authorize', endpoint), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  })
}

describe('Hosted UI login against cognito-local', () => {
  it('logs in with PKCE, keeps the session, refreshes, and the access token verifies', async () => {
    const store = memoryStore()
    const login = makeLogin(store, 'if-present')
    const jar = new Jar()
    const authorize = await startLogin(login, jar, '/home')
    expect(authorize.origin + authorize.pathname).toBe(`${endpoint}/oauth2/authorize`)
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('nonce')).not.toBeNull()

    const back = await throughHostedUi(authorize)
    expect(back.status).toBe(302)
    const callback = new URL(back.headers.get('location')!)
    expect(callback.origin + callback.pathname).toBe(CALLBACK)
    const done = await app(login, jar, callback.pathname + callback.search)
    expect(done.status).toBe(302)
    expect(done.headers.get('location')).toBe('/home')

    const id = jar.cookies.get('cloudauth.session')!
    const before = (await store.get(id))!
    expect(before.issuer).toBe(`${endpoint}/${poolId}`)
    expect(before.refreshToken).toBeDefined()

    const verifier = createVerifier(
      cognito({ userPoolId: poolId, clientId, tokenUse: 'access', endpoint }),
    )
    const first = await verifier.verify(before.accessToken)
    expect(first.claims).toMatchObject({ token_use: 'access', client_id: clientId })
    expect(first.claims.sub).toBe(before.sub)

    // Hold the clock past one second so the refreshed token differs from the first one.
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    const refreshed = await app(login, jar, '/auth/refresh', { method: 'POST' })
    expect(refreshed.status).toBe(200)
    const after = (await store.get(jar.cookies.get('cloudauth.session')!))!
    expect(after.accessToken).not.toBe(before.accessToken)
    // cognito-local sends no new refresh token: the session keeps the one it has.
    expect(after.refreshToken).toBe(before.refreshToken)
    const second = await verifier.verify(after.accessToken)
    expect(second.claims).toMatchObject({ token_use: 'access', client_id: clientId })
    expect(second.claims.sub).toBe(before.sub)
  })

  it('refuses its nonce-less ID token unless the login opts out', async () => {
    const store = memoryStore()
    const login = makeLogin(store)
    const jar = new Jar()
    const back = await throughHostedUi(await startLogin(login, jar))
    const callback = new URL(back.headers.get('location')!)
    const refused = await app(login, jar, callback.pathname + callback.search)
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_id_token')
    expect(jar.cookies.has('cloudauth.session')).toBe(false)
  })

  it('still checks state with the opt-out: a callback from another attempt is refused', async () => {
    const login = makeLogin(memoryStore(), 'if-present')
    const jar = new Jar()
    const back = await throughHostedUi(await startLogin(login, jar))
    const callback = new URL(back.headers.get('location')!)
    // Another browser (no attempt cookie) cannot use this code.
    const refused = await app(login, new Jar(), callback.pathname + callback.search)
    expect(refused.status).toBe(400)
  })

  it('a wrong password stays on the Hosted UI form and never reaches the app', async () => {
    const login = makeLogin(memoryStore(), 'if-present')
    const page = await throughHostedUi(await startLogin(login, new Jar()), 'wrong-password')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Incorrect username or password')
  })
})
