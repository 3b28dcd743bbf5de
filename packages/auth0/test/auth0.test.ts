import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { setupServer } from 'msw/node'
import { z } from 'zod'
import {
  ConfigError,
  createVerifier,
  parseClaims,
  requireScopes,
  type Provider,
  type VerifiedToken,
  type Verifier,
} from '@cloudauth/core'
import {
  auth0Preset,
  defaultKey,
  generateTestKey,
  hmacToken,
  jwksHandler,
  jwksOf,
  signToken,
  unsignedToken,
} from '@cloudauth/testing'
import {
  auth0,
  auth0AccessClaims,
  auth0IdClaims,
  type Auth0AccessClaims,
  type Auth0IdClaims,
} from '@cloudauth/auth0'
import { configError, outcome } from './support.js'

const DOMAIN = 'acme.eu.auth0.com'
const AUDIENCE = 'https://api.acme.test'
const CLIENT_ID = 'Xq8mXyYwU3yX0yZpLkD8Xq8mXyYwU3yX'
const ISSUER = `https://${DOMAIN}/`

const tenant = auth0Preset({ domain: DOMAIN, audience: AUDIENCE, clientId: CLIENT_ID })
const server = setupServer(tenant.handler)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  tenant.jwks.reset()
})
afterAll(() => server.close())

