import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { setupServer } from 'msw/node'
import { z } from 'zod'
import {
  ConfigError,
  createVerifier,
  parseClaims,
  type Provider,
  type Verifier,
  type VerifierEvent,
} from '@cloudauth/core'
import {
  FIREBASE_ID_TOKEN_JWKS_URL,
  defaultKey,
  firebasePreset,
  generateTestKey,
  hmacToken,
  jwksHandler,
  jwksOf,
  signToken,
} from '@cloudauth/testing'
import { firebase, firebaseIdClaims, type FirebaseIdClaims } from '@cloudauth/firebase'
import { configError, outcome } from './support.js'

const PROJECT = 'acme-prod-1'
const ISSUER = `https://securetoken.google.com/${PROJECT}`

// Google keeps separate keys for session cookies: the preset signs them with another key.
const project = firebasePreset({
  projectId: PROJECT,
  sessionCookieKey: generateTestKey('RS256', { kid: 'session-cookie-key' }),
})
const server = setupServer(...project.handlers)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  project.jwks.reset()
  project.sessionCookieKeys.reset()
  vi.useRealTimers()
})
afterAll(() => server.close())

describe('firebase() ID tokens', () => {
  // Made in beforeAll, after msw patched fetch: core keeps the fetch it sees at construction.
  let ids: Verifier<FirebaseIdClaims>
  beforeAll(() => {
    ids = createVerifier(firebase({ projectId: PROJECT }))
  })

  it("verifies an ID token with keys from Google's securetoken JWKS", async () => {
    const verified = await ids.verify(project.idToken())
    expect(verified.issuer).toBe(ISSUER)
    expect(verified.claims.aud).toBe(PROJECT)
    expect(verified.claims.firebase.sign_in_provider).toBe('password')
    expect(verified.scopes).toEqual([])
    expect(project.jwks.hits).toBe(1)
    expect(project.x509.hits).toBe(0)
    expect(ids.provider).toBe('firebase')
  })

  it('maps the claims to a user', async () => {
    const verified = await ids.verify(
      project.idToken({ name: 'Ada Lovelace', picture: 'https://example.com/ada.png' }),
    )
    expect(ids.user(verified)).toEqual({
      kind: 'user',
      id: project.user.uid,
      email: project.user.email,
      emailVerified: false,
      name: 'Ada Lovelace',
      picture: 'https://example.com/ada.png',
      groups: [],
      provider: 'firebase',
      claims: verified.claims,
    })
    const anonymous = await ids.verify(
      project.idToken({
        email: undefined,
        email_verified: undefined,
        firebase: { sign_in_provider: 'anonymous', identities: {} },
      }),
    )
    expect(ids.user(anonymous)).toEqual({
      kind: 'user',
      id: project.user.uid,
      groups: [],
      provider: 'firebase',
      claims: anonymous.claims,
    })
  })

  it('refetches keys as Cache-Control max-age says', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const events: VerifierEvent[] = []
    const verifier = createVerifier({
      ...firebase({ projectId: PROJECT }),
      onEvent: (event) => events.push(event),
    })
    await verifier.verify(project.idToken())
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'jwks_fetched', maxAgeMs: 21_600_000 }),
    )
    vi.advanceTimersByTime(21_599_000)
    await verifier.verify(project.idToken())
    expect(project.jwks.hits).toBe(1)
    vi.advanceTimersByTime(2_000)
    await verifier.verify(project.idToken())
    await vi.waitFor(() => expect(project.jwks.hits).toBe(2))
  })

  it('rejects another project: issuer and audience', async () => {
    expect(
      await outcome(
        ids.verify(project.idToken({ iss: 'https://securetoken.google.com/other-project' })),
      ),
    ).toBe('invalid_issuer')
    expect(await outcome(ids.verify(project.idToken({ aud: 'other-project' })))).toBe(
      'invalid_audience',
    )
    expect(await outcome(ids.verify(project.idToken({ aud: [PROJECT, 'other-project'] })))).toBe(
      'invalid_claims',
    )
  })

  it('requires sub to be a non-empty string of at most 128 characters', async () => {
    expect(await outcome(ids.verify(project.idToken({ sub: 'u'.repeat(128) })))).toBe('ok')
    expect(await outcome(ids.verify(project.idToken({ sub: 'u'.repeat(129) })))).toBe(
      'invalid_claims',
    )
    expect(await outcome(ids.verify(project.idToken({ sub: '' })))).toBe('invalid_claims')
    expect(await outcome(ids.verify(project.idToken({ sub: undefined })))).toBe('invalid_claims')
    expect(await outcome(ids.verify(project.idToken({ sub: 42 })))).toBe('invalid_claims')
  })

  it('requires auth_time, a number not in the future beyond the clock tolerance', async () => {
    const now = Math.floor(Date.now() / 1000)
    expect(await outcome(ids.verify(project.idToken({ auth_time: now - 86_400 })))).toBe('ok')
    expect(await outcome(ids.verify(project.idToken({ auth_time: now + 4 })))).toBe('ok')
    expect(await outcome(ids.verify(project.idToken({ auth_time: now + 60 })))).toBe(
      'invalid_claims',
    )
    expect(await outcome(ids.verify(project.idToken({ auth_time: undefined })))).toBe(
      'invalid_claims',
    )
    expect(await outcome(ids.verify(project.idToken({ auth_time: String(now) })))).toBe(
      'invalid_claims',
    )
    const strict = createVerifier(firebase({ projectId: PROJECT, clockTolerance: 0 }))
    expect(await outcome(strict.verify(project.idToken({ auth_time: now + 4 })))).toBe(
      'invalid_claims',
    )
  })

  it('requires iat and the firebase claim, and rejects an expired token', async () => {
    expect(await outcome(ids.verify(project.idToken({ iat: undefined })))).toBe('invalid_claims')
    expect(await outcome(ids.verify(project.idToken({ firebase: undefined })))).toBe(
      'invalid_claims',
    )
    expect(await outcome(ids.verify(project.idToken({}, { expiresIn: -10 })))).toBe('token_expired')
  })

  it('accepts RS256 only', async () => {
    const claims = { iss: ISSUER, aud: PROJECT, sub: 'u1', auth_time: 1 }
    const rs512 = generateTestKey('RS512', { kid: 'rs512' })
    server.use(jwksHandler(FIREBASE_ID_TOKEN_JWKS_URL, jwksOf(defaultKey(), rs512)))
    expect(await outcome(ids.verify(signToken({ key: rs512, claims })))).toBe(
      'unsupported_algorithm',
    )
    const confused = hmacToken({
      secret: defaultKey().publicKeyPem,
      header: { kid: defaultKey().kid },
      claims,
    })
    expect(await outcome(ids.verify(confused))).toBe('unsupported_algorithm')
    expect(await outcome(ids.verify(project.emulatorToken()))).toBe('unsupported_algorithm')
    const algorithms = { projectId: PROJECT, algorithms: ['RS512'] }
    // Not an option: Google signs with RS256 and nothing else, whatever the caller asks. It used
    // to be ignored silently; an unknown option is now a ConfigError naming it.
    expect(firebase({ projectId: PROJECT }).algorithms).toEqual(['RS256'])
    expect(() => firebase(algorithms)).toThrow(/algorithms: is not an option of firebase\(\)/)
  })

  it('rejects a token signed by a key Google does not publish', async () => {
    const stranger = generateTestKey('RS256', { kid: 'stranger' })
    expect(await outcome(ids.verify(project.idToken({}, { key: stranger })))).toBe('unknown_key')
  })

  it('names custom claims as groups or scopes', async () => {
    const verifier = createVerifier(
      firebase({ projectId: PROJECT, groupClaims: 'roles', scopeClaims: ['permissions'] }),
    )
    const verified = await verifier.verify(
      project.idToken({ roles: ['admin', 'editor'], permissions: 'posts:read posts:write' }),
    )
    expect(verified.groups).toEqual(['admin', 'editor'])
    expect(verified.scopes).toEqual(['posts:read', 'posts:write'])
    expect(verifier.user(verified).groups).toEqual(['admin', 'editor'])
  })

  it('types custom claims with an extended schema', async () => {
    const schema = firebaseIdClaims.extend({ roles: z.array(z.enum(['admin', 'editor'])) })
    const claims = await parseClaims(
      await ids.verify(project.idToken({ roles: ['admin'] })),
      schema,
    )
    expectTypeOf(claims.roles).toEqualTypeOf<('admin' | 'editor')[]>()
    expectTypeOf(claims.firebase.tenant).toEqualTypeOf<string | undefined>()
    expect(claims.roles).toEqual(['admin'])
    const plain = await ids.verify(project.idToken())
    expect(() => parseClaims(plain, schema)).toThrow(
      expect.objectContaining({ code: 'invalid_claims' }),
    )
    expectTypeOf(firebase({ projectId: PROJECT })).toEqualTypeOf<Provider<FirebaseIdClaims>>()
  })

  it('runs a validate hook after its own checks', async () => {
    const verifier = createVerifier(
      firebase({
        projectId: PROJECT,
        validate: (claims) => {
          if (claims.firebase === undefined) throw new Error('the provider check should run first')
          if ((claims.firebase as { sign_in_provider: string }).sign_in_provider === 'anonymous')
            throw new Error('anonymous users are not welcome')
        },
      }),
    )
    expect(await outcome(verifier.verify(project.idToken()))).toBe('ok')
    expect(
      await outcome(
        verifier.verify(project.idToken({ firebase: { sign_in_provider: 'anonymous' } })),
      ),
    ).toBe('invalid_claims')
  })

  it('takes jwksUri to fetch keys elsewhere', async () => {
    const jwksUri = 'https://keys.acme.test/securetoken.json'
    server.use(jwksHandler(jwksUri, jwksOf(defaultKey())))
    const verifier = createVerifier(firebase({ projectId: PROJECT, jwksUri }))
    expect(await outcome(verifier.verify(project.idToken()))).toBe('ok')
    expect(project.jwks.hits).toBe(0)
  })
})

