/**
 * The whole Hosted UI login against a real cognito-local (an offline Cognito user pool emulator,
 * see ../../../shared/EMULATORS.md) on 127.0.0.1: `/auth/login`, cognito-local's authorize page
 * and its login form, `/auth/callback` (code + PKCE S256), the session, `/auth/refresh`, and the
 * access token verified by `cognito()`. cognito-local leaves `nonce` out of its ID tokens, so the
 * login opts out explicitly with `idTokenNonce: 'if-present'`; without it the login is refused.
 * The pool is seeded through cognito-local's JSON API (AWS JSON 1.1, which it does not sign-check).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createVerifier } from '@cloudauth/core'
import { cognito } from '@cloudauth/cognito'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cognitoHostedUi, createLogin, memoryStore, type SessionStore } from '../src/index.js'
import { APP, Jar, SECRET_A, app, startLogin } from './helpers.js'

const require = createRequire(import.meta.url)
const START = join(dirname(require.resolve('cognito-local/package.json')), 'lib/bin/start.js')
const EMAIL = 'alice@example.com'
const PASSWORD = 'Passw0rd!local'
const CALLBACK = `${APP}/auth/callback`

let child: ChildProcess | undefined
let dir = ''
let endpoint = ''
let poolId = ''
let clientId = ''

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port)
        else reject(new Error('no port'))
      })
    })
  })
}

async function stop(): Promise<void> {
  const running = child
  child = undefined
  if (running !== undefined && running.exitCode === null && running.signalCode === null) {
    const exited = new Promise((resolve) => running.once('exit', resolve))
    running.kill('SIGTERM')
    const timer = setTimeout(() => running.kill('SIGKILL'), 3_000)
    await exited
    clearTimeout(timer)
  }
}

async function start(): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), 'cloudauth-login-cognito-local-'))
  // Another process may take the probed port before the emulator binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    endpoint = `http://127.0.0.1:${port}`
    await mkdir(join(dir, '.cognito'), { recursive: true })
    await writeFile(
      join(dir, '.cognito', 'config.json'),
      JSON.stringify({ TokenConfig: { IssuerDomain: endpoint } }),
    )
    const spawned = spawn(process.execPath, [START], {
      cwd: dir,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child = spawned
    const output: string[] = []
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString())
      if (output.length > 50) output.shift()
    }
    spawned.stdout?.on('data', keep)
    spawned.stderr?.on('data', keep)
    let exited = false
    spawned.once('exit', () => (exited = true))
    const deadline = Date.now() + 15_000
    while (!exited && Date.now() < deadline) {
      try {
        if ((await fetch(`${endpoint}/health`)).ok) return
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await stop()
    if (!exited) throw new Error(`cognito-local did not start:\n${output.join('')}`)
  }
  throw new Error('cognito-local could not bind a free port')
}

/** One call of cognito-local's Cognito API (the AWS JSON 1.1 protocol the SDK speaks). */
async function cognitoApi(operation: string, body: object): Promise<Record<string, unknown>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  })
  const json = (await response.json()) as Record<string, unknown>
  if (response.status !== 200) throw new Error(`${operation}: ${response.status}`)
  return json
}

beforeAll(async () => {
  await start()
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
  await stop()
  if (dir !== '') await rm(dir, { recursive: true, force: true })
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