describe('auth0() access tokens', () => {
  // Verifiers are made in beforeAll, after msw patched fetch: core keeps the fetch it sees at construction.
  let api: Verifier<Auth0AccessClaims>
  beforeAll(() => {
    api = createVerifier(auth0({ domain: DOMAIN, audience: AUDIENCE }))
  })

  it('verifies a token from the tenant JWKS at its real URL', async () => {
    const verified = await api.verify(tenant.accessToken())
    expect(verified.issuer).toBe(ISSUER)
    expect(verified.claims.sub).toBe(tenant.user.sub)
    expect(verified.claims.aud).toEqual([AUDIENCE, `${ISSUER}userinfo`])
    expect(tenant.jwks.hits).toBe(1)
    expect(api.provider).toBe('auth0')
  })

  it('accepts a string aud and any of several configured audiences', async () => {
    expect(await outcome(api.verify(tenant.accessToken({ aud: AUDIENCE })))).toBe('ok')
    const either = createVerifier(auth0({ domain: DOMAIN, audience: ['https://other', AUDIENCE] }))
    expect(await outcome(either.verify(tenant.accessToken({ aud: AUDIENCE })))).toBe('ok')
  })

  it('rejects another audience, no aud, and an empty aud list', async () => {
    expect(await outcome(api.verify(tenant.accessToken({ aud: 'https://other.api' })))).toBe(
      'invalid_audience',
    )
    expect(await outcome(api.verify(tenant.accessToken({ aud: undefined })))).toBe(
      'invalid_audience',
    )
    expect(await outcome(api.verify(tenant.accessToken({ aud: [] })))).toBe('invalid_audience')
  })

  it('rejects another tenant and an issuer without its trailing slash', async () => {
    expect(
      await outcome(api.verify(tenant.accessToken({ iss: 'https://evil.eu.auth0.com/' }))),
    ).toBe('invalid_issuer')
    expect(await outcome(api.verify(tenant.accessToken({ iss: `https://${DOMAIN}` })))).toBe(
      'invalid_issuer',
    )
    expect(tenant.jwks.hits).toBe(0)
  })

  it('reads scopes from scope and permissions (RBAC), without duplicates', async () => {
    const verified = await api.verify(
      tenant.accessToken({
        scope: 'openid read:users',
        permissions: ['read:users', 'delete:users'],
      }),
    )
    expect(verified.scopes).toEqual(['openid', 'read:users', 'delete:users'])
    expect(() => requireScopes(verified, ['delete:users'], 'all')).not.toThrow()
    expect(() => requireScopes(verified, ['admin'], 'all')).toThrow(
      expect.objectContaining({ code: 'insufficient_scope' }),
    )
  })

  it('lets scopeClaims choose where scopes live', async () => {
    const token = tenant.accessToken({ scope: 'read:users', permissions: ['delete:users'] })
    const scopeOnly = createVerifier(
      auth0({ domain: DOMAIN, audience: AUDIENCE, scopeClaims: 'scope' }),
    )
    expect((await scopeOnly.verify(token)).scopes).toEqual(['read:users'])
    const rbacOnly = createVerifier(
      auth0({ domain: DOMAIN, audience: AUDIENCE, scopeClaims: ['permissions'] }),
    )
    expect((await rbacOnly.verify(token)).scopes).toEqual(['delete:users'])
    const none = createVerifier(auth0({ domain: DOMAIN, audience: AUDIENCE, scopeClaims: [] }))
    expect((await none.verify(token)).scopes).toEqual([])
  })

  it('rejects permissions that are not a list of strings', async () => {
    expect(await outcome(api.verify(tenant.accessToken({ permissions: 'read:users' })))).toBe(
      'invalid_claims',
    )
    expect(await outcome(api.verify(tenant.accessToken({ permissions: [1, 2] })))).toBe(
      'invalid_claims',
    )
  })

  it('requires sub', async () => {
    expect(await outcome(api.verify(tenant.accessToken({ sub: undefined })))).toBe('invalid_claims')
    expect(await outcome(api.verify(tenant.accessToken({ sub: '' })))).toBe('invalid_claims')
  })

  it('accepts typ JWT, at+jwt (RFC 9068), application/at+jwt and none, and nothing else', async () => {
    const typ = (value: string | undefined) =>
      outcome(api.verify(tenant.accessToken({}, { header: { typ: value } })))
    expect(await typ('JWT')).toBe('ok')
    expect(await typ('at+jwt')).toBe('ok')
    expect(await typ('AT+JWT')).toBe('ok')
    expect(await typ('application/at+jwt')).toBe('ok')
    expect(await typ(undefined)).toBe('ok')
    expect(await typ('dpop+jwt')).toBe('invalid_header')
    expect(await typ('logout+jwt')).toBe('invalid_header')
  })

  it('verifies RFC 9068 tokens with client_id', async () => {
    const token = tenant.accessToken(
      { azp: undefined, client_id: CLIENT_ID, aud: AUDIENCE, jti: 'j1' },
      { header: { typ: 'at+jwt' } },
    )
    const restricted = createVerifier(
      auth0({ domain: DOMAIN, audience: AUDIENCE, clientId: CLIENT_ID }),
    )
    expect(await outcome(restricted.verify(token))).toBe('ok')
  })

  it('checks azp or client_id against clientId when one is configured', async () => {
    const restricted = createVerifier(
      auth0({ domain: DOMAIN, audience: AUDIENCE, clientId: [CLIENT_ID, 'm2m-client'] }),
    )
    expect(await outcome(restricted.verify(tenant.accessToken()))).toBe('ok')
    expect(await outcome(restricted.verify(tenant.accessToken({ azp: 'm2m-client' })))).toBe('ok')
    expect(await outcome(restricted.verify(tenant.accessToken({ azp: 'stranger' })))).toBe(
      'invalid_audience',
    )
    expect(
      await outcome(
        restricted.verify(tenant.accessToken({ azp: CLIENT_ID, client_id: 'stranger' })),
      ),
    ).toBe('invalid_audience')
    // A token naming no client is one for another client: invalid_audience, as from Cognito.
    expect(await outcome(restricted.verify(tenant.accessToken({ azp: undefined })))).toBe(
      'invalid_audience',
    )
    // Without clientId any application's token for the API is accepted.
    expect(await outcome(api.verify(tenant.accessToken({ azp: 'stranger' })))).toBe('ok')
  })

  it('refuses HS256 (even with the public key as secret), alg none, and other algorithms', async () => {
    const confused = hmacToken({
      secret: tenant.key.publicKeyPem,
      header: { kid: tenant.key.kid },
      claims: { iss: ISSUER, sub: 'auth0|x', aud: AUDIENCE },
    })
    expect(await outcome(api.verify(confused))).toBe('unsupported_algorithm')
    const unsigned = unsignedToken({ iss: ISSUER, sub: 'auth0|x', aud: AUDIENCE })
    expect(await outcome(api.verify(unsigned))).toBe('unsupported_algorithm')
    // A tenant that signs with PS256 publishes its key with alg PS256.
    const psKey = generateTestKey('PS256', { kid: 'ps-key' })
    server.use(jwksHandler(tenant.jwksUri, jwksOf(psKey)))
    const ps = signToken({ key: psKey, claims: { iss: ISSUER, sub: 'auth0|x', aud: AUDIENCE } })
    const rsOnly = createVerifier(auth0({ domain: DOMAIN, audience: AUDIENCE }))
    expect(await outcome(rsOnly.verify(ps))).toBe('unsupported_algorithm')
    const psAllowed = createVerifier(
      auth0({ domain: DOMAIN, audience: AUDIENCE, algorithms: ['RS256', 'PS256'] }),
    )
    expect(await outcome(psAllowed.verify(ps))).toBe('ok')
  })

  it('rejects a bad signature, an unknown key, and an expired token', async () => {
    const token = tenant.accessToken()
    const [head, body] = token.split('.')
    const tampered = `${head}.${body}.${tenant.accessToken({ sub: 'x' }).split('.')[2]}`
    expect(await outcome(api.verify(tampered))).toBe('invalid_signature')
    const stranger = generateTestKey('RS256', { kid: 'not-in-the-jwks' })
    expect(await outcome(api.verify(tenant.accessToken({}, { key: stranger })))).toBe('unknown_key')
    expect(await outcome(api.verify(tenant.accessToken({}, { expiresIn: -60 })))).toBe(
      'token_expired',
    )
  })

  it('answers 503 jwks_unavailable when the tenant cannot be reached', async () => {
    const fresh = createVerifier(auth0({ domain: DOMAIN, audience: AUDIENCE }))
    tenant.jwks.fail(503)
    await expect(fresh.verify(tenant.accessToken())).rejects.toMatchObject({
      code: 'jwks_unavailable',
      status: 503,
    })
  })

  it('passes namespaced custom claims through and types them with an extended schema', async () => {
    const roles = 'https://acme.test/roles'
    const verified = await api.verify(
      tenant.accessToken({ [roles]: ['admin'], 'https://acme.test/plan': 'pro' }),
    )
    expect(verified.claims[roles]).toEqual(['admin'])
    const schema = auth0AccessClaims.extend({
      [roles]: z.array(z.string()),
      'https://acme.test/plan': z.enum(['free', 'pro']),
    })
    const claims = await parseClaims(verified, schema)
    expectTypeOf(claims['https://acme.test/plan']).toEqualTypeOf<'free' | 'pro'>()
    expectTypeOf(claims.sub).toEqualTypeOf<string>()
    expect(claims['https://acme.test/plan']).toBe('pro')
    const without = await api.verify(tenant.accessToken())
    expect(() => parseClaims(without, schema)).toThrow(
      expect.objectContaining({ code: 'invalid_claims' }),
    )
  })

  it('reads groups from a namespaced roles claim', async () => {
    const roles = 'https://acme.test/roles'
    const verifier = createVerifier(
      auth0({ domain: DOMAIN, audience: AUDIENCE, groupClaims: roles }),
    )
    const verified = await verifier.verify(tenant.accessToken({ [roles]: ['admin', 'billing'] }))
    expect(verified.groups).toEqual(['admin', 'billing'])
    expect(verifier.user(verified).groups).toEqual(['admin', 'billing'])
  })

  it('maps an access token to a user with the sub as id', async () => {
    const verified = await api.verify(tenant.accessToken())
    const user = api.user(verified)
    expect(user).toEqual({
      kind: 'user',
      id: tenant.user.sub,
      groups: [],
      provider: 'auth0',
      claims: verified.claims,
    })
  })

  it('runs a validate hook after its own checks', async () => {
    const seen: string[] = []
    const verifier = createVerifier(
      auth0({
        domain: DOMAIN,
        audience: AUDIENCE,
        validate: (claims) => {
          seen.push(String(claims.sub))
          if (claims['https://acme.test/blocked'] === true) throw new Error('blocked')
        },
      }),
    )
    expect(await outcome(verifier.verify(tenant.accessToken()))).toBe('ok')
    expect(
      await outcome(verifier.verify(tenant.accessToken({ 'https://acme.test/blocked': true }))),
    ).toBe('invalid_claims')
    expect(await outcome(verifier.verify(tenant.accessToken({ sub: undefined })))).toBe(
      'invalid_claims',
    )
    expect(seen).toEqual([tenant.user.sub, tenant.user.sub])
  })

  it('types the provider by token use', () => {
    expectTypeOf(auth0({ domain: DOMAIN, audience: AUDIENCE })).toEqualTypeOf<
      Provider<Auth0AccessClaims>
    >()
    expectTypeOf(auth0({ domain: DOMAIN, tokenUse: 'id', clientId: CLIENT_ID })).toEqualTypeOf<
      Provider<Auth0IdClaims>
    >()
    expectTypeOf<Auth0AccessClaims['permissions']>().toEqualTypeOf<string[] | undefined>()
    expectTypeOf<VerifiedToken<Auth0IdClaims>['claims']['email_verified']>().toEqualTypeOf<
      boolean | undefined
    >()
  })
})

