import type { KeyMaterial } from '../internal/backend.js'
import type { Algorithm, JsonWebKeySet, KeySetFormat, PublicJwk } from '../verify/types.js'

/** One usable public key from a key set, imported lazily once per algorithm. */
export interface KeyEntry {
  readonly kid: string
  /** The JWK's `alg` (RFC 7517 §4.4), when it names one: the token's `alg` must then equal it. */
  readonly alg: string | undefined
  readonly material: KeyMaterial
  /** Imported keys by algorithm; a `Promise` while a WebCrypto import runs. */
  readonly imported: Map<Algorithm, unknown>
}

/** A parsed key set, and the keys that were skipped with why. */
export interface ParsedKeySet {
  readonly keys: ReadonlyMap<string, KeyEntry>
  readonly skipped: readonly { readonly kid: string | undefined; readonly reason: string }[]
}

const KTYS = new Set(['RSA', 'EC', 'OKP'])
const PEM_CERT = /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/

function jwkProblem(jwk: Record<string, unknown>): string | undefined {
  if (typeof jwk.kid !== 'string' || jwk.kid === '') return 'no kid'
  if (typeof jwk.kty !== 'string' || !KTYS.has(jwk.kty)) return 'unsupported kty'
  // RFC 7517 §4.2, §4.3: a key meant for encryption, or not for verification, does not verify.
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'use is not "sig"'
  if (
    jwk.key_ops !== undefined &&
    (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes('verify'))
  ) {
    return 'key_ops does not allow "verify"'
  }
  if (jwk.alg !== undefined && typeof jwk.alg !== 'string') return 'alg is not a string'
  if ('d' in jwk || 'p' in jwk || 'k' in jwk) return 'private or symmetric key material'
  return undefined
}

/**
 * Reads a key set document: a JWKS (RFC 7517 §5) or a map of key id to PEM certificate. Unusable
 * keys are skipped (and reported), not fatal; a document with no usable key is an error.
 *
 * @throws Error when the document is not a key set or holds no usable key
 */
export function parseKeySet(document: unknown, format: KeySetFormat): ParsedKeySet {
  const keys = new Map<string, KeyEntry>()
  const skipped: { kid: string | undefined; reason: string }[] = []
  const duplicated = new Set<string>()
  const add = (kid: string, alg: string | undefined, material: KeyMaterial) => {
    // Two or more keys under one kid: trust none of them (remembered, so a third is not admitted).
    if (keys.has(kid) || duplicated.has(kid)) {
      skipped.push({ kid, reason: 'duplicate kid' })
      keys.delete(kid)
      duplicated.add(kid)
      return
    }
    keys.set(kid, { kid, alg, material, imported: new Map() })
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new Error('the key set is not a JSON object')
  }
  if (format === 'jwks') {
    const list = (document as { keys?: unknown }).keys
    if (!Array.isArray(list)) throw new Error('the key set has no "keys" array')
    for (const item of list as unknown[]) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        skipped.push({ kid: undefined, reason: 'not an object' })
        continue
      }
      const jwk = item as Record<string, unknown>
      const problem = jwkProblem(jwk)
      const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined
      if (problem !== undefined || kid === undefined) {
        skipped.push({ kid, reason: problem ?? 'no kid' })
        continue
      }
      add(kid, jwk.alg as string | undefined, { jwk: jwk as PublicJwk })
    }
  } else {
    for (const [kid, pem] of Object.entries(document)) {
      if (typeof pem !== 'string' || !PEM_CERT.test(pem)) {
        skipped.push({ kid, reason: 'not a PEM certificate' })
        continue
      }
      add(kid, undefined, { pem })
    }
  }
  if (keys.size === 0) throw new Error('the key set holds no usable key')
  return { keys, skipped }
}

/** The keys of a fixed `jwks` option, parsed once. */
export function staticKeySet(jwks: JsonWebKeySet): ParsedKeySet {
  return parseKeySet(jwks, 'jwks')
}
