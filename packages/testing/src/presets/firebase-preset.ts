import type { HttpHandler } from 'msw'
import type { TestKey } from '../keys/generate-test-key.js'
import { defaultKey } from '../keys/default-key.js'
import { jwksOf } from '../keys/jwks-of.js'
import { x509MapOf } from '../keys/x509-map-of.js'
import { createJwksEndpoint, type JwksEndpoint } from '../msw/create-jwks-endpoint.js'
import { createX509Endpoint, type X509Endpoint } from '../msw/create-x509-endpoint.js'
import type { JsonObject } from '../tokens/sign-token.js'
import { unsignedToken } from '../tokens/unsigned-token.js'
import { signCompact } from '../internal/jws.js'
import { firebaseClaims, firebaseUid, mergeClaims } from '../internal/shapes.js'
import type { PresetTokenOptions } from './preset-token-options.js'
import type { FirebaseUser } from './preset-users.js'
import {
  FIREBASE_ID_TOKEN_ISSUER_PREFIX,
  FIREBASE_ID_TOKEN_JWKS_URL,
  FIREBASE_ID_TOKEN_X509_URL,
  FIREBASE_SESSION_COOKIE_ISSUER_PREFIX,
  FIREBASE_SESSION_COOKIE_X509_URL,
  GOOGLE_KEYS_CACHE_CONTROL,
} from './provider-urls.js'

/** Options of {@link firebasePreset}. */
export interface FirebasePresetOptions {
  readonly projectId: string
  /** Signing key of ID tokens. Default `defaultKey('RS256')`. */
  readonly key?: TestKey
  /**
   * Signing key of session cookies. Default: `key`. Google uses a separate key set for session
   * cookies; pass another key to test that the two are not mixed up.
   */
  readonly sessionCookieKey?: TestKey
  /** An Identity Platform tenant: sets `firebase.tenant`. */
  readonly tenantId?: string
  /** The user in the tokens. Default: a random 28-character uid, `test-user@example.com`. */
  readonly user?: Partial<FirebaseUser>
}

/** Tokens and msw handlers shaped like one Firebase project. */
export interface FirebasePreset {
  readonly projectId: string
  readonly tenantId: string | undefined
  /** `https://securetoken.google.com/{projectId}`. */
  readonly issuer: string
  /** `https://session.firebase.google.com/{projectId}`. */
  readonly sessionCookieIssuer: string
  /** {@link FIREBASE_ID_TOKEN_JWKS_URL}. */
  readonly jwksUri: string
  readonly key: TestKey
  readonly sessionCookieKey: TestKey
  readonly user: FirebaseUser
  /** The ID-token JWKS endpoint (Google's `Cache-Control` included). */
  readonly jwks: JwksEndpoint
  /** The ID-token keys as x509 certificates, at {@link FIREBASE_ID_TOKEN_X509_URL}. */
  readonly x509: X509Endpoint
  /** The session-cookie certificates, at {@link FIREBASE_SESSION_COOKIE_X509_URL}. */
  readonly sessionCookieKeys: X509Endpoint
  /** The ID-token JWKS handler. */
  readonly handler: HttpHandler
  /** All three handlers: ID-token JWKS, ID-token x509, session-cookie x509. */
  readonly handlers: readonly HttpHandler[]
  /**
   * An ID token: `iss`, `aud` (project id), `auth_time`, `user_id`, `sub`, `iat`, `exp`, `email`,
   * `email_verified`, `firebase: { identities, sign_in_provider, tenant? }`. Custom claims (such
   * as `roles`) go at the top level through `claims`. Header `{ alg: 'RS256', kid, typ: 'JWT' }`.
   */
  idToken(claims?: JsonObject, options?: PresetTokenOptions): string
  /** A session cookie: the ID token's claims with `iss` `https://session.firebase.google.com/{projectId}`. */
  sessionCookie(claims?: JsonObject, options?: PresetTokenOptions): string
  /**
   * An ID token as the Firebase Auth emulator issues it: the same claims, header
   * `{ alg: 'none', typ: 'JWT' }`, no `kid`, an empty signature.
   */
  emulatorToken(claims?: JsonObject, options?: Omit<PresetTokenOptions, 'key'>): string
}

/**
 * A Firebase project in a box: ID tokens, session cookies and emulator tokens shaped like
 * Google's, with msw handlers at Google's real key URLs (answered with Google's
 * `Cache-Control: public, max-age=...`), so `firebase({ projectId })` is tested unchanged.
 *
 * @example
 * ```ts
 * const project = firebasePreset({ projectId: 'demo-acme' })
 * const server = setupServer(...project.handlers)
 * server.listen({ onUnhandledRequest: 'error' })
 * const token = project.idToken({ roles: ['admin'] })
 * const cookie = project.sessionCookie()
 * const unsigned = project.emulatorToken()
 * ```
 */
export function firebasePreset(options: FirebasePresetOptions): FirebasePreset {
  const { projectId, tenantId } = options
  const issuer = `${FIREBASE_ID_TOKEN_ISSUER_PREFIX}${projectId}`
  const sessionCookieIssuer = `${FIREBASE_SESSION_COOKIE_ISSUER_PREFIX}${projectId}`
  const key = options.key ?? defaultKey('RS256')
  const sessionCookieKey = options.sessionCookieKey ?? key
  const user: FirebaseUser = {
    uid: options.user?.uid ?? firebaseUid(),
    email: options.user?.email ?? 'test-user@example.com',
  }
  const cacheControl = GOOGLE_KEYS_CACHE_CONTROL
  const jwks = createJwksEndpoint(FIREBASE_ID_TOKEN_JWKS_URL, jwksOf(key), { cacheControl })
  const x509 = createX509Endpoint(FIREBASE_ID_TOKEN_X509_URL, x509MapOf(key), { cacheControl })
  const sessionCookieKeys = createX509Endpoint(
    FIREBASE_SESSION_COOKIE_X509_URL,
    x509MapOf(sessionCookieKey),
    {
      cacheControl,
    },
  )

  const claimsFor = (iss: string, claims: JsonObject | undefined, opts: PresetTokenOptions) =>
    mergeClaims(
      firebaseClaims({
        issuer: iss,
        projectId,
        user,
        tenantId,
        now: opts.now,
        expiresIn: opts.expiresIn,
      }),
      claims,
    )
  const sign = (
    defaultSigner: TestKey,
    payload: Record<string, unknown>,
    opts: PresetTokenOptions,
  ): string => {
    const signer = opts.key ?? defaultSigner
    const header = { alg: signer.alg, kid: signer.kid, typ: 'JWT', ...opts.header }
    return signCompact(signer, signer.alg, header, payload)
  }

  return {
    projectId,
    tenantId,
    issuer,
    sessionCookieIssuer,
    jwksUri: FIREBASE_ID_TOKEN_JWKS_URL,
    key,
    sessionCookieKey,
    user,
    jwks,
    x509,
    sessionCookieKeys,
    handler: jwks.handler,
    handlers: [jwks.handler, x509.handler, sessionCookieKeys.handler],
    idToken: (claims, opts = {}) => sign(key, claimsFor(issuer, claims, opts), opts),
    sessionCookie: (claims, opts = {}) =>
      sign(sessionCookieKey, claimsFor(sessionCookieIssuer, claims, opts), opts),
    emulatorToken: (claims, opts = {}) =>
      unsignedToken(
        claimsFor(issuer, claims, opts),
        opts.header === undefined ? {} : { header: opts.header },
      ),
  }
}