describe('auth0() custom domains and local issuers', () => {
  it('uses issuer for a custom domain, with its JWKS', async () => {
    const custom = auth0Preset({
      domain: DOMAIN,
      audience: AUDIENCE,
      clientId: CLIENT_ID,
      issuer: 'https://login.acme.test/',
      jwksUri: 'https://login.acme.test/.well-known/jwks.json',
    })
    server.use(custom.handler)
    const verifier = createVerifier(
      auth0({ domain: DOMAIN, issuer: 'https://login.acme.test/', audience: AUDIENCE }),
    )
    expect(await outcome(verifier.verify(custom.accessToken()))).toBe('ok')
    expect(custom.jwks.hits).toBe(1)
    // The tenant's own issuer is not accepted by a verifier configured for the custom domain.
    expect(await outcome(verifier.verify(tenant.accessToken()))).toBe('invalid_issuer')
  })

  it('takes jwksUri when the keys live elsewhere, and needs no domain with issuer', async () => {
    const jwksUri = 'https://keys.acme.test/jwks'
    server.use(jwksHandler(jwksUri, jwksOf(defaultKey())))
    const verifier = createVerifier(
      auth0({ issuer: 'https://login.acme.test/', jwksUri, audience: AUDIENCE }),
    )
    const token = signToken({
      key: defaultKey(),
      claims: { iss: 'https://login.acme.test/', sub: 'auth0|1', aud: AUDIENCE },
    })
    expect(await outcome(verifier.verify(token))).toBe('ok')
  })
})

