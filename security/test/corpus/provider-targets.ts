import { auth0 } from '@cloudauth/auth0'
import { cognito } from '@cloudauth/cognito'
import {
  createVerifier,
  type JwtClaims,
  type Provider,
  type Verifier,
  type VerifierOptions,
} from '@cloudauth/core'
import { DEFAULTS } from '@cloudauth/core/provider'
import { firebase } from '@cloudauth/firebase'
import {
  auth0Preset,
  cognitoPreset,
  defaultKey,
  firebasePreset,
  forgeToken,
  type JsonObject,
  type TestKey,
} from '@cloudauth/testing'
import { mint, segments, type Target } from './target.js'
import type { AttackRow } from './attack-rows.js'

export const COGNITO_POOL = 'eu-west-1_SecPool01'
export const COGNITO_SECONDARY_POOL = 'us-east-1_SecPool02'
export const COGNITO_UNTRUSTED_POOL = 'eu-west-1_Untrusted9'
export const COGNITO_CLIENT = 'securityclient0001'
export const COGNITO_SECONDARY_CLIENT = 'securityclient0002'
export const AUTH0_DOMAIN = 'cloudauth-security.eu.auth0.com'
export const AUTH0_OTHER_DOMAIN = 'cloudauth-attacker.eu.auth0.com'
export const AUTH0_AUDIENCE = 'https://api.cloudauth-security.test'
export const AUTH0_CLIENT = 'SecurityClientId0001'
export const FIREBASE_PROJECT = 'cloudauth-security'
export const FIREBASE_OTHER_PROJECT = 'cloudauth-attacker'

/** The payload of a compact token. */
function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segments(token)[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >
}

/**
 * Claims shaped exactly as a preset mints them (decoded from one real token), with the time claims
 * renewed on each call, so every row starts from what the provider really issues.
 */
function claimsLike(template: string): (overrides?: JsonObject) => Record<string, unknown> {
  const base = payloadOf(template)
  return (overrides = {}) => {
    const now = Math.floor(Date.now() / 1000)
    const times: Record<string, number> = { iat: now, exp: now + 600 }
    if ('auth_time' in base) times.auth_time = now
    return { ...base, ...times, ...overrides }
  }
}

/** A verifier of `provider` with test overrides (`now`, `cache`, ...); claims typed loosely. */
function build<TClaims extends JwtClaims>(
  provider: Provider<TClaims>,
  overrides: Partial<VerifierOptions>,
): Verifier {
  return createVerifier({ ...(provider as unknown as Provider), ...overrides })
}

/**
 * Each provider's lifetime ceiling (`maxTokenLifetime`, on by default): the accepted row
 * `exp-far-future` (core has no ceiling) is refused by every provider.
 */
const FAR_FUTURE = { 'exp-far-future': 'invalid_claims' } as const

/** Tokens one second over a provider's lifetime ceiling, still unexpired, with and without iat. */
function lifetimeRows(ceiling: number): AttackRow[] {
  const now = () => Math.floor(Date.now() / 1000)
  return [
    own(
      'lifetime-over-ceiling',
      `exp - iat one second over the provider's ${ceiling} s ceiling`,
      'invalid_claims',
      (t) => mint(t, { claims: { iat: now() - 60, exp: now() - 60 + ceiling + 1 } }),
    ),
    own(
      'lifetime-over-ceiling-no-iat',
      `no iat, exp more than ${ceiling} s ahead`,
      'invalid_claims',
      (t) => mint(t, { claims: { iat: undefined, exp: now() + ceiling + 60 } }),
    ),
  ]
}

/** A row that only one target runs. */
function own(
  id: string,
  title: string,
  code: AttackRow['code'],
  buildToken: AttackRow['build'],
): AttackRow {
  return { id, section: 'provider rules', title, code, status: 401, build: buildToken }
}

/**
 * Cognito, two pools (a primary and a secondary, as the cognito provider allows), for access
 * tokens or ID tokens. Both targets share the primary pool, so each is the other's wrong kind.
 */
