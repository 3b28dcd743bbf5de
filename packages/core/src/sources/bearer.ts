import { AuthError } from '../errors/auth-error.js'
import type { TokenSource } from './token-source.js'

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
// The auth-scheme is case-insensitive (RFC 9110 §11.1).
const SCHEME = /^bearer(?: |$)/i
const CREDENTIALS = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i

/**
 * Reads `Authorization: Bearer <token>` (RFC 6750 §2.1). Another scheme (`Basic ...`) means no
 * token here; a `Bearer` header without exactly one well-formed token is `invalid_request` (400).
 *
 * @example
 * ```ts
 * cloudauth(provider, { tokenFrom: [bearer()] })
 * ```
 * @throws AuthError `invalid_request`
 */
export function bearer(): TokenSource {
  return {
    description: 'Authorization header',
    read(request) {
      const value = request.header('authorization')
      if (value === undefined || value === '') return undefined
      if (!SCHEME.test(value)) return undefined
      const match = CREDENTIALS.exec(value)
      if (match === null) {
        throw new AuthError(
          'invalid_request',
          'the Authorization header is not of the form "Bearer <token>"',
        )
      }
      return match[1]
    },
  }
}