describe('auth0() ID tokens', () => {
  let ids: Verifier<Auth0IdClaims>
  beforeAll(() => {
    ids = createVerifier(auth0({ domain: DOMAIN, tokenUse: 'id', clientId: CLIENT_ID }))
  })

  it('verifies an ID token whose aud is the client id, and maps the profile', async () => {
    const verified = await ids.verify(tenant.idToken())
    const user = ids.user(verified)
    expect(user).toEqual({
      kind: 'user',
      id: tenant.user.sub,
      username: tenant.user.nickname,
      email: tenant.user.email,
      emailVerified: true,
      name: tenant.user.name,
      picture: tenant.user.picture,
      groups: [],
      provider: 'auth0',
      claims: verified.claims,
    })
  })

  it('leaves out profile fields that are absent or of the wrong type', async () => {
    const verified = await ids.verify(
      tenant.idToken({ nickname: undefined, picture: undefined, email_verified: undefined }),
    )
    const user = ids.user(verified)
    expect(user).not.toHaveProperty('username')
    expect(user).not.toHaveProperty('picture')
    expect(user).not.toHaveProperty('emailVerified')
    expect(await outcome(ids.verify(tenant.idToken({ email_verified: 'true' })))).toBe(
      'invalid_claims',
    )
  })

  it('rejects an access token (aud is the API, or typ at+jwt)', async () => {
    expect(await outcome(ids.verify(tenant.accessToken({ aud: AUDIENCE })))).toBe(
      'invalid_audience',
    )
    expect(await outcome(ids.verify(tenant.idToken({}, { header: { typ: 'at+jwt' } })))).toBe(
      'invalid_header',
    )
  })

  it('requires azp when aud lists several audiences, and azp to be the client', async () => {
    expect(await outcome(ids.verify(tenant.idToken({ aud: [CLIENT_ID, 'other'] })))).toBe(
      'invalid_audience',
    )
    expect(
      await outcome(ids.verify(tenant.idToken({ aud: [CLIENT_ID, 'other'], azp: CLIENT_ID }))),
    ).toBe('ok')
    expect(await outcome(ids.verify(tenant.idToken({ azp: 'other' })))).toBe('invalid_audience')
  })

  it('checks nonce when one is configured', async () => {
    const withNonce = createVerifier(
      auth0({ domain: DOMAIN, tokenUse: 'id', clientId: CLIENT_ID, nonce: 'n-0S6_WzA2Mj' }),
    )
    expect(await outcome(withNonce.verify(tenant.idToken({ nonce: 'n-0S6_WzA2Mj' })))).toBe('ok')
    expect(await outcome(withNonce.verify(tenant.idToken({ nonce: 'replayed' })))).toBe(
      'invalid_claims',
    )
    expect(await outcome(withNonce.verify(tenant.idToken()))).toBe('invalid_claims')
    // Without a configured nonce, any nonce is fine.
    expect(await outcome(ids.verify(tenant.idToken({ nonce: 'whatever' })))).toBe('ok')
  })

  it('validates the ID token claims shape', async () => {
    const claims = await parseClaims(await ids.verify(tenant.idToken()), auth0IdClaims)
    expect(claims.email).toBe(tenant.user.email)
    expect(await outcome(ids.verify(tenant.idToken({ name: 42 })))).toBe('invalid_claims')
  })
})

