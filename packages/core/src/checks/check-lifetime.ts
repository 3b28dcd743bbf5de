import { AuthError } from '../errors/auth-error.js'
import type { JwtClaims } from '../verify/types.js'

/**
 * Refuses a token whose lifetime is longer than `maxLifetime` seconds: `exp - iat` when the token
 * has an `iat`, else `exp - now` (what is left of it, a lower bound of its lifetime). Providers
 * run it with their ceiling (`maxTokenLifetime`), after core has checked that `exp` and `iat` are
 * NumericDates (RFC 7519 §2, §4.1.4, §4.1.6): an issuer does not mint a Firebase ID token for a
 * year, so such a token was not minted by it, or was minted with a stolen key for lasting use.
 *
 * @param claims - the verified claims
 * @param maxLifetime - the ceiling in seconds; `null` checks nothing
 * @param now - the verifier's clock, in seconds
 * @example
 * ```ts
 * const validate: ClaimsCheck = (claims, _header, { now }) => checkLifetime(claims, 3600, now)
 * ```
 * @throws AuthError `invalid_claims` naming the ceiling (a configured number, never a token value)
 */
export function checkLifetime(claims: JwtClaims, maxLifetime: number | null, now: number): void {
  if (maxLifetime === null) return
  const { exp, iat } = claims
  // Core refuses a token without a numeric exp before any provider check; fail closed regardless.
  if (typeof exp !== 'number')
    throw new AuthError('invalid_claims', 'the exp claim is missing or not a number')
  const lifetime = exp - (typeof iat === 'number' ? iat : now)
  if (lifetime > maxLifetime)
    throw new AuthError(
      'invalid_claims',
      `the token lives longer (exp - iat) than the ${maxLifetime} s this provider's tokens may (maxTokenLifetime)`,
    )
}
