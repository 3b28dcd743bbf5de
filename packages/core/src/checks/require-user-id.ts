import { AuthError } from '../errors/auth-error.js'
import type { JwtClaims } from '../verify/types.js'

/**
 * Checks that the claim configured as the user's id (a provider's `userId` option, `sub` by
 * default) is a non-empty string. Providers run it when they verify, so a token without it fails
 * there, clearly, rather than giving a user without an id; `userFromClaims` runs it when it maps.
 *
 * @param claims - the verified claims
 * @param claim - the claim's name, such as `'sub'` or `'email'`
 * @example
 * ```ts
 * const validate: ClaimsCheck = (claims) => requireUserId(claims, 'email')
 * ```
 * @throws AuthError `invalid_claims` naming the claim (never its value) when it is missing, empty
 *   or not a string
 */
export function requireUserId(claims: JwtClaims, claim: string): void {
  const value = claims[claim]
  if (typeof value === 'string' && value !== '') return
  throw new AuthError(
    'invalid_claims',
    `the ${claim} claim, which identifies the user (userId), is missing or not a non-empty string`,
  )
}
