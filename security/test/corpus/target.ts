import type { Algorithm, AuthErrorCode, Verifier, VerifierOptions } from '@cloudauth/core'
import { forgeToken, type JsonObject, type TestKey } from '@cloudauth/testing'
import type { HttpHandler } from 'msw'
import type { AttackRow } from './attack-rows.js'

/**
 * One verifier configuration the corpus attacks: core on its own, or a provider. Everything a row
 * needs to build an attack that fails for exactly one reason: the right `iss`, the right audience,
 * the key the issuer publishes, the header the issuer writes.
 */
export interface Target {
  /** Names the target in test titles (`core`, `cognito-access`, ...). */
  readonly name: string
  /** The `iss` this verifier trusts. */
  readonly issuer: string
  /** Signs valid tokens; its public key is in the issuer's key set. */
  readonly key: TestKey
  /** An ES256 key in the issuer's key set, where the target accepts ES256 (core only). */
  readonly ecKey: TestKey | undefined
  /**
   * An RSA key published without `alg` (core only): the token's `alg` alone picks how it verifies,
   * the deepest layer of the RS/PS/ES confusion rows.
   */
  readonly unboundRsaKey: TestKey | undefined
  /** A key another trusted issuer publishes (core has two issuers); else a key nobody publishes. */
  readonly otherIssuerKey: TestKey
  /** The algorithms the target accepts. */
  readonly algorithms: readonly Algorithm[]
  /** The claim that names the intended recipient, and the value this target expects there. */
  readonly audience: { readonly claim: 'aud' | 'client_id'; readonly value: string }
  /** Longest token the verifier takes. */
  readonly maxTokenBytes: number
  /** msw handlers serving the target's key sets at their real URLs. */
  readonly handlers: readonly HttpHandler[]
  /** Builds a verifier; `overrides` are spread over the target's options (`now`, `cache`, ...). */
  verifier(overrides?: Partial<VerifierOptions>): Verifier
  /** The valid claims of a fresh token, `overrides` merged over them (`undefined` removes one). */
  claims(overrides?: JsonObject): Record<string, unknown>
  /** The header the issuer writes for `key` (Cognito writes no `typ`). */
  header(key?: TestKey): Record<string, unknown>
  /** Codes that differ from a row's default for this target, by row id. */
  readonly expected?: Readonly<Record<string, AuthErrorCode>>
  /**
   * Accepted rows (core's rules) that this target's stricter rules refuse, with the code: Cognito ID
   * tokens and Firebase tokens carry a string `aud`, so an array is not one of their tokens.
   */
  readonly refuses?: Readonly<Record<string, AuthErrorCode>>
  /** Attacks only this target has (token kinds, pools, tenants, projects). */
  readonly extraRows?: readonly AttackRow[]
}

/** Options of {@link mint}. */
export interface MintOptions {
  /** Merged over the target's header; `undefined` removes a parameter. */
  readonly header?: JsonObject
  /** Merged over the target's valid claims; `undefined` removes a claim. */
  readonly claims?: JsonObject
  /** Signs with this key (default: the target's). */
  readonly key?: TestKey
  /** Signs with this algorithm (default: the key's). */
  readonly alg?: Algorithm
  /** The signature segment verbatim, or bytes to encode, instead of signing. */
  readonly signature?: string | Uint8Array
}

/** A token for `target`, valid unless the options break it. Signed over exactly what it carries. */
export function mint(target: Target, options: MintOptions = {}): string {
  const key = options.key ?? target.key
  return forgeToken({
    header: {
      ...target.header(key),
      ...(options.alg === undefined ? {} : { alg: options.alg }),
      ...options.header,
    },
    payload: target.claims(options.claims),
    key,
    ...(options.alg === undefined ? {} : { alg: options.alg }),
    ...(options.signature === undefined ? {} : { signature: options.signature }),
  })
}

/** The three segments of a compact token. */
export function segments(token: string): [string, string, string] {
  const parts = token.split('.')
  if (parts.length !== 3) throw new Error('expected three segments')
  return parts as [string, string, string]
}
