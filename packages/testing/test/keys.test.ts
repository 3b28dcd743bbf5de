import { X509Certificate, createPublicKey } from 'node:crypto'
import { calculateJwkThumbprint, createLocalJWKSet, importJWK, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import {
  TEST_KEY_ALGORITHMS,
  defaultKey,
  generateTestKey,
  jwksOf,
  signToken,
  x509MapOf,
} from '@cloudauth/testing'

describe('generateTestKey', () => {
  // Through defaultKey(), which calls generateTestKey() and caches: the x509 tests below reuse
  // these keys rather than paying for RSA generation again.
  it.each(TEST_KEY_ALGORITHMS)(
    '%s: a public JWK with kid, alg and use, matching the private key',
    async (alg) => {
      const key = defaultKey(alg)
      expect(key.alg).toBe(alg)
      expect(key.publicJwk).toMatchObject({ kid: key.kid, alg, use: 'sig' })
      expect(key.publicJwk).not.toHaveProperty('d')
      expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/)
      // A token signed with the key verifies against the JWK with jose.
      const token = signToken({ key, claims: { sub: 'u1' } })
      const { payload, protectedHeader } = await jwtVerify(
        token,
        await importJWK(key.publicJwk, alg),
      )
      expect(payload.sub).toBe('u1')
      expect(protectedHeader).toEqual({ alg, kid: key.kid, typ: 'JWT' })
    },
  )

  it('defaults to RS256 with a 2048-bit modulus and an RFC 7638 thumbprint kid', async () => {
    const key = generateTestKey()
    expect(key.alg).toBe('RS256')
    expect(key.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048)
    // RFC 7638 §3.1 example format: 43 base64url characters of a SHA-256 digest.
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk))
  })

  it.each(['ES256', 'EdDSA'] as const)(
    '%s: the default kid is the jose JWK thumbprint',
    async (alg) => {
      const key = generateTestKey(alg)
      expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk))
    },
  )

  it('uses the given kid', () => {
    expect(generateTestKey('ES256', { kid: 'my-key' }).publicJwk.kid).toBe('my-key')
  })

  it('uses the right curve for each ES algorithm and Ed25519 for EdDSA', () => {
    expect(generateTestKey('ES256').publicJwk.crv).toBe('P-256')
    expect(generateTestKey('ES384').publicJwk.crv).toBe('P-384')
    expect(generateTestKey('ES512').publicJwk.crv).toBe('P-521')
    expect(generateTestKey('EdDSA').publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
  })

  it('refuses algorithms without a key pair', () => {
    expect(() => generateTestKey('HS256' as never)).toThrow(TypeError)
    expect(() => generateTestKey('none' as never)).toThrow(TypeError)
  })

  it('makes a new key each time', () => {
    expect(generateTestKey('ES256').kid).not.toBe(generateTestKey('ES256').kid)
  })
})

describe('x509Pem', () => {
  it.each(TEST_KEY_ALGORITHMS)('%s: parses as a self-signed certificate for the key', (alg) => {
    const key = defaultKey(alg)
    const cert = new X509Certificate(key.x509Pem)
    // Its public key is the key's public key.
    expect(cert.publicKey.export({ format: 'jwk' })).toEqual(
      key.publicKey.export({ format: 'jwk' }),
    )
    expect(cert.publicKey.equals(createPublicKey(key.publicKeyPem))).toBe(true)
    // Self-signed: the signature verifies with its own key, subject equals issuer.
    expect(cert.verify(cert.publicKey)).toBe(true)
    // checkIssued() is false on purpose: like Google's, the certificate may sign data only
    // (keyUsage digitalSignature), not certificates.
    expect(cert.checkIssued(cert)).toBe(false)
    expect(cert.subject).toBe('CN=cloudauth-testing')
    expect(cert.issuer).toBe('CN=cloudauth-testing')
    expect(cert.ca).toBe(false)
    const now = Date.now()
    expect(new Date(cert.validFrom).getTime()).toBeLessThan(now)
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(now)
  })

  it('names the given common name', () => {
    const cert = new X509Certificate(
      generateTestKey('ES256', { commonName: 'securetoken.test' }).x509Pem,
    )
    expect(cert.subject).toBe('CN=securetoken.test')
    expect(cert.issuer).toBe('CN=securetoken.test')
  })

  it('does not verify under another key', () => {
    const cert = new X509Certificate(generateTestKey('ES256').x509Pem)
    expect(cert.verify(generateTestKey('ES256').publicKey)).toBe(false)
  })

  it('has a positive serial number', () => {
    const cert = new X509Certificate(generateTestKey('EdDSA').x509Pem)
    expect(cert.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/)
  })

  it('works with jose importX509 (how verifiers read Google key maps)', async () => {
    const key = defaultKey()
    const { importX509 } = await import('jose')
    const publicKey = await importX509(key.x509Pem, 'RS256')
    const token = signToken({ key, claims: { sub: 'u1' } })
    await expect(jwtVerify(token, publicKey)).resolves.toMatchObject({ payload: { sub: 'u1' } })
  })
})

describe('defaultKey', () => {
  it('returns the same key per algorithm and slot', () => {
    expect(defaultKey()).toBe(defaultKey('RS256'))
    expect(defaultKey('RS256', 1)).toBe(defaultKey('RS256', 1))
    expect(defaultKey('RS256', 1).kid).not.toBe(defaultKey('RS256').kid)
    expect(defaultKey('ES256').alg).toBe('ES256')
    expect(defaultKey().kid).toBe('cloudauth-test-rs256-0')
  })
})

describe('jwksOf and x509MapOf', () => {
  it('lists the public JWKs in order, and jose verifies against the set', async () => {
    const a = defaultKey()
    const b = defaultKey('ES256')
    const jwks = jwksOf(a, b)
    expect(jwks.keys.map((k) => k.kid)).toEqual([a.kid, b.kid])
    const keySet = createLocalJWKSet(jwks)
    const token = signToken({ key: b, claims: { sub: 'u2' } })
    await expect(jwtVerify(token, keySet)).resolves.toMatchObject({ payload: { sub: 'u2' } })
  })

  it('maps kids to certificates', () => {
    const a = defaultKey()
    expect(x509MapOf(a)).toEqual({ [a.kid]: a.x509Pem })
  })
})