describe('firebase() tenants', () => {
  const tenant = firebasePreset({ projectId: PROJECT, tenantId: 'customers-a1b2c' })

  it('requires firebase.tenant to match tenantId (invalid_claims)', async () => {
    const verifier = createVerifier(firebase({ projectId: PROJECT, tenantId: 'customers-a1b2c' }))
    expect(await outcome(verifier.verify(tenant.idToken()))).toBe('ok')
    const other = firebasePreset({ projectId: PROJECT, tenantId: 'partners-x9y8z' })
    expect(await outcome(verifier.verify(other.idToken()))).toBe('invalid_claims')
    expect(await outcome(verifier.verify(project.idToken()))).toBe('invalid_claims')
  })

  it('accepts any tenant of the project without tenantId, as firebase-admin does', async () => {
    const verifier = createVerifier(firebase({ projectId: PROJECT }))
    const verified = await verifier.verify(tenant.idToken())
    expect(verified.claims.firebase.tenant).toBe('customers-a1b2c')
  })
})

describe('firebase() session cookies', () => {
  let cookies: Verifier<FirebaseIdClaims>
  beforeAll(() => {
    cookies = createVerifier(firebase({ projectId: PROJECT, sessionCookie: true }))
  })

  it("verifies a session cookie with Google's identitytoolkit x509 certificates", async () => {
    const verified = await cookies.verify(project.sessionCookie())
    expect(verified.issuer).toBe(`https://session.firebase.google.com/${PROJECT}`)
    expect(cookies.user(verified).id).toBe(project.user.uid)
    expect(project.sessionCookieKeys.hits).toBe(1)
    expect(project.jwks.hits).toBe(0)
  })

  it('keeps ID tokens and session cookies apart', async () => {
    expect(await outcome(cookies.verify(project.idToken()))).toBe('invalid_issuer')
    const ids = createVerifier(firebase({ projectId: PROJECT }))
    expect(await outcome(ids.verify(project.sessionCookie()))).toBe('invalid_issuer')
    // A session cookie signed with an ID-token key is not in the session certificates.
    expect(await outcome(cookies.verify(project.sessionCookie({}, { key: project.key })))).toBe(
      'unknown_key',
    )
  })

  it('checks sub, auth_time and aud on session cookies too', async () => {
    const now = Math.floor(Date.now() / 1000)
    expect(await outcome(cookies.verify(project.sessionCookie({ sub: '' })))).toBe('invalid_claims')
    expect(await outcome(cookies.verify(project.sessionCookie({ auth_time: now + 600 })))).toBe(
      'invalid_claims',
    )
    expect(await outcome(cookies.verify(project.sessionCookie({ aud: 'other-project' })))).toBe(
      'invalid_audience',
    )
  })

  it('answers 503 when the certificates cannot be fetched', async () => {
    const fresh = createVerifier(firebase({ projectId: PROJECT, sessionCookie: true }))
    project.sessionCookieKeys.fail(500)
    await expect(fresh.verify(project.sessionCookie())).rejects.toMatchObject({
      code: 'jwks_unavailable',
      status: 503,
    })
  })
})

