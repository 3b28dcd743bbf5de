import type { Algorithm } from '@cloudauth/core'
import type { TestKey } from '../keys/generate-test-key.js'
import { base64urlOf, encodeJsonSegment, signJws } from '../internal/jws.js'

/** Options of {@link forgeToken}. Every part is optional and may be anything. */
export interface ForgeTokenOptions {
  /**
   * The header. A string is used verbatim as the already encoded segment (build one with
   * {@link b64url}, or pass `'!!!'` for characters outside base64url); any other value is
   * JSON-encoded, arrays and numbers included. Default `{ alg: 'none', typ: 'JWT' }`.
   */
  readonly header?: unknown
  /** The payload, read like `header`. Default `{}`. */
  readonly payload?: unknown
  /**
   * The signature segment: a string verbatim, bytes base64url-encoded, `null` for no third
   * segment at all (a two-segment token). Default: signed with `key` when one is given, else `''`.
   */
  readonly signature?: string | Uint8Array | null
  /** Signs `header.payload` as they were encoded (unless `signature` is given). */
  readonly key?: TestKey
  /** The algorithm `key` signs with. Default `key.alg`. */
  readonly alg?: Algorithm
  /** Segments appended after the signature, for four- and five-segment tokens. */
  readonly extraSegments?: readonly string[]
}

function segment(value: unknown): string {
  return typeof value === 'string' ? value : encodeJsonSegment(value)
}

/**
 * Builds a token from raw parts, with no checks at all, for attack and robustness tests of a
 * verifier: `alg: none`, wrong segment counts, headers or payloads that are not JSON objects,
 * non-base64url characters, a valid signature over an unusual header. No time claims are added.
 *
 * @example
 * ```ts
 * forgeToken({ header: { alg: 'none' }, payload: { sub: 'admin' } })              // unsigned
 * forgeToken({ header: { alg: 'RS256', kid }, payload: [1, 2], key })             // signed, payload not an object
 * forgeToken({ payload: {}, signature: null })                                    // two segments
 * forgeToken({ header: { alg: 'RS256', kid, crit: ['exp'] }, payload: claims, key }) // unknown crit
 * ```
 */
export function forgeToken(options: ForgeTokenOptions = {}): string {
  const header = segment(
    options.header === undefined ? { alg: 'none', typ: 'JWT' } : options.header,
  )
  const payload = segment(options.payload === undefined ? {} : options.payload)
  const signingInput = `${header}.${payload}`
  let signature: string | null
  if (options.signature === null) signature = null
  else if (typeof options.signature === 'string') signature = options.signature
  else if (options.signature !== undefined) signature = base64urlOf(options.signature)
  else if (options.key) {
    signature = base64urlOf(
      signJws(options.alg ?? options.key.alg, signingInput, options.key.privateKey),
    )
  } else signature = ''
  return [
    signingInput,
    ...(signature === null ? [] : [signature]),
    ...(options.extraSegments ?? []),
  ].join('.')
}
