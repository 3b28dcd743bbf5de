import type { Algorithm, PublicJwk } from '../verify/types.js'

/** Key material as published: a JWK, or a PEM X.509 certificate (Google's `x509` key maps). */
export type KeyMaterial = { readonly jwk: PublicJwk } | { readonly pem: string }

/**
 * The signature layer, chosen by the `#crypto` import condition (package.json `imports`): node:crypto
 * where it exists (Node, Bun, Deno), WebCrypto elsewhere. Both must give identical verdicts.
 */
export interface SignatureBackend {
  readonly name: 'node' | 'web'
  /** Imports a public key for `alg`. Throws when the material does not suit `alg`. */
  importKey(material: KeyMaterial, alg: Algorithm): unknown
  /** Checks a JWS signature over the ASCII signing input (RFC 7515 §5.2). Never throws. */
  verify(
    alg: Algorithm,
    key: unknown,
    signingInput: string,
    signature: Uint8Array,
  ): boolean | Promise<boolean>
  /**
   * Decodes one token segment, or `undefined` unless it is canonical unpadded base64url (RFC 7515
   * §2): exactly one spelling per byte string, so a token cannot be re-spelled past the cache key.
   */
  decode(segment: string): Uint8Array | undefined
}