describe('firebase() configuration errors', () => {
  it.each([
    [''],
    ['short'],
    ['Acme-Prod'],
    ['acme_prod'],
    ['1acme-prod'],
    ['acme-prod-'],
    ['a'.repeat(31)],
    ['acme prod'],
    [undefined],
  ])('projectId %j', (projectId) => {
    const options = { projectId } as unknown as Parameters<typeof firebase>[0]
    expect(configError(() => firebase(options)).option).toBe('projectId')
  })

  it('accepts the longest and shortest project ids', () => {
    expect(() => firebase({ projectId: 'a'.repeat(30) })).not.toThrow()
    expect(() => firebase({ projectId: 'demo-1' })).not.toThrow()
  })

  it('checks tenantId, flags and claim names', () => {
    expect(configError(() => firebase({ projectId: PROJECT, tenantId: '' })).option).toBe(
      'tenantId',
    )
    expect(configError(() => firebase({ projectId: PROJECT, tenantId: 'a/b' })).option).toBe(
      'tenantId',
    )
    const flag = { projectId: PROJECT, sessionCookie: 'yes' }
    expect(
      configError(() => firebase(flag as unknown as Parameters<typeof firebase>[0])).option,
    ).toBe('sessionCookie')
    expect(configError(() => firebase({ projectId: PROJECT, groupClaims: [''] })).option).toBe(
      'groupClaims',
    )
    expect(configError(() => firebase({ projectId: PROJECT, scopeClaims: '' })).option).toBe(
      'scopeClaims',
    )
    expect(() =>
      createVerifier(firebase({ projectId: PROJECT, jwksUri: 'http://keys.acme.test/' })),
    ).toThrow(ConfigError)
  })
})
