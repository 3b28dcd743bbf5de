import { AuthError } from '../errors/auth-error.js'
import type { VerifiedToken } from '../verify/types.js'

/** `'all'`: every listed value is required. `'any'`: at least one. */
export type MatchMode = 'all' | 'any'

// Plain loops: this runs on every request of a scoped route, and scope lists are short.
function matches(held: readonly string[], required: readonly string[], mode: MatchMode): boolean {
  if (mode === 'all') {
    for (const value of required) if (!held.includes(value)) return false
    return true
  }
  if (required.length === 0) return true
  for (const value of required) if (held.includes(value)) return true
  return false
}

/**
 * True when the token holds the `required` scopes (all of them, or any one).
 * An empty `required` list is always met.
 *
 * @example
 * ```ts
 * if (hasScopes(verified, ['read:users'])) { ... }
 * ```
 */
export function hasScopes(
  verified: Pick<VerifiedToken, 'scopes'>,
  required: readonly string[],
  mode: MatchMode = 'all',
): boolean {
  return matches(verified.scopes, required, mode)
}

/**
 * Throws `insufficient_scope` (403, RFC 6750 §3.1) unless the token holds the `required` scopes;
 * the challenge lists them in its `scope` attribute.
 *
 * @example
 * ```ts
 * requireScopes(verified, ['read:users', 'admin'], 'any')
 * ```
 * @throws AuthError `insufficient_scope`
 */
export function requireScopes(
  verified: Pick<VerifiedToken, 'scopes'>,
  required: readonly string[],
  mode: MatchMode = 'all',
): void {
  if (!matches(verified.scopes, required, mode)) {
    throw new AuthError(
      'insufficient_scope',
      mode === 'all'
        ? 'the token lacks a required scope'
        : 'the token holds none of the accepted scopes',
      { scope: required },
    )
  }
}

/**
 * Throws `insufficient_scope` (403) unless the token's groups (for example `cognito:groups`)
 * include the `required` ones.
 *
 * @example
 * ```ts
 * requireGroups(verified, ['admin'])
 * ```
 * @throws AuthError `insufficient_scope`
 */
export function requireGroups(
  verified: Pick<VerifiedToken, 'groups'>,
  required: readonly string[],
  mode: MatchMode = 'all',
): void {
  if (!matches(verified.groups, required, mode)) {
    throw new AuthError(
      'insufficient_scope',
      mode === 'all'
        ? 'the token lacks a required group'
        : 'the token is in none of the accepted groups',
      { scope: required },
    )
  }
}
