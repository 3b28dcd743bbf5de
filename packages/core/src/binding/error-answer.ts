import type { AuthError } from '../errors/auth-error.js'
import { toErrorResponse, type ErrorResponseOptions } from '../errors/to-error-response.js'
import type { ErrorAnswer } from './pipeline-types.js'

/**
 * The {@link ErrorAnswer} for an {@link AuthError}: `toErrorResponse` with the body serialised, as
 * a binding sends it (every header value printable ASCII, so always valid).
 *
 * @example
 * ```ts
 * const { status, headers, body } = errorAnswer(error, { realm: 'orders' })
 * return new Response(body, { status, headers })
 * ```
 */
export function errorAnswer(error: AuthError, options: ErrorResponseOptions = {}): ErrorAnswer {
  const { status, headers, body } = toErrorResponse(error, options)
  return { status, headers, body: JSON.stringify(body) }
}
