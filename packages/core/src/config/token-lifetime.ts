import { ConfigError } from '../errors/config-error.js'
import type { ConfigProblems } from './config-problems.js'

const PROBLEM = 'must be a positive whole number of seconds, or null to switch the ceiling off'

/**
 * A provider's `maxTokenLifetime` option: the longest lifetime (`exp - iat`, in seconds) a token
 * of that provider may claim. On by default with the provider's own ceiling (`fallback`); only an
 * explicit `null` switches it off, and an explicit number replaces it.
 *
 * @param value - what the caller gave: `undefined` for the default, a number, or `null`
 * @param fallback - the provider's ceiling, in seconds
 * @param problems - collect a bad value here instead of throwing (and get `fallback` back)
 * @example
 * ```ts
 * const maxLifetime = tokenLifetime(options.maxTokenLifetime, 86_400, problems) // Cognito: 1 day
 * ```
 * @throws ConfigError `maxTokenLifetime` for anything but a positive safe integer or `null`,
 *   unless `problems` is given
 */
export function tokenLifetime(
  value: unknown,
  fallback: number,
  problems?: ConfigProblems,
): number | null {
  if (value === undefined) return fallback
  if (value === null) return null
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value
  if (problems === undefined) throw new ConfigError('maxTokenLifetime', PROBLEM)
  problems.add('maxTokenLifetime', PROBLEM)
  return fallback
}
