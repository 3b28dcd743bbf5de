import { ConfigError } from '../errors/config-error.js'
import type { ConfigProblems } from './config-problems.js'

const PROBLEM = 'must be a claim name or a list of claim names'

/**
 * A provider option naming the claims that hold something (`scopeClaim`, `groupClaim`): one
 * claim name or a list of them, as the list core's `scopeClaims` and `groupClaims` take. An empty
 * list is allowed (no claim); an empty name is not.
 *
 * @param option - the option's name, for the error
 * @param value - what the caller gave; `undefined` gives `fallback`
 * @param fallback - the provider's default
 * @param problems - collect a bad value here instead of throwing (and get `[]` back)
 * @example
 * ```ts
 * const scopeClaims = claimNames('scopeClaim', options.scopeClaim, ['scope'])
 * const groupClaims = claimNames('groupClaim', options.groupClaim, [], problems)
 * ```
 * @throws ConfigError naming `option` when the value is neither, unless `problems` is given
 */
export function claimNames(
  option: string,
  value: unknown,
  fallback: readonly string[],
  problems?: ConfigProblems,
): readonly string[] {
  if (value === undefined) return fallback
  const list: unknown = typeof value === 'string' ? [value] : value
  if (Array.isArray(list) && list.every((name) => typeof name === 'string' && name !== ''))
    return [...(list as string[])]
  if (problems === undefined) throw new ConfigError(option, PROBLEM)
  problems.add(option, PROBLEM)
  return []
}
