import { X509Certificate } from 'node:crypto'
import { setupServer } from 'msw/node'
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, importX509, jwtVerify } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createVerifier } from '@cloudauth/core'
import {
  FIREBASE_ID_TOKEN_JWKS_URL,
  FIREBASE_ID_TOKEN_X509_URL,
  FIREBASE_SESSION_COOKIE_X509_URL,
  GOOGLE_KEYS_CACHE_CONTROL,
  auth0Preset,
  cognitoPreset,
  defaultKey,
  firebasePreset,
} from '@cloudauth/testing'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const NOW = 1_900_000_000

describe('cognitoPreset', () => {
  const pool = cognitoPreset({ userPoolId: 'eu-west-1_AbCdEf123', clientId: 'app-client' })

  it('derives region, issuer and the real JWKS URL from the pool id', () => {
    expect(pool.region).toBe('eu-west-1')
    expect(pool.issuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123')
    expect(pool.jwksUri).toBe(
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json',
    )
    expect(pool.key).toBe(defaultKey())
  })

  it('mints access tokens with exactly the claims AWS sends, in its order', () => {
    const token = pool.accessToken(
      { 'cognito:groups': ['admin'], scope: 'read:users' },
      { now: NOW },
    )
    expect(decodeProtectedHeader(token)).toEqual({ kid: pool.key.kid, alg: 'RS256' })
    const claims = decodeJwt(token)
    expect(Object.keys(claims)).toEqual([
      'sub',
      'cognito:groups',
      'iss',
      'version',
      'client_id',
      'origin_jti',
      'event_id',
      'token_use',
      'scope',
      'auth_time',
      'exp',
      'iat',
      'jti',
      'username',
    ])
    expect(claims).toMatchObject({
      sub: pool.user.sub,
      'cognito:groups': ['admin'],
      iss: pool.issuer,
      version: 2,
      client_id: 'app-client',
      token_use: 'access',
      scope: 'read:users',
      auth_time: NOW,
      iat: NOW,
      exp: NOW + 3600,
      username: 'test-user',
    })
    expect(claims).not.toHaveProperty('aud')
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('leaves cognito:groups out when the user is in no group, and defaults the scope', () => {
    const claims = decodeJwt(pool.accessToken())
    expect(claims).not.toHaveProperty('cognito:groups')
    expect(claims.scope).toBe('aws.cognito.signin.user.admin')
  })

  it('mints ID tokens with aud = client id and the user profile', () => {
    const claims = decodeJwt(pool.idToken({}, { now: NOW, expiresIn: 60 }))
    expect(Object.keys(claims)).toEqual([
      'sub',
      'email_verified',
      'iss',
      'cognito:username',
      'origin_jti',
      'aud',
      'event_id',
      'token_use',
      'auth_time',
      'exp',
      'iat',
      'jti',
      'email',
    ])
    expect(claims).toMatchObject({
      aud: 'app-client',
      token_use: 'id',
      'cognito:username': 'test-user',
      email: 'test-user@example.com',
      email_verified: true,
      exp: NOW + 60,
    })
  })

  it('removes claims set to undefined, and signs with another key on request', () => {
    const other = defaultKey('RS256', 1)
    const token = pool.accessToken({ client_id: undefined }, { key: other })
    expect(decodeJwt(token)).not.toHaveProperty('client_id')
    expect(decodeProtectedHeader(token).kid).toBe(other.kid)
  })

  it('serves its JWKS at the real URL, and tokens verify with jose', async () => {
    server.use(pool.handler)
    pool.jwks.reset()
    const { payload } = await jwtVerify(
      pool.accessToken(),
      createRemoteJWKSet(new URL(pool.jwksUri)),
      {
        issuer: pool.issuer,
      },
    )
    expect(payload.token_use).toBe('access')
    expect(pool.jwks.hits).toBe(1)
  })

  it('points at an emulator endpoint, and needs a region when the pool id has none', () => {
    const local = cognitoPreset({
      userPoolId: 'local_abc',
      clientId: 'c',
      endpoint: 'http://127.0.0.1:9229/',
    })
    expect(local.issuer).toBe('http://127.0.0.1:9229/local_abc')
    expect(local.jwksUri).toBe('http://127.0.0.1:9229/local_abc/.well-known/jwks.json')
    expect(() => cognitoPreset({ userPoolId: 'nopool', clientId: 'c' })).toThrow(/region/)
    expect(cognitoPreset({ userPoolId: 'nopool', clientId: 'c', region: 'us-east-1' }).issuer).toBe(
      'https://cognito-idp.us-east-1.amazonaws.com/nopool',
    )
  })
})

describe('auth0Preset', () => {
  const tenant = auth0Preset({
    domain: 'acme.eu.auth0.com',
    audience: 'https://api.acme.test',
    clientId: 'spa',
  })

  it('uses the issuer with its trailing slash and the tenant JWKS URL', () => {
    expect(tenant.issuer).toBe('https://acme.eu.auth0.com/')
    expect(tenant.jwksUri).toBe('https://acme.eu.auth0.com/.well-known/jwks.json')
  })

  it('mints access tokens like Auth0', () => {
    const token = tenant.accessToken({ permissions: ['read:users'] }, { now: NOW })
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', typ: 'JWT', kid: tenant.key.kid })
    expect(decodeJwt(token)).toEqual({
      iss: 'https://acme.eu.auth0.com/',
      sub: tenant.user.sub,
      aud: ['https://api.acme.test', 'https://acme.eu.auth0.com/userinfo'],
      iat: NOW,
      exp: NOW + 3600,
      scope: 'openid profile email',
      azp: 'spa',
      permissions: ['read:users'],
    })
    expect(tenant.user.sub).toMatch(/^auth0\|[0-9a-f]{24}$/)
    expect(decodeProtectedHeader(tenant.accessToken({}, { header: { typ: 'at+jwt' } })).typ).toBe(
      'at+jwt',
    )
  })

  it('mints ID tokens for the client, with profile claims and an optional nonce', () => {
    const claims = decodeJwt(tenant.idToken({ nonce: 'n1' }))
    expect(claims).toMatchObject({
      aud: 'spa',
      iss: tenant.issuer,
      email: 'test-user@example.com',
      email_verified: true,
      nickname: 'test-user',
      name: 'test-user@example.com',
      nonce: 'n1',
    })
    expect(typeof claims.sid).toBe('string')
    expect(typeof claims.picture).toBe('string')
    expect(Number.isNaN(Date.parse(String(claims.updated_at)))).toBe(false)
    expect(decodeJwt(tenant.idToken())).not.toHaveProperty('nonce')
  })

  it('serves its JWKS with Auth0-like caching headers; tokens verify with jose', async () => {
    server.use(tenant.handler)
    const response = await fetch(tenant.jwksUri)
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/)
    const { payload } = await jwtVerify(
      tenant.accessToken(),
      createRemoteJWKSet(new URL(tenant.jwksUri)),
      {
        issuer: tenant.issuer,
        audience: 'https://api.acme.test',
      },
    )
    expect(payload.azp).toBe('spa')
  })

  it('takes a custom-domain issuer', () => {
    const custom = auth0Preset({
      domain: 'acme.eu.auth0.com',
      audience: 'a',
      clientId: 'c',
      issuer: 'https://login.acme.test/',
    })
    expect(decodeJwt(custom.accessToken()).iss).toBe('https://login.acme.test/')
  })
})

describe('firebasePreset', () => {
  const project = firebasePreset({ projectId: 'demo-acme' })

  it('mints ID tokens like Firebase', () => {
    const token = project.idToken({ roles: ['admin'] }, { now: NOW })
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: project.key.kid, typ: 'JWT' })
    expect(decodeJwt(token)).toEqual({
      iss: 'https://securetoken.google.com/demo-acme',
      aud: 'demo-acme',
      auth_time: NOW,
      user_id: project.user.uid,
      sub: project.user.uid,
      iat: NOW,
      exp: NOW + 3600,
      email: 'test-user@example.com',
      email_verified: false,
      firebase: { identities: { email: ['test-user@example.com'] }, sign_in_provider: 'password' },
      roles: ['admin'],
    })
    expect(project.user.uid).toMatch(/^[A-Za-z0-9]{28}$/)
  })

  it('sets firebase.tenant for a tenant', () => {
    const tenantProject = firebasePreset({ projectId: 'p', tenantId: 'tenant-1' })
    expect(decodeJwt(tenantProject.idToken()).firebase).toMatchObject({ tenant: 'tenant-1' })
  })

  it('mints session cookies with the session issuer', () => {
    const claims = decodeJwt(project.sessionCookie())
    expect(claims.iss).toBe('https://session.firebase.google.com/demo-acme')
    expect(claims.aud).toBe('demo-acme')
  })

  it('mints emulator tokens: unsigned, no kid', () => {
    const token = project.emulatorToken({}, { now: NOW })
    expect(token.endsWith('.')).toBe(true)
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'none', typ: 'JWT' })
    expect(decodeJwt(token)).toMatchObject({ iss: project.issuer, sub: project.user.uid, iat: NOW })
  })

  it("serves Google's three key endpoints with Google's Cache-Control", async () => {
    server.use(...project.handlers)
    for (const url of [
      FIREBASE_ID_TOKEN_JWKS_URL,
      FIREBASE_ID_TOKEN_X509_URL,
      FIREBASE_SESSION_COOKIE_X509_URL,
    ]) {
      const response = await fetch(url)
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe(GOOGLE_KEYS_CACHE_CONTROL)
    }
    const { payload } = await jwtVerify(
      project.idToken(),
      createRemoteJWKSet(new URL(project.jwksUri)),
      {
        issuer: project.issuer,
        audience: 'demo-acme',
      },
    )
    expect(payload.sub).toBe(project.user.uid)
  })

  it('session cookies verify with the certificate from the x509 map', async () => {
    server.use(...project.handlers)
    const cookie = project.sessionCookie()
    const map = (await (await fetch(FIREBASE_SESSION_COOKIE_X509_URL)).json()) as Record<
      string,
      string
    >
    const pem = map[decodeProtectedHeader(cookie).kid ?? '']
    expect(pem).toBeDefined()
    expect(new X509Certificate(pem!).publicKey.equals(project.sessionCookieKey.publicKey)).toBe(
      true,
    )
    const { payload } = await jwtVerify(cookie, await importX509(pem!, 'RS256'), {
      issuer: project.sessionCookieIssuer,
    })
    expect(payload.aud).toBe('demo-acme')
  })
})