export function cognitoTargets(): readonly Target[] {
  const key = defaultKey('RS256')
  const secondaryKey = defaultKey('RS256', 1)
  const pool = cognitoPreset({ userPoolId: COGNITO_POOL, clientId: COGNITO_CLIENT, key })
  const secondary = cognitoPreset({
    userPoolId: COGNITO_SECONDARY_POOL,
    clientId: COGNITO_SECONDARY_CLIENT,
    key: secondaryKey,
  })
  const untrusted = cognitoPreset({
    userPoolId: COGNITO_UNTRUSTED_POOL,
    clientId: COGNITO_CLIENT,
    key,
  })
  const handlers = [pool.handler, secondary.handler]
  const header = (signer: TestKey = key) => ({ kid: signer.kid, alg: signer.alg })
  const provider = (tokenUse: 'access' | 'id') =>
    cognito({
      tokenUse,
      pools: [
        { userPoolId: COGNITO_POOL, clientId: COGNITO_CLIENT },
        { userPoolId: COGNITO_SECONDARY_POOL, clientId: COGNITO_SECONDARY_CLIENT },
      ],
    })
  const accessClaims = claimsLike(pool.accessToken())
  const idClaims = claimsLike(pool.idToken())
  const common = {
    issuer: pool.issuer,
    key,
    ecKey: undefined,
    unboundRsaKey: undefined,
    otherIssuerKey: secondaryKey,
    algorithms: ['RS256'] as const,
    maxTokenBytes: DEFAULTS.maxTokenBytes,
    handlers,
    header,
  }
  // Another pool's token signed by the right key (the pool is not configured), and a configured
  // pool's token signed by the other configured pool's key.
  const crossPool = (claims: (o?: JsonObject) => Record<string, unknown>): AttackRow[] => [
    own(
      'cognito-untrusted-pool-same-key',
      'a token of an unconfigured pool, signed by the right key',
      'invalid_issuer',
      () => forge(claims({ iss: untrusted.issuer }), header(), key),
    ),
    own(
      'cognito-secondary-pool-primary-key',
      "a secondary-pool token signed by the primary pool's key",
      'unknown_key',
      () => forge(claims({ iss: secondary.issuer }), header(), key),
    ),
    own(
      'cognito-secondary-client-in-primary',
      "the secondary pool's app client in a primary-pool token",
      'invalid_audience',
      (t) =>
        mint(t, {
          claims:
            t.audience.claim === 'aud'
              ? { aud: COGNITO_SECONDARY_CLIENT }
              : { client_id: COGNITO_SECONDARY_CLIENT },
        }),
    ),
    own('cognito-token-use-missing', 'no token_use', 'invalid_token_use', (t) =>
      mint(t, { claims: { token_use: undefined } }),
    ),
    own('cognito-token-use-refresh', 'token_use "refresh"', 'invalid_token_use', (t) =>
      mint(t, { claims: { token_use: 'refresh' } }),
    ),
    own('cognito-token-use-array', 'token_use ["access", "id"]', 'invalid_token_use', (t) =>
      mint(t, { claims: { token_use: ['access', 'id'] } }),
    ),
  ]
  const access: Target = {
    ...common,
    name: 'cognito-access',
    audience: { claim: 'client_id', value: COGNITO_CLIENT },
    verifier: (overrides = {}) => build(provider('access'), overrides),
    claims: accessClaims,
    refuses: FAR_FUTURE,
    extraRows: [
      ...lifetimeRows(86_400),
      own(
        'cognito-id-token-as-access',
        'a Cognito ID token where an access token is expected',
        'invalid_token_use',
        () => forge(idClaims(), header(), key),
      ),
      ...crossPool(accessClaims),
    ],
  }
  const id: Target = {
    ...common,
    name: 'cognito-id',
    audience: { claim: 'aud', value: COGNITO_CLIENT },
    verifier: (overrides = {}) => build(provider('id'), overrides),
    claims: idClaims,
    // Cognito ID tokens carry one client in a string aud; an array is not a Cognito token.
    refuses: { 'aud-array-with-right-value': 'invalid_audience', ...FAR_FUTURE },
    extraRows: [
      ...lifetimeRows(86_400),
      own(
        'cognito-access-token-as-id',
        'a Cognito access token where an ID token is expected',
        'invalid_token_use',
        () => forge(accessClaims(), header(), key),
      ),
      ...crossPool(idClaims),
    ],
  }
  return [access, id]
}

/** An Auth0 tenant and API (access tokens), with a second tenant signing with the same key. */
export function auth0Target(): Target {
  const key = defaultKey('RS256')
  const tenant = auth0Preset({
    domain: AUTH0_DOMAIN,
    audience: AUTH0_AUDIENCE,
    clientId: AUTH0_CLIENT,
    key,
  })
  const other = auth0Preset({
    domain: AUTH0_OTHER_DOMAIN,
    audience: AUTH0_AUDIENCE,
    clientId: AUTH0_CLIENT,
    key,
  })
  const claims = claimsLike(tenant.accessToken())
  const idClaims = claimsLike(tenant.idToken())
  const header = (signer: TestKey = key) => ({ alg: signer.alg, typ: 'JWT', kid: signer.kid })
  return {
    name: 'auth0',
    issuer: tenant.issuer,
    key,
    ecKey: undefined,
    unboundRsaKey: undefined,
    otherIssuerKey: defaultKey('RS256', 1),
    algorithms: ['RS256'],
    audience: { claim: 'aud', value: AUTH0_AUDIENCE },
    maxTokenBytes: DEFAULTS.maxTokenBytes,
    handlers: [tenant.handler],
    verifier: (overrides = {}) =>
      build(
        auth0({ domain: AUTH0_DOMAIN, audience: AUTH0_AUDIENCE, clientId: AUTH0_CLIENT }),
        overrides,
      ),
    claims,
    header,
    refuses: FAR_FUTURE,
    extraRows: [
      ...lifetimeRows(2_592_000),
      own(
        'auth0-other-tenant-same-key',
        'a token of another tenant for the same API, signed by the right key',
        'invalid_issuer',
        () => forge(claims({ iss: other.issuer }), header(), key),
      ),
      own(
        'auth0-id-token-as-access',
        'an Auth0 ID token where an access token is expected',
        'invalid_audience',
        () => forge(idClaims(), header(), key),
      ),
      own('auth0-other-client', 'azp of another application', 'invalid_audience', (t) =>
        mint(t, { claims: { azp: 'AnotherApplication01' } }),
      ),
      own('auth0-typ-jwe', 'typ "JOSE+JSON"', 'invalid_header', (t) =>
        mint(t, { header: { typ: 'JOSE+JSON' } }),
      ),
    ],
  }
}