describe('auth0() configuration errors', () => {
  it.each([
    ['https://acme.eu.auth0.com', /scheme/],
    ['acme.eu.auth0.com/', /path/],
    ['acme.eu.auth0.com/api', /path/],
    ['acme.eu.auth0.com:443', /port/],
    ['acme', /host name/],
    ['acme..auth0.com', /host name/],
    ['acme eu.auth0.com', /host name/],
    ['', /required/],
  ])('domain %j', (domain, message) => {
    const error = configError(() => auth0({ domain, audience: AUDIENCE }))
    expect(error.option).toBe('domain')
    expect(error.message).toMatch(message)
  })

  it('lowercases the domain, as Auth0 issues it', async () => {
    const verifier = createVerifier(auth0({ domain: 'ACME.eu.Auth0.com', audience: AUDIENCE }))
    expect(await outcome(verifier.verify(tenant.accessToken()))).toBe('ok')
  })

  it('needs a domain or an issuer', () => {
    const options = { audience: AUDIENCE } as unknown as Parameters<typeof auth0>[0]
    expect(configError(() => auth0(options)).option).toBe('domain')
  })

  it.each([
    ['http://login.acme.test/', /https/],
    ['login.acme.test', /absolute URL/],
    ['https://login.acme.test/?x=1', /query/],
    ['https://user:pw@login.acme.test/', /credentials/],
  ])('issuer %j', (issuer, message) => {
    const error = configError(() => auth0({ issuer, audience: AUDIENCE }))
    expect(error.option).toBe('issuer')
    expect(error.message).toMatch(message)
  })

  it('allows http for a loopback issuer', () => {
    expect(() => auth0({ issuer: 'http://127.0.0.1:4000/', audience: AUDIENCE })).not.toThrow()
  })

  it.each([[undefined], [''], [[]], [['']], [[AUDIENCE, '']], [42]])('audience %j', (audience) => {
    const options = { domain: DOMAIN, audience } as unknown as Parameters<typeof auth0>[0]
    expect(configError(() => auth0(options)).option).toBe('audience')
  })

  it('checks clientId, tokenUse, nonce and claim names', () => {
    expect(
      configError(() => auth0({ domain: DOMAIN, audience: AUDIENCE, clientId: '' })).option,
    ).toBe('clientId')
    const id = { domain: DOMAIN, tokenUse: 'id' } as unknown as Parameters<typeof auth0>[0]
    expect(configError(() => auth0(id)).option).toBe('clientId')
    const both = { domain: DOMAIN, tokenUse: 'id', clientId: CLIENT_ID, audience: AUDIENCE }
    expect(configError(() => auth0(both as unknown as Parameters<typeof auth0>[0])).option).toBe(
      'audience',
    )
    const nonce = { domain: DOMAIN, audience: AUDIENCE, nonce: 'n' }
    expect(configError(() => auth0(nonce as unknown as Parameters<typeof auth0>[0])).option).toBe(
      'nonce',
    )
    expect(
      configError(() => auth0({ domain: DOMAIN, tokenUse: 'id', clientId: CLIENT_ID, nonce: '' }))
        .option,
    ).toBe('nonce')
    const use = { domain: DOMAIN, audience: AUDIENCE, tokenUse: 'refresh' }
    expect(configError(() => auth0(use as unknown as Parameters<typeof auth0>[0])).option).toBe(
      'tokenUse',
    )
    expect(
      configError(() => auth0({ domain: DOMAIN, audience: AUDIENCE, scopeClaims: [''] })).option,
    ).toBe('scopeClaims')
    expect(
      configError(() => auth0({ domain: DOMAIN, audience: AUDIENCE, groupClaims: '' })).option,
    ).toBe('groupClaims')
  })

  it('passes core option errors through (HS256, a plain-http JWKS)', () => {
    const hs = { domain: DOMAIN, audience: AUDIENCE, algorithms: ['HS256'] }
    expect(() => createVerifier(auth0(hs as unknown as Parameters<typeof auth0>[0]))).toThrow(
      ConfigError,
    )
    expect(() =>
      createVerifier(
        auth0({ domain: DOMAIN, audience: AUDIENCE, jwksUri: 'http://keys.acme.test/' }),
      ),
    ).toThrow(ConfigError)
  })
})
