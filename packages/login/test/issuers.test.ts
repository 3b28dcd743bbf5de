/**
 * Issuers at their real URLs, answered by msw: the presets' endpoints, discovery and its cache, an
 * ID token with the wrong nonce, and redirects or outages during every issuer call.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { setupServer } from 'msw/node'
import { http, HttpResponse } from 'msw'
import { ConfigError } from '@cloudauth/core'
import { generateTestKey, signToken } from '@cloudauth/testing'
import {
  auth0UniversalLogin,
  cognitoHostedUi,
  createLogin,
  memoryStore,
  oidcIssuer,
  session,
  type LoginIssuer,
} from '../src/index.js'
import { Jar, SECRET_A, asView } from './helpers.js'

const APP_HTTPS = 'https://app.example.com'
const IDP = 'https://idp.example.com'
const CLIENT = 'client-1'
const key = generateTestKey('RS256')
const server = setupServer()
let tokenAnswer: (body: URLSearchParams) => Response | Promise<Response>
let discoveryCalls = 0
let evilCalls = 0
const revoked: string[] = []

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

function discoveryDocument() {
  return {
    issuer: IDP,
    authorization_endpoint: `${IDP}/authorize`,
    token_endpoint: `${IDP}/token`,
    userinfo_endpoint: `${IDP}/userinfo`,
    revocation_endpoint: `${IDP}/revoke`,
    end_session_endpoint: `${IDP}/logout`,
    jwks_uri: `${IDP}/jwks`,
  }
}

function idToken(nonce: string, sub = 'user-1'): string {
  return signToken({ key, claims: { iss: IDP, aud: CLIENT, sub, nonce } })
}

function tokens(nonce: string, extra: Record<string, unknown> = {}): Response {
  return HttpResponse.json({
    access_token: 'access-token-value-1',
    id_token: idToken(nonce),
    refresh_token: 'refresh-token-value-1',
    token_type: 'Bearer',
    expires_in: 3600,
    ...extra,
  })
}

function idp() {
  discoveryCalls = 0
  evilCalls = 0
  revoked.length = 0
  server.use(
    http.get(`${IDP}/.well-known/openid-configuration`, () => {
      discoveryCalls++
      return HttpResponse.json(discoveryDocument())
    }),
    http.post(`${IDP}/token`, async ({ request }) =>
      tokenAnswer(new URLSearchParams(await request.text())),
    ),
    http.post(`${IDP}/revoke`, async ({ request }) => {
      revoked.push(new URLSearchParams(await request.text()).get('token') ?? '')
      return new HttpResponse(null, { status: 200 })
    }),
    http.all('https://evil.example.com/*', () => {
      evilCalls++
      return HttpResponse.json({})
    }),
  )
}

function makeLogin(
  issuer: LoginIssuer = oidcIssuer({ issuer: IDP }),
  idTokenNonce?: 'required' | 'if-present',
) {
  return createLogin({
    issuer,
    ...(idTokenNonce === undefined ? {} : { idTokenNonce }),
    clientId: CLIENT,
    redirectUri: `${APP_HTTPS}/auth/callback`,
    secrets: [SECRET_A],
  })
}

async function httpsApp(
  login: ReturnType<typeof makeLogin>,
  jar: Jar,
  path: string,
  method = 'GET',
) {
  const headers = new Headers({ cookie: jar.header() })
  if (method !== 'GET') headers.set('origin', APP_HTTPS)
  const response = (await login.routes(new Request(new URL(path, APP_HTTPS), { method, headers })))!
  jar.absorb(response)
  return response
}

/** Starts a login and comes back to the callback with `code`: the callback's answer. */
async function callback(login: ReturnType<typeof makeLogin>, jar: Jar) {
  const start = await httpsApp(login, jar, '/auth/login')
  const authorize = new URL(start.headers.get('location')!)
  const state = authorize.searchParams.get('state')!
  const nonce = authorize.searchParams.get('nonce')!
  return { nonce, run: () => httpsApp(login, jar, `/auth/callback?code=the-code&state=${state}`) }
}

