import type { Algorithm } from '../verify/types.js'

const CURVE: Partial<Record<Algorithm, string>> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
}
const EC_SIG_LENGTH: Partial<Record<Algorithm, number>> = { ES256: 64, ES384: 96, ES512: 132 }

/** RFC 7518 §3.4: an ECDSA JWS signature is exactly R || S, each the curve's size. */
export function ecSignatureLength(alg: Algorithm): number | undefined {
  return EC_SIG_LENGTH[alg]
}

/**
 * Why a key cannot verify `alg`, or `undefined` when it can. RSA keys must be at least 2048 bits
 * (RFC 7518 §3.3); EC keys must be on the algorithm's curve (RFC 7518 §3.4), so no RS/PS/ES confusion.
 */
export function describeKeyMismatch(
  alg: Algorithm,
  key: {
    readonly type: string
    readonly modulusLength?: number | undefined
    readonly namedCurve?: string | undefined
  },
): string | undefined {
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    if (key.type !== 'rsa' && key.type !== 'rsa-pss') return `${alg} needs an RSA key`
    if (key.modulusLength !== undefined && key.modulusLength < 2048)
      return 'RSA keys must be at least 2048 bits'
    return undefined
  }
  if (alg.startsWith('ES')) {
    if (key.type !== 'ec') return `${alg} needs an EC key`
    if (key.namedCurve !== CURVE[alg]) return `${alg} needs a key on curve ${CURVE[alg] ?? '?'}`
    return undefined
  }
  // Ed448 is refused on every backend: WebCrypto (Node 20, most edge runtimes) cannot verify it, and
  // both backends must give the same verdict on every key (SECURITY.md).
  if (key.type !== 'ed25519') return 'EdDSA needs an Ed25519 key (Ed448 is not accepted)'
  return undefined
}
