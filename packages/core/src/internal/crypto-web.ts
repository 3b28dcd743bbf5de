import { base64url, importJWK, importX509 } from 'jose'
import type { SignatureBackend } from './backend.js'
import type { Algorithm } from '../verify/types.js'
import { isCanonicalBase64url } from './base64url.js'
import { describeKeyMismatch, ecSignatureLength } from './key-rules.js'

type Params = AlgorithmIdentifier | RsaPssParams | EcdsaParams

const PARAMS: Record<Algorithm, Params> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  RS384: { name: 'RSASSA-PKCS1-v1_5' },
  RS512: { name: 'RSASSA-PKCS1-v1_5' },
  PS256: { name: 'RSA-PSS', saltLength: 32 },
  PS384: { name: 'RSA-PSS', saltLength: 48 },
  PS512: { name: 'RSA-PSS', saltLength: 64 },
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  ES384: { name: 'ECDSA', hash: 'SHA-384' },
  ES512: { name: 'ECDSA', hash: 'SHA-512' },
  EdDSA: { name: 'Ed25519' },
}

const encoder = new TextEncoder()

function details(key: CryptoKey): { type: string; modulusLength?: number; namedCurve?: string } {
  const algorithm = key.algorithm as Partial<RsaHashedKeyAlgorithm & EcKeyAlgorithm>
  const name = key.algorithm.name
  if (name === 'RSASSA-PKCS1-v1_5' || name === 'RSA-PSS') {
    return algorithm.modulusLength === undefined
      ? { type: 'rsa' }
      : { type: 'rsa', modulusLength: algorithm.modulusLength }
  }
  if (name === 'ECDSA') {
    const curve = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' }[
      algorithm.namedCurve ?? ''
    ]
    return curve === undefined ? { type: 'ec' } : { type: 'ec', namedCurve: curve }
  }
  return { type: name.toLowerCase() }
}

/** WebCrypto signatures through jose's key import, for runtimes without node:crypto. */
export const backend: SignatureBackend = {
  name: 'web',
  async importKey(material, alg) {
    const key =
      'jwk' in material
        ? ((await importJWK({ ...material.jwk, alg, ext: true } as never, alg)) as CryptoKey)
        : await importX509(material.pem, alg)
    const mismatch = describeKeyMismatch(alg, details(key))
    if (mismatch !== undefined) throw new Error(mismatch)
    return key
  },
  async verify(alg, key, signingInput, signature) {
    const expected = ecSignatureLength(alg)
    if (expected !== undefined && signature.length !== expected) return false
    try {
      return await crypto.subtle.verify(
        PARAMS[alg],
        key as CryptoKey,
        signature as BufferSource,
        encoder.encode(signingInput),
      )
    } catch {
      return false
    }
  },
  decode(segment) {
    return isCanonicalBase64url(segment) ? base64url.decode(segment) : undefined
  },
}
