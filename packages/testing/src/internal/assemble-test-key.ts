import { createHash, type KeyObject } from 'node:crypto'
import type { Algorithm } from '@cloudauth/core'
import type { TestKey, TestPublicJwk } from '../keys/generate-test-key.js'
import { selfSignedCertificate, type CertificateDigest } from './self-signed-certificate.js'

/**
 * The RFC 7638 §3 thumbprint: SHA-256 over the required members of the JWK, in lexicographic
 * order, with no whitespace; base64url.
 */
function thumbprint(jwk: Record<string, unknown>): string {
  const required: Record<string, readonly string[]> = {
    RSA: ['e', 'kty', 'n'],
    EC: ['crv', 'kty', 'x', 'y'],
    OKP: ['crv', 'kty', 'x'],
  }
  const members = required[String(jwk['kty'])] ?? []
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name]])))
  return createHash('sha256').update(canonical).digest('base64url')
}

function certificateDigest(alg: Algorithm): CertificateDigest {
  if (alg.endsWith('384')) return 'sha384'
  if (alg.endsWith('512')) return 'sha512'
  return 'sha256'
}

/**
 * Builds a {@link TestKey} around an existing key pair: public JWK, PEM and certificate. Used for
 * fresh keys and for keys read back from a dev issuer's key file.
 */
export function assembleTestKey(
  alg: Algorithm,
  privateKey: KeyObject,
  publicKey: KeyObject,
  options: { readonly kid?: string; readonly commonName?: string } = {},
): TestKey {
  const exported = publicKey.export({ format: 'jwk' }) as Record<string, unknown>
  const kid = options.kid ?? thumbprint(exported)
  const publicJwk = Object.freeze({ ...exported, kid, alg, use: 'sig' }) as TestPublicJwk
  const now = Date.now()
  const day = 86_400_000
  const x509Pem = selfSignedCertificate({
    privateKey,
    publicKey,
    commonName: options.commonName ?? 'cloudauth-testing',
    digest: certificateDigest(alg),
    // Wide validity, so that fake clocks set far from today still see a current certificate.
    notBefore: new Date(now - 365 * day),
    notAfter: new Date(now + 10 * 365 * day),
  })
  return Object.freeze({
    kid,
    alg,
    privateKey,
    publicKey,
    publicJwk,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    x509Pem,
  })
}
