import { base64urlOf } from '../internal/jws.js'

/**
 * base64url without padding (RFC 7515 §2) of UTF-8 text or bytes: a raw token segment, for
 * building broken tokens with {@link forgeToken} (a header that is not JSON, a payload that is a
 * JSON array, bytes that are not UTF-8).
 *
 * @example
 * ```ts
 * forgeToken({ header: b64url('not json'), payload: { sub: 'u1' } })
 * ```
 */
export function b64url(data: string | Uint8Array): string {
  return base64urlOf(data)
}
