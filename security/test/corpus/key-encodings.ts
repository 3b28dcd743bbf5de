import type { TestKey } from '@cloudauth/testing'

/** One way a public key can be written down, and so one HMAC secret an attacker may try. */
export interface KeyEncoding {
  readonly name: string
  readonly secret: string | Uint8Array
}

/**
 * Every encoding of a public key a verifier confused into HMAC might use as the secret (RFC 8725
 * §2.1, CVE-2015-9235, CVE-2016-10555, CVE-2022-29217): PEM and DER in each layout, the JWK as JSON
 * (as published and bare), the bare modulus or point, the certificate.
 */
export function keyEncodings(key: TestKey): readonly KeyEncoding[] {
  const jwk = key.publicJwk
  const spkiDer = key.publicKey.export({ type: 'spki', format: 'der' })
  const common: KeyEncoding[] = [
    { name: 'PEM (SPKI)', secret: key.publicKeyPem },
    { name: 'PEM (SPKI) without the final newline', secret: key.publicKeyPem.trimEnd() },
    { name: 'DER (SPKI)', secret: new Uint8Array(spkiDer) },
    { name: 'JWK JSON as published', secret: JSON.stringify(jwk) },
    { name: 'X.509 certificate PEM', secret: key.x509Pem },
  ]
  if (jwk.kty === 'RSA') {
    const n = jwk.n ?? ''
    return [
      ...common,
      {
        name: 'PEM (PKCS#1)',
        secret: key.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      },
      {
        name: 'DER (PKCS#1)',
        secret: new Uint8Array(key.publicKey.export({ type: 'pkcs1', format: 'der' })),
      },
      {
        name: 'JWK JSON, required members only',
        secret: JSON.stringify({ e: jwk.e, kty: 'RSA', n }),
      },
      { name: 'n only (base64url text)', secret: n },
      { name: 'n only (bytes)', secret: new Uint8Array(Buffer.from(n, 'base64url')) },
    ]
  }
  const x = Buffer.from(jwk.x ?? '', 'base64url')
  const y = Buffer.from(jwk.y ?? '', 'base64url')
  return [
    ...common,
    {
      name: 'JWK JSON, required members only',
      secret: JSON.stringify({ crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y }),
    },
    { name: 'x only (base64url text)', secret: jwk.x ?? '' },
    {
      name: 'uncompressed point (0x04 || x || y)',
      secret: new Uint8Array(Buffer.concat([Buffer.from([4]), x, y])),
    },
  ]
}