describe('preset tokens verify through createVerifier', () => {
  it('Cognito access and ID tokens', async () => {
    const pool = cognitoPreset({ userPoolId: 'us-east-1_Verify001', clientId: 'client-1' })
    server.use(pool.handler)
    const verifier = createVerifier({
      issuers: { issuer: pool.issuer, jwksUri: pool.jwksUri, audience: null },
      groupClaims: ['cognito:groups'],
    })
    const access = await verifier.verify(
      pool.accessToken({ scope: 'read:users', 'cognito:groups': ['admin'] }),
    )
    expect(access.scopes).toEqual(['read:users'])
    expect(access.groups).toEqual(['admin'])
    const id = await verifier.verify(pool.idToken())
    expect(id.claims.aud).toBe('client-1')
  })

  it('Auth0 access and ID tokens', async () => {
    const tenant = auth0Preset({
      domain: 'verify.us.auth0.com',
      audience: 'https://api.test',
      clientId: 'spa',
    })
    server.use(tenant.handler)
    const verifier = createVerifier({
      issuers: {
        issuer: tenant.issuer,
        jwksUri: tenant.jwksUri,
        audience: ['https://api.test', 'spa'],
      },
      scopeClaims: ['scope', 'permissions'],
    })
    const access = await verifier.verify(
      tenant.accessToken({ scope: 'openid', permissions: ['read:users'] }),
    )
    expect(access.scopes).toEqual(expect.arrayContaining(['openid', 'read:users']))
    await expect(verifier.verify(tenant.idToken())).resolves.toMatchObject({
      claims: { aud: 'spa' },
    })
  })

  it('Firebase ID tokens (JWKS) and session cookies (x509 map)', async () => {
    const project = firebasePreset({ projectId: 'demo-verify' })
    server.use(...project.handlers)
    const verifier = createVerifier({
      issuers: [
        { issuer: project.issuer, jwksUri: project.jwksUri, audience: 'demo-verify' },
        {
          issuer: project.sessionCookieIssuer,
          jwksUri: FIREBASE_SESSION_COOKIE_X509_URL,
          keySetFormat: 'x509',
          audience: 'demo-verify',
        },
      ],
    })
    await expect(verifier.verify(project.idToken())).resolves.toMatchObject({
      issuer: project.issuer,
    })
    await expect(verifier.verify(project.sessionCookie())).resolves.toMatchObject({
      issuer: project.sessionCookieIssuer,
    })
  })

  it('refuses emulator tokens unless the issuer opts in', async () => {
    const project = firebasePreset({ projectId: 'demo-emu' })
    const strict = createVerifier({
      issuers: { issuer: project.issuer, jwksUri: project.jwksUri, audience: 'demo-emu' },
    })
    await expect(strict.verify(project.emulatorToken())).rejects.toMatchObject({
      code: 'unsupported_algorithm',
    })
    const emulator = createVerifier({
      issuers: {
        issuer: project.issuer,
        audience: 'demo-emu',
        unsafeUnsigned: 'emulator',
      },
    })
    await expect(emulator.verify(project.emulatorToken())).resolves.toMatchObject({
      claims: { aud: 'demo-emu' },
    })
  })
})
