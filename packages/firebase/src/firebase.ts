import type { ClaimsCheck, Provider, VerifierTuning } from '@cloudauth/core'
import type { FirebaseIdClaims } from './firebase-id-claims.js'
import { createFirebase } from './internal/create-firebase.js'

/** Options of {@link firebase}. */
export interface FirebaseOptions extends VerifierTuning<FirebaseIdClaims> {
  /** The Firebase project id: the `aud` of every token and the end of its `iss`. Required. */
  readonly projectId: string
  /** An Identity Platform tenant: `firebase.tenant` must equal it. Default: any tenant, or none. */
  readonly tenantId?: string
  /**
   * Verify session cookies (`createSessionCookie`) instead of ID tokens: issuer
   * `https://session.firebase.google.com/{projectId}`, keys from Google's identitytoolkit
   * certificates. Default `false`.
   */
  readonly sessionCookie?: boolean
  /**
   * INSECURE, local development only: accept the Firebase Auth emulator's unsigned tokens. Fails
   * closed: besides this opt-in in code, `FIREBASE_AUTH_EMULATOR_HOST` must name a loopback
   * host (`127.0.0.1`, `localhost` or `[::1]`, with an optional port) and `NODE_ENV` must be
   * exactly `development` or `test`; anything else (`NODE_ENV` unset, `production`, `Production`,
   * `prod`, `dev`, another host) is a `ConfigError`. Warns at construction. Default `false`.
   */
  readonly emulator?: boolean
  /**
   * Where the keys are, replacing Google's URL (a JWKS for ID tokens, a `{ kid: pem }` map for
   * session cookies). In emulator mode no keys are fetched unless this is set.
   */
  readonly jwksUri?: string
  /** Claims that hold scopes (a name or a list); Firebase has none, so name a custom claim. Default none. */
  readonly scopeClaims?: string | readonly string[]
  /** Claims that hold groups (a name or a list), for example a custom `roles` claim. Default none. */
  readonly groupClaims?: string | readonly string[]
  /** The claim that holds the user's id (`user.id`), required in every token. Default `'sub'` (the uid). */
  readonly userId?: string
  /**
   * The longest lifetime (`exp - iat`, seconds) accepted; longer is `invalid_claims`. Default
   * 3,600 (1 hour) for ID tokens and 1,209,600 (2 weeks) for session cookies, the longest
   * Firebase issues; `null` switches the ceiling off.
   */
  readonly maxTokenLifetime?: number | null
  /** An extra check, run after the provider's own. Throw an `AuthError` to reject. */
  readonly validate?: ClaimsCheck
}

/**
 * A Firebase Authentication project as a cloudauth provider: pass it to `createVerifier()` or a
 * binding's `cloudauth()`.
 *
 * ID tokens: `iss` `https://securetoken.google.com/{projectId}`, `aud` the project id, RS256 only,
 * keys from Google's securetoken JWKS (refetched as its `Cache-Control: max-age` says), `sub` a
 * non-empty string of at most 128 characters, `auth_time` a number not in the future (beyond the
 * clock tolerance), `iat` present and not in the future, `exp` not passed, and the claims shaped
 * as {@link firebaseIdClaims}. With `tenantId`, `firebase.tenant` must equal it, else
 * `invalid_claims` (the token is for this project, `aud` is right: it is the user's tenant that is
 * wrong). With `sessionCookie: true`, the same checks apply to session cookies.
 *
 * @example
 * ```ts
 * const app = firebase({ projectId: 'acme-prod' })
 * const cookies = firebase({ projectId: 'acme-prod', sessionCookie: true })
 * const tenant = firebase({ projectId: 'acme-prod', tenantId: 'customers-a1b2c', groupClaims: 'roles' })
 * // unsigned tokens: needs FIREBASE_AUTH_EMULATOR_HOST=127.0.0.1:9099 and NODE_ENV=test or development
 * const local = firebase({ projectId: 'demo-acme', emulator: true })
 * ```
 * Every token's lifetime (`exp - iat`) is at most `maxTokenLifetime` (1 hour for ID tokens, 2
 * weeks for session cookies, by default) and the `userId` claim (`sub` by default) is a
 * non-empty string.
 *
 * @throws ConfigError listing every problem at once (`problems`): `projectId` not a project id,
 *   `tenantId` malformed, a non-boolean `emulator` or `sessionCookie`, bad claim names, a bad
 *   `userId` or `maxTokenLifetime`, any option `firebase()` does not know (with the nearest known
 *   name), and for `emulator: true` a `NODE_ENV` other than `development` or `test` or a
 *   `FIREBASE_AUTH_EMULATOR_HOST` unset or not on loopback; core's tuning options are checked by
 *   core.
 * @returns a provider whose verifier rejects with `invalid_issuer`, `invalid_audience`,
 *   `unsupported_algorithm` (anything but RS256; `none` outside emulator mode), `invalid_claims`
 *   (sub, auth_time, schema, tenant, lifetime, user id), and core's other codes.
 */
export function firebase(options: FirebaseOptions): Provider<FirebaseIdClaims> {
  return createFirebase(options, undefined)
}
