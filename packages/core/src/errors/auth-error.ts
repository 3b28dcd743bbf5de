/**
 * Every way a request can fail authentication or authorization, as a stable code.
 *
 * The code decides the HTTP status and the RFC 6750 §3.1 `error` value; see {@link AUTH_ERROR_INFO}.
 */
export type AuthErrorCode =
  | 'missing_token'
  | 'invalid_request'
  | 'malformed_token'
  | 'unsupported_algorithm'
  | 'invalid_header'
  | 'unknown_key'
  | 'invalid_signature'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'invalid_issuer'
  | 'invalid_audience'
  | 'invalid_token_use'
  | 'invalid_claims'
  | 'token_revoked'
  | 'insufficient_scope'
  | 'insufficient_permission'
  | 'invalid_service_credentials'
  | 'jwks_unavailable'
  | 'revocation_unavailable'
  | 'permissions_unavailable'
  | 'principal_unavailable'

/** HTTP statuses an {@link AuthError} can carry. */
export type AuthErrorStatus = 400 | 401 | 403 | 503

/** The `error` attribute of an RFC 6750 §3 `WWW-Authenticate: Bearer` challenge. */
export type BearerErrorValue = 'invalid_request' | 'invalid_token' | 'insufficient_scope'

/** What a code means on the wire: its HTTP status and its RFC 6750 §3.1 `error` value. */
export interface AuthErrorInfo {
  readonly status: AuthErrorStatus
  readonly error: BearerErrorValue | undefined
}

const TOKEN: AuthErrorInfo = { status: 401, error: 'invalid_token' }
const FORBIDDEN: AuthErrorInfo = { status: 403, error: 'insufficient_scope' }
const UNAVAILABLE: AuthErrorInfo = { status: 503, error: undefined }

/**
 * The HTTP status and the RFC 6750 §3.1 `error` value of each code (both, hence the name).
 *
 * - `missing_token`: 401 with a bare challenge (RFC 6750 §3.1: no error code when the request has no token).
 * - `invalid_request`: 400 (a malformed `Authorization` header, a token in two places).
 * - every defect of the token itself: 401 `invalid_token`.
 * - `invalid_service_credentials`: 401 `invalid_token` (a service credential that is unknown or wrong).
 * - `insufficient_scope`, `insufficient_permission`: 403 `insufficient_scope` (RFC 6750 §3.1 has
 *   one value for "the credential is good but not enough").
 * - `jwks_unavailable`, `revocation_unavailable` (the `isRevoked` hook failed),
 *   `permissions_unavailable`, `principal_unavailable` (a secret store or an `enrich` hook failed):
 *   503 with `Retry-After`: an outage is never a bad token.
 *
 * @example
 * ```ts
 * AUTH_ERROR_INFO.token_expired // { status: 401, error: 'invalid_token' }
 * ```
 */
export const AUTH_ERROR_INFO: Readonly<Record<AuthErrorCode, AuthErrorInfo>> = Object.freeze({
  missing_token: { status: 401, error: undefined },
  invalid_request: { status: 400, error: 'invalid_request' },
  malformed_token: TOKEN,
  unsupported_algorithm: TOKEN,
  invalid_header: TOKEN,
  unknown_key: TOKEN,
  invalid_signature: TOKEN,
  token_expired: TOKEN,
  token_not_yet_valid: TOKEN,
  invalid_issuer: TOKEN,
  invalid_audience: TOKEN,
  invalid_token_use: TOKEN,
  invalid_claims: TOKEN,
  token_revoked: TOKEN,
  invalid_service_credentials: TOKEN,
  insufficient_scope: FORBIDDEN,
  insufficient_permission: FORBIDDEN,
  jwks_unavailable: UNAVAILABLE,
  revocation_unavailable: UNAVAILABLE,
  permissions_unavailable: UNAVAILABLE,
  principal_unavailable: UNAVAILABLE,
})

/** Extra fields of an {@link AuthError}. */
export interface AuthErrorOptions {
  /** The underlying error, kept for logs; never shown to clients. */
  readonly cause?: unknown
  /** For `insufficient_scope`: the scopes the route needs (RFC 6750 §3 `scope`). */
  readonly scope?: readonly string[]
  /** For a 503 code: seconds a client should wait (RFC 9110 §10.2.3 `Retry-After`). */
  readonly retryAfter?: number
}

/**
 * The one error class of cloudauth's request path.
 *
 * Descriptions name what failed (a claim, a header parameter), never a value taken from the
 * token, and never the token itself, so they are safe to log and to send to clients.
 *
 * @example
 * ```ts
 * try { await verifier.verify(token) } catch (err) {
 *   if (err instanceof AuthError && err.code === 'token_expired') { ... }
 * }
 * ```
 */
export class AuthError extends Error {
  override readonly name = 'AuthError'
  readonly code: AuthErrorCode
  readonly status: AuthErrorStatus
  /** RFC 6750 §3.1 error value, or `undefined` where the challenge carries none. */
  readonly error: BearerErrorValue | undefined
  readonly description: string
  readonly scope: readonly string[] | undefined
  readonly retryAfter: number | undefined

  constructor(code: AuthErrorCode, description: string, options: AuthErrorOptions = {}) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause })
    const info = AUTH_ERROR_INFO[code]
    this.code = code
    this.status = info.status
    this.error = info.error
    this.description = description
    this.scope = options.scope
    this.retryAfter = options.retryAfter
  }
}

/** True when `value` is an {@link AuthError}, also across copies of the package. */
export function isAuthError(value: unknown): value is AuthError {
  return (
    value instanceof AuthError ||
    (value instanceof Error &&
      value.name === 'AuthError' &&
      typeof (value as Partial<AuthError>).code === 'string' &&
      typeof (value as Partial<AuthError>).status === 'number')
  )
}
