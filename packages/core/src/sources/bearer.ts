import { AuthError } from '../errors/auth-error.js'
import type { TokenSource } from './token-source.js'

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
// The auth-scheme is case-insensitive (RFC 9110 §11.1). One regex on the common path: it matches a
// well-formed value and captures the token; only a miss needs a second look, to tell another scheme
// (no token here) from a broken Bearer header (400).
const CREDENTIALS = /^[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9\-._~+/]+=*) *$/
// The scheme is the token before the first character that cannot be in a token (RFC 9110 §5.6.2):
// "Bearer<TAB>x", "Bearer,x" and "Bearer" alone are all the Bearer scheme, malformed.
const SCHEME = /^bearer(?![!#$%&'*+\-.^_`|~0-9a-z])/i

/**
 * Reads `Authorization: Bearer <token>` (RFC 6750 §2.1). Another scheme (`Basic ...`) means no
 * token here; a `Bearer` header without exactly one well-formed token (`Bearer<TAB>token` included),
 * or two `Authorization` fields in one request, is `invalid_request` (400).
 *
 * @example
 * ```ts
 * cloudauth(provider, { tokenFrom: [bearer()] })
 * ```
 * @throws AuthError `invalid_request`
 */
export function bearer(): TokenSource {
  // The last well-formed value and its token. Checking the token's characters costs about 1 ns
  // each (a microsecond for a 900-character JWT); a client that sends the same header as the
  // previous request, as a busy client does for the hour its token lives, gets the answer from one
  // string comparison, which fails within the first few differing characters otherwise.
  let lastValue = ''
  let lastToken = ''
  return {
    description: 'Authorization header',
    read(request) {
      const value = request.header('authorization')
      if (value === undefined || value === '') return undefined
      // RFC 9110 §5.3: Authorization is not a list; two fields are refused, not one of them picked.
      if (request.headerCount !== undefined && request.headerCount('authorization') > 1) {
        throw new AuthError('invalid_request', 'the Authorization header is sent more than once')
      }
      if (value === lastValue) return lastToken
      const match = CREDENTIALS.exec(value)
      if (match === null) {
        if (!SCHEME.test(value)) return undefined
        throw new AuthError(
          'invalid_request',
          'the Authorization header is not of the form "Bearer <token>"',
        )
      }
      const token = match[1] as string
      lastValue = value
      lastToken = token
      return token
    },
  }
}