describe('presets', () => {
  it('Cognito Hosted UI: fixed endpoints on the domain, issuer from the pool id, /logout', async () => {
    const issuer = cognitoHostedUi({
      domain: 'auth.example.com',
      userPoolId: 'eu-west-1_AbCdEf123',
    })
    expect(issuer.identifier).toBe(
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
    )
    const metadata = await issuer.metadata({} as never)
    expect(metadata.authorization_endpoint).toBe('https://auth.example.com/oauth2/authorize')
    expect(metadata.token_endpoint).toBe('https://auth.example.com/oauth2/token')
    expect(metadata.userinfo_endpoint).toBe('https://auth.example.com/oauth2/userInfo')
    expect(metadata.revocation_endpoint).toBe('https://auth.example.com/oauth2/revoke')
    const logout = issuer.logoutUrl({
      metadata,
      clientId: CLIENT,
      idToken: undefined,
      postLogoutRedirectUri: `${APP_HTTPS}/`,
    })
    expect(logout?.href).toBe(
      `https://auth.example.com/logout?client_id=${CLIENT}&logout_uri=${encodeURIComponent(`${APP_HTTPS}/`)}`,
    )
    const prefix = cognitoHostedUi({
      domain: 'https://myapp.auth.us-east-1.amazoncognito.com',
      userPoolId: 'us-east-1_Xyz',
    })
    expect((await prefix.metadata({} as never)).token_endpoint).toBe(
      'https://myapp.auth.us-east-1.amazoncognito.com/oauth2/token',
    )
  })

  it('Auth0: issuer with a trailing slash, /authorize, /oauth/token, /oidc/logout', async () => {
    const issuer = auth0UniversalLogin({ domain: 'acme.eu.auth0.com' })
    expect(issuer.identifier).toBe('https://acme.eu.auth0.com/')
    const metadata = await issuer.metadata({} as never)
    expect(metadata.authorization_endpoint).toBe('https://acme.eu.auth0.com/authorize')
    expect(metadata.token_endpoint).toBe('https://acme.eu.auth0.com/oauth/token')
    expect(metadata.userinfo_endpoint).toBe('https://acme.eu.auth0.com/userinfo')
    expect(metadata.revocation_endpoint).toBe('https://acme.eu.auth0.com/oauth/revoke')
    const logout = issuer.logoutUrl({
      metadata,
      clientId: CLIENT,
      idToken: 'id.token.x',
      postLogoutRedirectUri: `${APP_HTTPS}/`,
    })!
    expect(logout.origin + logout.pathname).toBe('https://acme.eu.auth0.com/oidc/logout')
    expect(logout.searchParams.get('id_token_hint')).toBe('id.token.x')
    expect(logout.searchParams.get('post_logout_redirect_uri')).toBe(`${APP_HTTPS}/`)
  })

  it('Auth0 through the routes: audience goes into the authorization request', async () => {
    const login = createLogin({
      issuer: auth0UniversalLogin({ domain: 'acme.eu.auth0.com' }),
      clientId: CLIENT,
      redirectUri: `${APP_HTTPS}/auth/callback`,
      secrets: [SECRET_A],
      authorizationParams: { audience: 'https://api.acme.com' },
    })
    const jar = new Jar()
    const response = await httpsApp(login, jar, '/auth/login')
    const location = new URL(response.headers.get('location')!)
    expect(location.origin + location.pathname).toBe('https://acme.eu.auth0.com/authorize')
    expect(location.searchParams.get('audience')).toBe('https://api.acme.com')
    // https app: the attempt cookie is Secure.
    expect(response.headers.getSetCookie()[0]).toMatch(/; HttpOnly; Secure; SameSite=Lax$/)
  })

  it.each([
    [() => cognitoHostedUi({ domain: 'auth.example.com' }), 'userPoolId'],
    [
      () => cognitoHostedUi({ domain: 'http://auth.example.com', userPoolId: 'eu-west-1_A' }),
      'domain',
    ],
    [
      () => cognitoHostedUi({ domain: 'auth.example.com/path', userPoolId: 'eu-west-1_A' }),
      'domain',
    ],
    [() => auth0UniversalLogin({ domain: '' }), 'domain'],
    [() => oidcIssuer({ issuer: 'http://idp.example.com' }), 'issuer'],
    [() => oidcIssuer({ issuer: 'not a url' }), 'issuer'],
    [() => makeLogin({ ...oidcIssuer({ issuer: IDP }), metadata: undefined as never }), 'issuer'],
    [
      () =>
        createLogin({
          issuer: oidcIssuer({ issuer: IDP }),
          clientId: CLIENT,
          redirectUri: 'http://app.example.com/cb',
          secrets: [SECRET_A],
        }),
      'redirectUri',
    ],
    [
      () =>
        createLogin({
          issuer: oidcIssuer({ issuer: IDP }),
          clientId: CLIENT,
          redirectUri: `${APP_HTTPS}/cb`,
          secrets: ['short'],
        }),
      'secrets',
    ],
    [
      () =>
        createLogin({
          issuer: oidcIssuer({ issuer: IDP }),
          clientId: CLIENT,
          redirectUri: `${APP_HTTPS}/cb`,
          secrets: [],
        }),
      'secrets',
    ],
    [
      () =>
        createLogin({
          issuer: oidcIssuer({ issuer: IDP }),
          clientId: '',
          redirectUri: `${APP_HTTPS}/cb`,
          secrets: [SECRET_A],
        }),
      'clientId',
    ],
    [
      () =>
        createLogin({
          issuer: oidcIssuer({ issuer: IDP }),
          clientId: CLIENT,
          redirectUri: `${APP_HTTPS}/cb`,
          secrets: [SECRET_A],
          scopes: ['email'],
        }),
      'scopes',
    ],
    [
      () =>
        createLogin({
          issuer: oidcIssuer({ issuer: IDP }),
          clientId: CLIENT,
          redirectUri: `${APP_HTTPS}/cb`,
          secrets: [SECRET_A],
          authorizationParams: { state: 'x' },
        }),
      'authorizationParams',
    ],
    [
      () =>
        createLogin({
          issuer: oidcIssuer({ issuer: IDP }),
          clientId: CLIENT,
          redirectUri: `${APP_HTTPS}/auth/login`,
          secrets: [SECRET_A],
        }),
      'paths',
    ],
    [
      () =>
        createLogin({
          issuer: oidcIssuer({ issuer: IDP }),
          clientId: CLIENT,
          redirectUri: `${APP_HTTPS}/cb`,
          secrets: [SECRET_A],
          idleTimeoutSeconds: -1,
        }),
      'idleTimeoutSeconds',
    ],
    [
      () =>
        createLogin({
          issuer: oidcIssuer({ issuer: IDP }),
          clientId: CLIENT,
          redirectUri: `${APP_HTTPS}/cb`,
          secrets: [SECRET_A],
          store: {} as never,
        }),
      'store',
    ],
    [() => memoryStore({ maxSessions: 0 }), 'maxSessions'],
  ])('configuration mistake %# throws ConfigError naming %s', (make, option) => {
    let thrown: unknown
    try {
      make()
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ConfigError)
    expect((thrown as ConfigError).option).toBe(option)
  })
})

