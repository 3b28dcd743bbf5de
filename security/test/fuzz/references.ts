import type { AuthErrorCode, MatchMode } from '@cloudauth/core'
import { FUZZ_AUDIENCE, FUZZ_ISSUER, FUZZ_NOW, FUZZ_TOLERANCE } from './fuzz-context.js'

/**
 * Plain reference implementations, written from the specs and SECURITY.md rather than from core's
 * code, that the properties compare core against.
 */

/**
 * Scope and group matching: `'all'` needs every required value, `'any'` at least one. An empty
 * requirement is met (core's documented rule; the bindings refuse an empty list at construction).
 */
export function referenceMatches(
  held: readonly string[],
  required: readonly string[],
  mode: MatchMode,
): boolean {
  if (required.length === 0) return true
  let found = 0
  for (const value of required) {
    let has = false
    for (const h of held) if (h === value) has = true
    if (has) found++
  }
  return mode === 'all' ? found === required.length : found > 0
}

/** Scopes from a space-separated string or an array of strings (RFC 8693 §4.2), empty ones dropped. */
export function referenceScopes(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((part) => part !== '')
  if (Array.isArray(value))
    return value.filter((part): part is string => typeof part === 'string' && part !== '')
  return []
}

// RFC 7519 §2 as SECURITY.md bounds it: seconds from 0 to 2^53 - 1, fractions allowed.
const isNumericDate = (value: unknown): value is number =>
  typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER

/**
 * The verdict of RFC 7519's claim rules as SECURITY.md states them, for a token whose signature
 * and header are good: `undefined` when accepted, else the code. The order is the documented order
 * of checks: iss, then exp/nbf/iat/auth_time types, expiry, nbf, iat, then aud, then sub.
 */
export function referenceClaimsVerdict(
  claims: Readonly<Record<string, unknown>>,
): AuthErrorCode | undefined {
  if (claims.iss !== FUZZ_ISSUER) return 'invalid_issuer'
  const { exp, nbf, iat, aud } = claims
  if (!isNumericDate(exp)) return 'invalid_claims'
  if (nbf !== undefined && !isNumericDate(nbf)) return 'invalid_claims'
  if (iat !== undefined && !isNumericDate(iat)) return 'invalid_claims'
  if (claims.auth_time !== undefined && !isNumericDate(claims.auth_time)) return 'invalid_claims'
  if (FUZZ_NOW - FUZZ_TOLERANCE >= exp) return 'token_expired'
  if (nbf !== undefined && FUZZ_NOW + FUZZ_TOLERANCE < nbf) return 'token_not_yet_valid'
  if (iat !== undefined && FUZZ_NOW + FUZZ_TOLERANCE < iat) return 'token_not_yet_valid'
  if (typeof aud === 'string') {
    if (aud !== FUZZ_AUDIENCE) return 'invalid_audience'
  } else if (Array.isArray(aud)) {
    if (!aud.every((entry) => typeof entry === 'string')) return 'invalid_audience'
    if (!aud.includes(FUZZ_AUDIENCE)) return 'invalid_audience'
  } else {
    return 'invalid_audience'
  }
  if (claims.sub !== undefined && typeof claims.sub !== 'string') return 'invalid_claims'
  return undefined
}

/** One member of a JSON object as a model: its name and its value (itself a model or JSON). */
export interface MemberModel {
  readonly name: string
  readonly value: ValueModel
}
export type ValueModel =
  | { readonly kind: 'json'; readonly json: unknown }
  | { readonly kind: 'object'; readonly members: readonly MemberModel[] }

/** RFC 7515 §4 / RFC 7519 §4: a top-level member name used twice (compared after unescaping). */
export function referenceHasDuplicate(members: readonly MemberModel[]): boolean {
  const names = members.map((member) => member.name)
  return new Set(names).size !== names.length
}

/**
 * Writes a model as JSON text, members in order, with `space` around punctuation. Characters of
 * member names are escaped as \uXXXX where `escapes` says so, the pattern running on across the
 * whole text, so two spellings of one name differ as often as not.
 */
export function writeJson(
  members: readonly MemberModel[],
  escapes: readonly boolean[],
  space: string,
): string {
  let at = 0
  const escapeNext = () => escapes[at++ % Math.max(escapes.length, 1)] === true
  const spell = (text: string): string => {
    let out = '"'
    for (const char of text) {
      const forced = char.charCodeAt(0) < 0x20 || char === '"' || char === '\\'
      if (escapeNext() || forced) {
        for (const unit of char.split(''))
          out += `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`
      } else out += char
    }
    return `${out}"`
  }
  const write = (list: readonly MemberModel[]): string =>
    `{${space}${list
      .map(
        (m) =>
          `${spell(m.name)}${space}:${space}${m.value.kind === 'json' ? (JSON.stringify(m.value.json) ?? 'null') : write(m.value.members)}`,
      )
      .join(`,${space}`)}${space}}`
  return write(members)
}
