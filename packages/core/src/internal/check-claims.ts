import { AuthError } from '../errors/auth-error.js'
import type { JwtClaims } from '../verify/types.js'

function numericDate(
  claims: JwtClaims,
  name: 'exp' | 'nbf' | 'iat' | 'auth_time',
  required: boolean,
): number | undefined {
  const value = claims[name]
  if (value === undefined) {
    if (required) throw new AuthError('invalid_claims', `the token has no ${name} claim`)
    return undefined
  }
  // RFC 7519 §2 NumericDate: a JSON number. Strings, booleans, NaN-producing values and infinities are refused.
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AuthError('invalid_claims', `the ${name} claim is not a number`)
  }
  // Seconds since 1970 that a double holds exactly: `exp: 1e300` or `2**53 + 1` is no date an
  // issuer writes, and arithmetic on it (exp - iat, exp * 1000) loses meaning. Before 1970 neither.
  if (!(value >= 0 && value <= Number.MAX_SAFE_INTEGER)) {
    throw new AuthError(
      'invalid_claims',
      `the ${name} claim is not a NumericDate between 0 and 2^53 - 1 seconds`,
    )
  }
  return value
}

/**
 * The registered time claims (RFC 7519 §4.1.4, §4.1.5, §4.1.6), with `tolerance` seconds of leeway.
 * Each (and `auth_time`, OpenID Connect Core §2) is a finite number from 0 to 2^53 - 1.
 * `exp` is required: a bearer token that never expires is not accepted. With `maxAge` (seconds),
 * `iat` is required too and the token expires `maxAge` after it, whatever its `exp` says.
 *
 * @returns when the token stops being valid, in seconds (its `exp`, or earlier under `maxAge`)
 * @throws AuthError `invalid_claims`, `token_expired`, `token_not_yet_valid`
 */
export function checkTimes(
  claims: JwtClaims,
  now: number,
  tolerance: number,
  maxAge?: number,
): number {
  const exp = numericDate(claims, 'exp', true) as number
  const nbf = numericDate(claims, 'nbf', false)
  const iat = numericDate(claims, 'iat', maxAge !== undefined)
  // OpenID Connect Core §2: auth_time, when present, is a NumericDate too.
  if (claims['auth_time'] !== undefined) numericDate(claims, 'auth_time', false)
  if (now - tolerance >= exp) throw new AuthError('token_expired', 'the token has expired')
  if (nbf !== undefined && now + tolerance < nbf)
    throw new AuthError('token_not_yet_valid', 'the token is not valid yet (nbf)')
  if (iat !== undefined && now + tolerance < iat)
    throw new AuthError('token_not_yet_valid', 'the token was issued in the future (iat)')
  if (maxAge === undefined || iat === undefined) return exp
  const end = iat + maxAge
  if (now - tolerance >= end) {
    throw new AuthError('token_expired', 'the token is older than the accepted maximum age (iat)')
  }
  return Math.min(exp, end)
}

/**
 * RFC 7519 §4.1.3: the token is for us when `aud` (a string, or an array of strings) names at least
 * one accepted audience. An empty array names none. Other entries in the array are allowed: a token
 * may serve several APIs (Auth0 adds its `/userinfo` audience).
 *
 * @throws AuthError `invalid_audience`
 */
export function checkAudience(claims: JwtClaims, accepted: ReadonlySet<string>): void {
  const aud = claims.aud
  if (typeof aud === 'string') {
    if (accepted.has(aud)) return
  } else if (Array.isArray(aud)) {
    if (aud.some((entry) => typeof entry !== 'string')) {
      throw new AuthError('invalid_audience', 'the aud claim holds a value that is not a string')
    }
    if (aud.some((entry: string) => accepted.has(entry))) return
  } else if (aud === undefined) {
    throw new AuthError('invalid_audience', 'the token has no aud claim')
  }
  throw new AuthError('invalid_audience', 'the token is not meant for this audience (aud)')
}

const NONE: readonly string[] = Object.freeze([])

/** Gathers values from space-separated string claims (RFC 8693 §4.2) and array claims. */
export function collect(claims: JwtClaims, names: readonly string[]): readonly string[] {
  // One shared frozen empty list: most verifiers have no group claim, and every cached token kept one.
  if (names.length === 0) return NONE
  const values: string[] = []
  for (const name of names) {
    const value = claims[name]
    if (typeof value === 'string') {
      // split(' ') without the intermediate array: this runs for every new token.
      let from = 0
      for (;;) {
        const space = value.indexOf(' ', from)
        const end = space === -1 ? value.length : space
        if (end > from) values.push(value.slice(from, end))
        if (space === -1) break
        from = space + 1
      }
    } else if (Array.isArray(value)) {
      for (const part of value) if (typeof part === 'string' && part !== '') values.push(part)
    }
  }
  return names.length > 1 ? unique(values) : values
}

// First occurrences in order, as `[...new Set(values)]`; a short list (a token's few scopes) is
// searched in place rather than hashed into a Set.
function unique(values: string[]): string[] {
  if (values.length > 16) return [...new Set(values)]
  const out: string[] = []
  for (const value of values) if (!out.includes(value)) out.push(value)
  return out
}

/** Freezes a claims tree, so a cached result shared by requests cannot be changed by one of them. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    // Values straight from JSON.parse: own data properties only, most of them strings and numbers,
    // so recurse only into objects. Object.values gives the same items as a for-in over own keys,
    // for less.
    const items: readonly unknown[] = Array.isArray(value) ? value : Object.values(value)
    for (let index = 0; index < items.length; index++) {
      const item = items[index]
      if (typeof item === 'object' && item !== null) deepFreeze(item)
    }
  }
  return value
}
