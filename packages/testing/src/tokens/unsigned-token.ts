import type { JsonObject } from './sign-token.js'
import { encodeJsonSegment } from '../internal/jws.js'
import { withTimes } from '../internal/time.js'

/** Options of {@link unsignedToken}. */
export interface UnsignedTokenOptions {
  /** Merged over `{ alg: 'none', typ: 'JWT' }`; `undefined` removes a parameter. */
  readonly header?: JsonObject
  /** The current time in seconds. Default: `Date.now()`. */
  readonly now?: number
  /** Lifetime in seconds. Default 3600. */
  readonly expiresIn?: number
}

/**
 * An Unsecured JWS (RFC 7515 Appendix A.5, RFC 7519 §6): header `alg: none`, an empty signature,
 * as the Firebase Auth emulator issues. `iat` and `exp` are added unless present in `claims`.
 * A verifier must refuse these unless explicitly in emulator mode (RFC 8725 §3.1).
 *
 * @example
 * ```ts
 * const token = unsignedToken({ sub: 'u1' })                          // header {"alg":"none","typ":"JWT"}
 * const upper = unsignedToken({ sub: 'u1' }, { header: { alg: 'NONE' } })
 * ```
 */
export function unsignedToken(claims: JsonObject = {}, options: UnsignedTokenOptions = {}): string {
  const payload = withTimes(claims, options.now, options.expiresIn)
  const header = { alg: 'none', typ: 'JWT', ...options.header }
  return `${encodeJsonSegment(header)}.${encodeJsonSegment(payload)}.`
}