describe('discovery', () => {
  it('is fetched once and cached; the issuer in the document must match', async () => {
    idp()
    const login = makeLogin()
    await httpsApp(login, new Jar(), '/auth/login')
    await httpsApp(login, new Jar(), '/auth/login')
    expect(discoveryCalls).toBe(1)

    server.use(
      http.get(`${IDP}/.well-known/openid-configuration`, () =>
        HttpResponse.json({ ...discoveryDocument(), issuer: 'https://other.example.com' }),
      ),
    )
    const mismatch = await httpsApp(makeLogin(), new Jar(), '/auth/login')
    expect(mismatch.status).toBe(503)
    expect(mismatch.headers.get('retry-after')).toBe('5')
  })

  it('does not cache a failure', async () => {
    let calls = 0
    server.use(
      http.get(`${IDP}/.well-known/openid-configuration`, () => {
        calls++
        return calls === 1
          ? new HttpResponse('down', { status: 503 })
          : HttpResponse.json(discoveryDocument())
      }),
    )
    const login = makeLogin()
    expect((await httpsApp(login, new Jar(), '/auth/login')).status).toBe(503)
    expect((await httpsApp(login, new Jar(), '/auth/login')).status).toBe(302)
  })
})

describe('the ID token and the token endpoint', () => {
  it('completes a login with the right nonce, and logs out with revocation and end session', async () => {
    idp()
    const login = makeLogin()
    const jar = new Jar()
    const { nonce, run } = await callback(login, jar)
    tokenAnswer = (body) => {
      expect(body.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(body.get('grant_type')).toBe('authorization_code')
      return tokens(nonce)
    }
    const done = await run()
    expect(done.status).toBe(302)
    expect(done.headers.getSetCookie().join()).toMatch(
      /__Host-cloudauth\.session=.*; Path=\/; .*HttpOnly; Secure; SameSite=Lax/,
    )
    expect(await session(login).read(asView({ header: () => jar.header() }))).toBe(
      'access-token-value-1',
    )

    const out = await httpsApp(login, jar, '/auth/logout', 'POST')
    expect(out.status).toBe(303)
    const end = new URL(out.headers.get('location')!)
    expect(end.origin + end.pathname).toBe(`${IDP}/logout`)
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${APP_HTTPS}/`)
    expect(end.searchParams.get('id_token_hint')).toMatch(/^ey/)
    expect(revoked).toEqual(['refresh-token-value-1'])
  })

  it('refuses an ID token with the wrong nonce', async () => {
    idp()
    const login = makeLogin()
    const jar = new Jar()
    const { run } = await callback(login, jar)
    tokenAnswer = () => tokens('another-nonce-value')
    const response = await run()
    expect(response.status).toBe(401)
    expect(((await response.json()) as { error: string }).error).toBe('invalid_id_token')
    expect(jar.cookies.has('__Host-cloudauth.session')).toBe(false)
  })

  it("idTokenNonce: 'if-present' accepts an ID token without nonce, and refuses a wrong one", async () => {
    const noNonce = () =>
      HttpResponse.json({
        access_token: 'access-token-value-1',
        id_token: signToken({ key, claims: { iss: IDP, aud: CLIENT, sub: 'user-1' } }),
        token_type: 'Bearer',
        expires_in: 3600,
      })
    idp()
    const strict = makeLogin()
    const strictJar = new Jar()
    const refused = await callback(strict, strictJar)
    tokenAnswer = noNonce
    const strictAnswer = await refused.run()
    expect(strictAnswer.status).toBe(401)
    expect(((await strictAnswer.json()) as { error: string }).error).toBe('invalid_id_token')

    const lenient = makeLogin(undefined, 'if-present')
    const jar = new Jar()
    const accepted = await callback(lenient, jar)
    tokenAnswer = noNonce
    expect((await accepted.run()).status).toBe(302)
    expect(jar.cookies.has('__Host-cloudauth.session')).toBe(true)

    const wrongJar = new Jar()
    const wrong = await callback(lenient, wrongJar)
    tokenAnswer = () => tokens('another-nonce-value')
    const wrongAnswer = await wrong.run()
    expect(wrongAnswer.status).toBe(401)
    expect(((await wrongAnswer.json()) as { error: string }).error).toBe('invalid_id_token')
    expect(wrongJar.cookies.has('__Host-cloudauth.session')).toBe(false)

    const right = await callback(lenient, new Jar())
    tokenAnswer = () => tokens(right.nonce)
    expect((await right.run()).status).toBe(302)
  })

  it('refuses an idTokenNonce that is not required or if-present', () => {
    const bad = () =>
      createLogin({
        issuer: oidcIssuer({ issuer: IDP }),
        clientId: CLIENT,
        redirectUri: `${APP_HTTPS}/auth/callback`,
        secrets: [SECRET_A],
        idTokenNonce: false as unknown as 'required',
      })
    expect(bad).toThrow(ConfigError)
    expect(bad).toThrow(/idTokenNonce/)
  })

  it('refuses a callback without a code, or with the iss of another issuer', async () => {
    idp()
    const login = makeLogin()
    const jar = new Jar()
    const start = await httpsApp(login, jar, '/auth/login')
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!
    const noCode = await httpsApp(login, jar.clone(), `/auth/callback?state=${state}`)
    expect(noCode.status).toBe(400)
    expect(((await noCode.json()) as { error: string }).error).toBe('invalid_callback')
    const mixUp = await httpsApp(
      login,
      jar.clone(),
      `/auth/callback?code=c&state=${state}&iss=${encodeURIComponent('https://evil.example.com')}`,
    )
    expect(mixUp.status).toBe(400)
    expect(evilCalls).toBe(0)
  })

  it('caches userinfo briefly per session', async () => {
    idp()
    let calls = 0
    server.use(
      http.get(`${IDP}/userinfo`, () => {
        calls++
        return HttpResponse.json({ sub: 'user-1', email: 'user-1@example.com' })
      }),
    )
    const login = makeLogin()
    const jar = new Jar()
    const { nonce, run } = await callback(login, jar)
    tokenAnswer = () => tokens(nonce)
    await run()
    const first = await httpsApp(login, jar, '/auth/me')
    expect(await first.json()).toEqual({ sub: 'user-1', email: 'user-1@example.com' })
    expect((await httpsApp(login, jar, '/auth/me')).status).toBe(200)
    expect(calls).toBe(1)
    // userinfo for another user than the session's is refused (OIDC Core §5.3.2).
    server.use(http.get(`${IDP}/userinfo`, () => HttpResponse.json({ sub: 'someone-else' })))
    const other = makeLogin()
    const jar2 = new Jar()
    const second = await callback(other, jar2)
    tokenAnswer = () => tokens(second.nonce)
    await second.run()
    expect((await httpsApp(other, jar2, '/auth/me')).status).toBe(503)
  })

  it('refuses an answer without an ID token', async () => {
    idp()
    const login = makeLogin()
    const { run } = await callback(login, new Jar())
    tokenAnswer = () =>
      HttpResponse.json({ access_token: 'a', token_type: 'Bearer', expires_in: 60 })
    const response = await run()
    expect(response.status).toBe(401)
    expect(((await response.json()) as { error: string }).error).toBe('invalid_id_token')
  })
})

describe('redirects and outages during issuer calls', () => {
  const redirectToEvil = () =>
    new HttpResponse(null, { status: 302, headers: { location: 'https://evil.example.com/steal' } })

  it('never follows a redirect from discovery', async () => {
    idp()
    server.use(http.get(`${IDP}/.well-known/openid-configuration`, redirectToEvil))
    const response = await httpsApp(makeLogin(), new Jar(), '/auth/login')
    expect(response.status).toBe(503)
    expect(((await response.json()) as { error: string }).error).toBe('issuer_unavailable')
    expect(evilCalls).toBe(0)
  })

  it('never follows a redirect from the token endpoint', async () => {
    idp()
    const login = makeLogin()
    const { run } = await callback(login, new Jar())
    tokenAnswer = redirectToEvil
    const response = await run()
    expect(response.status).toBe(503)
    expect(evilCalls).toBe(0)
  })

  it('never follows a redirect from the userinfo, refresh or revocation endpoints', async () => {
    idp()
    const login = makeLogin()
    const jar = new Jar()
    const { nonce, run } = await callback(login, jar)
    tokenAnswer = () => tokens(nonce)
    await run()
    server.use(
      http.get(`${IDP}/userinfo`, redirectToEvil),
      http.post(`${IDP}/revoke`, redirectToEvil),
    )
    expect((await httpsApp(login, jar, '/auth/me')).status).toBe(503)
    tokenAnswer = redirectToEvil
    const refresh = await httpsApp(login, jar, '/auth/refresh', 'POST')
    expect(refresh.status).toBe(503)
    expect(refresh.headers.get('retry-after')).toBe('5')
    // Logout still ends the local session when revocation is redirected.
    const out = await httpsApp(login, jar, '/auth/logout', 'POST')
    expect(out.status).toBe(303)
    expect(jar.cookies.has('__Host-cloudauth.session')).toBe(false)
    expect(evilCalls).toBe(0)
  })

  it('answers 503 from session(login) when a needed refresh cannot reach the issuer', async () => {
    idp()
    const login = makeLogin()
    const jar = new Jar()
    const { nonce, run } = await callback(login, jar)
    tokenAnswer = () => tokens(nonce, { expires_in: 10 }) // inside the 60 s leeway
    await run()
    tokenAnswer = () => new HttpResponse('bad gateway', { status: 502 })
    await expect(
      session(login).read(
        asView({ header: () => jar.header(), appendResponseHeader: () => undefined }),
      ),
    ).rejects.toMatchObject({ name: 'AuthError', code: 'principal_unavailable', status: 503 })
  })

  it('answers 503 from session(login) when the session store fails', async () => {
    const broken = createLogin({
      issuer: oidcIssuer({ issuer: IDP }),
      clientId: CLIENT,
      redirectUri: `${APP_HTTPS}/auth/callback`,
      secrets: [SECRET_A],
      store: {
        ...memoryStore(),
        get: () => Promise.reject(new Error('ECONNREFUSED')),
      },
    })
    const id = 'a'.repeat(43)
    await expect(
      session(broken).read(asView({ header: () => `__Host-cloudauth.session=${id}` })),
    ).rejects.toMatchObject({ name: 'AuthError', code: 'principal_unavailable', retryAfter: 5 })
  })

  it('ends the session when the issuer refuses the refresh token', async () => {
    idp()
    const login = makeLogin()
    const jar = new Jar()
    const { nonce, run } = await callback(login, jar)
    tokenAnswer = () => tokens(nonce, { expires_in: 10 })
    await run()
    tokenAnswer = () => HttpResponse.json({ error: 'invalid_grant' }, { status: 400 })
    const appended: string[] = []
    const token = await session(login).read(
      asView({
        header: () => jar.header(),
        appendResponseHeader: (_name, value) => appended.push(value),
      }),
    )
    expect(token).toBeUndefined()
    expect(appended.some((line) => /^__Host-cloudauth\.session=; .*Max-Age=0/.test(line))).toBe(
      true,
    )
  })
})
