import type { JsonObject } from './sign-token.js'
import { base64urlOf, encodeJsonSegment, hmacJws } from '../internal/jws.js'
import { withTimes } from '../internal/time.js'

/** Options of {@link hmacToken}. */
export interface HmacTokenOptions {
  /** The HMAC secret: for the algorithm-confusion attack, the RSA public key as PEM or JWK text. */
  readonly secret: string | Uint8Array
  readonly claims?: JsonObject
  /** Merged over `{ alg, typ: 'JWT' }`; add the victim key's `kid` here. `undefined` removes a parameter. */
  readonly header?: JsonObject
  /** Default `'HS256'`. */
  readonly alg?: 'HS256' | 'HS384' | 'HS512'
  readonly now?: number
  readonly expiresIn?: number
}

/**
 * An HMAC-signed JWT (RFC 7518 §3.2), for testing that a verifier refuses algorithm confusion:
 * a token "signed" with the issuer's public key used as an HMAC secret must never verify
 * (RFC 8725 §2.1, §3.1). cloudauth's own code never accepts HMAC tokens.
 *
 * @example
 * ```ts
 * const key = defaultKey()
 * const attack = hmacToken({ secret: key.publicKeyPem, header: { kid: key.kid }, claims: { sub: 'admin' } })
 * ```
 */
export function hmacToken(options: HmacTokenOptions): string {
  const alg = options.alg ?? 'HS256'
  const payload = withTimes(options.claims, options.now, options.expiresIn)
  const signingInput = `${encodeJsonSegment({ alg, typ: 'JWT', ...options.header })}.${encodeJsonSegment(payload)}`
  return `${signingInput}.${base64urlOf(hmacJws(alg, signingInput, options.secret))}`
}
