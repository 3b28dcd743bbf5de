/**
 * Every way a login route can refuse a request, as a stable code. The code decides the status:
 *
 * - `invalid_state` 400: the callback's `state` matches no login attempt of this browser.
 * - `invalid_attempt` 400: the attempt cookie is tampered, expired, or was made for another issuer
 *   or redirect URI.
 * - `invalid_callback` 400: the callback lacks a `code` or is otherwise malformed (RFC 6749 §4.1.2).
 * - `invalid_return_to` 400: `returnTo` is not a path on this app's origin.
 * - `issuer_error` 401: the issuer answered the callback with an `error` (RFC 6749 §4.1.2.1). Its
 *   own text is never echoed.
 * - `invalid_grant` 401: the token endpoint refused the code or refresh token (replayed code, wrong
 *   PKCE verifier, revoked refresh token).
 * - `invalid_id_token` 401: the ID token failed validation (wrong `nonce`, `iss`, `aud`, expired).
 * - `no_session` 401: the request carries no (valid) session.
 * - `forbidden_origin` 403: a state-changing request without a same-origin `Origin` header (CSRF).
 * - `method_not_allowed` 405.
 * - `issuer_unavailable` 503 with `Retry-After`: the issuer could not be reached, answered with a
 *   redirect (never followed) or with something that is not a valid answer.
 */
export type LoginErrorCode =
  | 'invalid_state'
  | 'invalid_attempt'
  | 'invalid_callback'
  | 'invalid_return_to'
  | 'issuer_error'
  | 'invalid_grant'
  | 'invalid_id_token'
  | 'no_session'
  | 'forbidden_origin'
  | 'method_not_allowed'
  | 'issuer_unavailable'

/** HTTP statuses a {@link LoginError} can carry. */
export type LoginErrorStatus = 400 | 401 | 403 | 405 | 503

/** The status of each {@link LoginErrorCode}. */
export const LOGIN_ERROR_STATUS: Readonly<Record<LoginErrorCode, LoginErrorStatus>> = Object.freeze(
  {
    invalid_state: 400,
    invalid_attempt: 400,
    invalid_callback: 400,
    invalid_return_to: 400,
    issuer_error: 401,
    invalid_grant: 401,
    invalid_id_token: 401,
    no_session: 401,
    forbidden_origin: 403,
    method_not_allowed: 405,
    issuer_unavailable: 503,
  },
)

/**
 * The error of the login routes and helpers. Its description names what failed, never a token,
 * a code, a state value or anything the issuer wrote, so it is safe to log and to answer with.
 *
 * @example
 * ```ts
 * try { await login.refresh(request) } catch (err) {
 *   if (err instanceof LoginError && err.code === 'invalid_grant') { ... }
 * }
 * ```
 */
export class LoginError extends Error {
  override readonly name = 'LoginError'
  readonly code: LoginErrorCode
  readonly status: LoginErrorStatus
  readonly description: string
  /** For `issuer_unavailable`: seconds to wait (RFC 9110 §10.2.3). */
  readonly retryAfter: number | undefined

  constructor(
    code: LoginErrorCode,
    description: string,
    options: { readonly cause?: unknown; readonly retryAfter?: number } = {},
  ) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = LOGIN_ERROR_STATUS[code]
    this.description = description
    this.retryAfter = code === 'issuer_unavailable' ? (options.retryAfter ?? 5) : undefined
  }
}
