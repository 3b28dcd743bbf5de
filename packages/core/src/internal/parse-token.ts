import { AuthError } from '../errors/auth-error.js'
import type { JwtClaims, JwtHeader } from '../verify/types.js'
import { backend } from '#crypto'

/** A compact JWS split and decoded, not yet trusted. */
export interface ParsedToken {
  readonly header: JwtHeader
  readonly claims: JwtClaims
  /** `base64url(header) . base64url(payload)`, the JWS signing input (RFC 7515 §5.2). */
  readonly signingInput: string
  /** The decoded signature; empty for an unsigned (`alg: none`) token. */
  readonly signature: Uint8Array
}

// ignoreBOM keeps a byte order mark in the text, so JSON.parse refuses it: RFC 8259 §8.1 forbids
// one in JSON sent over a network, and a parser that skips it reads other bytes than one that does not.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function decodeJsonObject(segment: string, part: 'header' | 'payload'): Record<string, unknown> {
  const bytes = segment === '' ? undefined : backend.decode(segment)
  if (bytes === undefined) {
    throw new AuthError('malformed_token', `the token ${part} is not base64url`)
  }
  let json: string
  let value: unknown
  try {
    json = utf8.decode(bytes)
    value = JSON.parse(json)
  } catch (cause) {
    throw new AuthError('malformed_token', `the token ${part} is not valid JSON`, { cause })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthError('malformed_token', `the token ${part} is not a JSON object`)
  }
  if (hasDuplicateMembers(json, value)) {
    throw new AuthError('malformed_token', `the token ${part} has a member twice`)
  }
  return value as Record<string, unknown>
}

/**
 * RFC 7515 §4 and RFC 7519 §4: a JOSE header or claims set with duplicate member names must be
 * rejected (or the last taken; taking the last lets two parsers disagree, so we reject).
 *
 * `JSON.parse` keeps one property per distinct name (decoded, so `"\u0069ss"` and `"iss"` are one),
 * so the text has a duplicate exactly when it has more top-level members than `value` has own
 * keys. Members are counted by the commas at depth 1 outside strings: no key is sliced or decoded,
 * which keeps this check cheap on the per-request path.
 */
function hasDuplicateMembers(json: string, value: object): boolean {
  const keys = Object.keys(value).length
  return keys !== 0 && topLevelCommas(json) + 1 !== keys
}

/** Commas at depth 1 outside strings, in text `JSON.parse` has already accepted. */
function topLevelCommas(json: string): number {
  let depth = 0
  let commas = 0
  let from = 0
  for (;;) {
    const quote = json.indexOf('"', from)
    const stop = quote === -1 ? json.length : quote
    for (let i = from; i < stop; i++) {
      const ch = json.charCodeAt(i)
      if (ch === 0x2c /* , */) {
        if (depth === 1) commas++
      } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) depth++
      else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) depth--
    }
    if (quote === -1) return commas
    // The closing quote is the first one not escaped, i.e. not after an odd run of backslashes.
    let end = json.indexOf('"', quote + 1)
    while (json.charCodeAt(end - 1) === 0x5c /* \ */) {
      let run = 1
      while (json.charCodeAt(end - 1 - run) === 0x5c) run++
      if (run % 2 === 0) break
      end = json.indexOf('"', end + 1)
    }
    if (end === -1) return commas // unreachable for text JSON.parse accepted; never loop forever
    from = end + 1
  }
}

/**
 * Splits a compact JWS into its three parts and decodes header and payload (RFC 7515 §7.1).
 * No trust is placed in anything returned.
 *
 * @throws AuthError `malformed_token`
 */
export function parseToken(token: string): ParsedToken {
  const first = token.indexOf('.')
  const second = first === -1 ? -1 : token.indexOf('.', first + 1)
  if (first === -1 || second === -1) {
    throw new AuthError('malformed_token', 'the token does not have three segments')
  }
  if (token.indexOf('.', second + 1) !== -1) {
    throw new AuthError(
      'malformed_token',
      token.split('.').length === 5
        ? 'encrypted tokens (JWE) are not accepted'
        : 'the token does not have three segments',
    )
  }
  const header = decodeJsonObject(token.slice(0, first), 'header') as JwtHeader
  const claims = decodeJsonObject(token.slice(first + 1, second), 'payload') as JwtClaims
  const signature = backend.decode(token.slice(second + 1))
  if (signature === undefined) {
    throw new AuthError('malformed_token', 'the token signature is not base64url')
  }
  return { header, claims, signingInput: token.slice(0, second), signature }
}
