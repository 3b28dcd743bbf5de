import type { NextStep } from './next-step.js'

/**
 * Every answer the Cognito user API routes can fail with, as a stable code. The code decides the
 * HTTP status: see {@link COGNITO_API_ERROR_STATUS}.
 */
export type CognitoApiErrorCode =
  | 'invalid_request'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'method_not_allowed'
  | 'forbidden_origin'
  | 'not_authorized'
  | 'user_not_confirmed'
  | 'password_reset_required'
  | 'user_not_found'
  | 'user_exists'
  | 'alias_exists'
  | 'invalid_password'
  | 'code_mismatch'
  | 'code_expired'
  | 'invalid_parameter'
  | 'rejected_by_trigger'
  | 'mfa_not_enabled'
  | 'concurrent_modification'
  | 'too_many_requests'
  | 'unsupported_challenge'
  | 'code_delivery_failed'
  | 'cognito_error'
  | 'cognito_unavailable'

/** HTTP statuses a {@link CognitoApiError} can carry. */
export type CognitoApiErrorStatus =
  400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 501 | 502 | 503

/**
 * The HTTP status of each code. An outage of Cognito (unreachable, timeout, 5xx) is 503 with
 * `Retry-After`, never a 401; an answer Cognito should never give is 502; nothing is a 500.
 */
export const COGNITO_API_ERROR_STATUS: Readonly<
  Record<CognitoApiErrorCode, CognitoApiErrorStatus>
> = Object.freeze({
  invalid_request: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  method_not_allowed: 405,
  forbidden_origin: 403,
  not_authorized: 401,
  user_not_confirmed: 403,
  password_reset_required: 403,
  user_not_found: 404,
  user_exists: 409,
  alias_exists: 409,
  invalid_password: 400,
  code_mismatch: 400,
  code_expired: 400,
  invalid_parameter: 400,
  rejected_by_trigger: 400,
  mfa_not_enabled: 400,
  concurrent_modification: 409,
  too_many_requests: 429,
  unsupported_challenge: 501,
  code_delivery_failed: 502,
  cognito_error: 502,
  cognito_unavailable: 503,
})

/** Extra fields of a {@link CognitoApiError}. */
export interface CognitoApiErrorOptions {
  /** The underlying error (the SDK's exception), kept for logs; never sent to clients. */
  readonly cause?: unknown
  /** What the client should do next (`user_not_confirmed`: confirm the sign-up). */
  readonly next?: NextStep
  /** Seconds to wait before trying again (RFC 9110 §10.2.3), for 429 and 503. */
  readonly retryAfter?: number
  /** Which fields of the body were wrong (`invalid_request`): paths and messages, never values. */
  readonly fields?: readonly { readonly path: string; readonly message: string }[]
}

/**
 * The one error class of the Cognito user API: thrown by each operation of
 * `cognitoUserApi()` and turned into a JSON answer by `cognitoUserRoutes()`.
 *
 * Messages are written here, never copied from a request: they hold no password, code, token or
 * user name, so they are safe to log and to send.
 *
 * @example
 * ```ts
 * try {
 *   await users.signIn({ username, password })
 * } catch (error) {
 *   if (error instanceof CognitoApiError && error.code === 'user_not_confirmed') {
 *     // error.next: { step: 'confirm_sign_up', username }
 *   }
 * }
 * ```
 */
export class CognitoApiError extends Error {
  override readonly name = 'CognitoApiError'
  readonly code: CognitoApiErrorCode
  readonly status: CognitoApiErrorStatus
  readonly next: NextStep | undefined
  readonly retryAfter: number | undefined
  readonly fields: readonly { readonly path: string; readonly message: string }[] | undefined

  constructor(code: CognitoApiErrorCode, message: string, options: CognitoApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.status = COGNITO_API_ERROR_STATUS[code]
    this.next = options.next
    this.retryAfter = options.retryAfter
    this.fields = options.fields
  }
}
