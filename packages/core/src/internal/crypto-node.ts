import { constants, createPublicKey, verify, type KeyObject } from 'node:crypto'
import { Buffer } from 'node:buffer'
import type { SignatureBackend, KeyMaterial } from './backend.js'
import type { Algorithm } from '../verify/types.js'
import { describeKeyMismatch, ecSignatureLength } from './key-rules.js'

const HASH: Record<Algorithm, string | null> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
}

function toKeyObject(material: KeyMaterial): KeyObject {
  if ('jwk' in material) return createPublicKey({ key: material.jwk as never, format: 'jwk' })
  return createPublicKey(material.pem)
}

/**
 * node:crypto signatures: keys become `KeyObject`s once, at import, and `crypto.verify` runs
 * synchronously, with no WebCrypto promise per verify.
 */
export const backend: SignatureBackend = {
  name: 'node',
  importKey(material, alg) {
    const key = toKeyObject(material)
    const details = key.asymmetricKeyDetails ?? {}
    const mismatch = describeKeyMismatch(alg, {
      type: key.asymmetricKeyType ?? 'unknown',
      modulusLength: details.modulusLength,
      namedCurve: details.namedCurve,
    })
    if (mismatch !== undefined) throw new Error(mismatch)
    const options = alg.startsWith('PS')
      ? {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        }
      : alg.startsWith('ES')
        ? { key, dsaEncoding: 'ieee-p1363' as const }
        : key
    return options
  },
  verify(alg, key, signingInput, signature) {
    const expected = ecSignatureLength(alg)
    if (expected !== undefined && signature.length !== expected) return false
    try {
      return verify(HASH[alg], Buffer.from(signingInput, 'latin1'), key as KeyObject, signature)
    } catch {
      return false
    }
  },
  decode(segment) {
    // Buffer's decoder is lenient (it skips stray characters and takes + and / too), so a segment
    // is canonical exactly when re-encoding the bytes gives it back. Cheaper than a regex pass over
    // the segment followed by the decode, and the bytes come out of the same step.
    const bytes = Buffer.from(segment, 'base64url')
    return bytes.toString('base64url') === segment ? bytes : undefined
  },
}