/** A Firebase project, for ID tokens (JWKS) and for session cookies (x509 certificates). */
export function firebaseTargets(): readonly Target[] {
  const key = defaultKey('RS256')
  const cookieKey = defaultKey('RS256', 1)
  const project = firebasePreset({ projectId: FIREBASE_PROJECT, key, sessionCookieKey: cookieKey })
  const other = firebasePreset({
    projectId: FIREBASE_OTHER_PROJECT,
    key,
    sessionCookieKey: cookieKey,
  })
  const idClaims = claimsLike(project.idToken())
  const cookieClaims = claimsLike(project.sessionCookie())
  const header = (signer: TestKey = key) => ({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
  const common = {
    ecKey: undefined,
    unboundRsaKey: undefined,
    algorithms: ['RS256'] as const,
    audience: { claim: 'aud', value: FIREBASE_PROJECT } as const,
    maxTokenBytes: DEFAULTS.maxTokenBytes,
    handlers: project.handlers,
    header,
    // Firebase tokens carry the project in a string aud (firebase-admin requires it too).
    refuses: { 'aud-array-with-right-value': 'invalid_claims' as const, ...FAR_FUTURE },
  }
  const rules = (
    claims: (o?: JsonObject) => Record<string, unknown>,
    signer: TestKey,
  ): AttackRow[] => [
    own(
      'firebase-other-project-same-key',
      'a token of another project, signed by the right key',
      'invalid_issuer',
      () =>
        forge(claims({ iss: other.issuer, aud: FIREBASE_OTHER_PROJECT }), header(signer), signer),
    ),
    own('firebase-sub-empty', 'sub ""', 'invalid_claims', (t) => mint(t, { claims: { sub: '' } })),
    own('firebase-sub-long', 'sub of 129 characters', 'invalid_claims', (t) =>
      mint(t, { claims: { sub: 'u'.repeat(129) } }),
    ),
    own('firebase-auth-time-future', 'auth_time 10 minutes ahead', 'invalid_claims', (t) =>
      mint(t, { claims: { auth_time: Math.floor(Date.now() / 1000) + 600 } }),
    ),
    own('firebase-auth-time-missing', 'no auth_time', 'invalid_claims', (t) =>
      mint(t, { claims: { auth_time: undefined } }),
    ),
    own(
      'firebase-emulator-token',
      "the Auth emulator's unsigned token",
      'unsupported_algorithm',
      () => project.emulatorToken(),
    ),
  ]
  const idToken: Target = {
    ...common,
    name: 'firebase',
    issuer: project.issuer,
    key,
    otherIssuerKey: cookieKey,
    verifier: (overrides = {}) => build(firebase({ projectId: FIREBASE_PROJECT }), overrides),
    claims: idClaims,
    extraRows: [
      ...rules(idClaims, key),
      ...lifetimeRows(3_600),
      own(
        'firebase-session-cookie-as-id-token',
        'a session cookie where an ID token is expected',
        'invalid_issuer',
        () => forge(cookieClaims(), header(cookieKey), cookieKey),
      ),
    ],
  }
  const sessionCookie: Target = {
    ...common,
    name: 'firebase-session',
    issuer: project.sessionCookieIssuer,
    key: cookieKey,
    otherIssuerKey: key,
    header: (signer: TestKey = cookieKey) => header(signer),
    verifier: (overrides = {}) =>
      build(firebase({ projectId: FIREBASE_PROJECT, sessionCookie: true }), overrides),
    claims: cookieClaims,
    extraRows: [
      ...rules(cookieClaims, cookieKey).filter((row) => row.id !== 'firebase-emulator-token'),
      ...lifetimeRows(1_209_600),
      own(
        'firebase-id-token-as-session-cookie',
        'an ID token where a session cookie is expected',
        'invalid_issuer',
        () => forge(idClaims(), header(key), key),
      ),
    ],
  }
  return [idToken, sessionCookie]
}

/** A token signed over exactly these header and claims, for tokens of no target. */
function forge(
  claims: Record<string, unknown>,
  header: Record<string, unknown>,
  key: TestKey,
): string {
  return forgeToken({ header, payload: claims, key })
}
