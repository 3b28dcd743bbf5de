/** Codes of {@link SessionLoginError}, besides core's `AuthError` codes for a bad ID token. */
export type SessionLoginErrorCode =
  | 'invalid_request'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'method_not_allowed'
  | 'forbidden_origin'
  | 'recent_sign_in_required'
  | 'invalid_token'
  | 'user_disabled'
  | 'too_many_requests'
  | 'upstream_error'
  | 'upstream_unavailable'

/** The HTTP status of each {@link SessionLoginErrorCode}. */
export const SESSION_LOGIN_ERROR_STATUS: Readonly<Record<SessionLoginErrorCode, number>> =
  Object.freeze({
    invalid_request: 400,
    unsupported_media_type: 415,
    payload_too_large: 413,
    method_not_allowed: 405,
    forbidden_origin: 403,
    recent_sign_in_required: 401,
    invalid_token: 401,
    user_disabled: 403,
    too_many_requests: 429,
    upstream_error: 502,
    upstream_unavailable: 503,
  })

/**
 * Why a session login or logout was refused. A bad ID token is core's `AuthError` instead
 * (`token_expired`, `invalid_signature`, ..., and `jwks_unavailable` 503).
 *
 * - `forbidden_origin` (403): no `Origin` header, or another origin (CSRF).
 * - `recent_sign_in_required` (401): the user signed in more than `maxAuthAge` seconds ago.
 * - `invalid_token` (401), `user_disabled` (403): Google refused the ID token.
 * - `upstream_error` (502): Google answered a redirect (never followed), refused the service
 *   account, or answered something unexpected. `upstream_unavailable` (503, `Retry-After`):
 *   Google could not be reached, timed out, or failed.
 *
 * Messages never hold the ID token, the session cookie, an access token or the private key.
 *
 * @example
 * ```ts
 * if (error instanceof SessionLoginError && error.code === 'recent_sign_in_required') reauthenticate()
 * ```
 */
export class SessionLoginError extends Error {
  override readonly name = 'SessionLoginError'
  readonly code: SessionLoginErrorCode
  readonly status: number
  readonly retryAfter: number | undefined

  constructor(
    code: SessionLoginErrorCode,
    message: string,
    options: { readonly cause?: unknown; readonly retryAfter?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = SESSION_LOGIN_ERROR_STATUS[code]
    this.retryAfter = options.retryAfter
  }
}
