import { ConfigError } from '../errors/config-error.js'
import type { ConfigProblems } from './config-problems.js'

const PROBLEM = 'must be a claim name, such as sub or email'

/**
 * A provider's `userId` option: the claim that holds the user's id (`user.id`), `'sub'` when
 * unset. The same option, with the same default, in every provider and in `userFromClaims`.
 *
 * @param value - what the caller gave; `undefined` gives `'sub'`
 * @param problems - collect a bad value here instead of throwing (and get `'sub'` back)
 * @example
 * ```ts
 * const userId = userIdClaim(options.userId, problems) // 'sub', or 'email' when configured
 * ```
 * @throws ConfigError `userId` when the value is not a non-empty string, unless `problems` is given
 */
export function userIdClaim(value: unknown, problems?: ConfigProblems): string {
  if (value === undefined) return 'sub'
  if (typeof value === 'string' && value !== '') return value
  if (problems === undefined) throw new ConfigError('userId', PROBLEM)
  problems.add('userId', PROBLEM)
  return 'sub'
}
