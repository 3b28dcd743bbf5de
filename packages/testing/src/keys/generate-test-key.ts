import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { SUPPORTED_ALGORITHMS, type Algorithm, type PublicJwk } from '@cloudauth/core'
import type { JWK } from 'jose'
import { assembleTestKey } from '../internal/assemble-test-key.js'

/**
 * Every algorithm a {@link TestKey} can be made for: all that core verifies (`SUPPORTED_ALGORITHMS`,
 * the asymmetric JWS algorithms of RFC 7518 §3.1 and RFC 8037).
 */
export const TEST_KEY_ALGORITHMS: readonly Algorithm[] = Object.freeze([...SUPPORTED_ALGORITHMS])

/**
 * The public JWK of a {@link TestKey}: always with `kid`, `alg` and `use: 'sig'` (RFC 7517 §4).
 * Typed as both cloudauth's and jose's JWK, so it goes straight into `importJWK()`.
 */
export type TestPublicJwk = PublicJwk &
  JWK & {
    readonly kid: string
    readonly alg: Algorithm
    readonly use: 'sig'
  }

/** A signing key pair made for tests. Never commit one: make them at run time. */
export interface TestKey {
  /** Key id: the JWS `kid` header and the JWK's `kid`. */
  readonly kid: string
  /** The JWS algorithm this key signs with by default. */
  readonly alg: Algorithm
  /** The private key (node:crypto; jose accepts it too). */
  readonly privateKey: KeyObject
  /** The public key (node:crypto). */
  readonly publicKey: KeyObject
  /** The public key as a JWK, ready for a JWKS. */
  readonly publicJwk: TestPublicJwk
  /** The public key as a PEM SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`). */
  readonly publicKeyPem: string
  /**
   * A self-signed X.509 certificate for the public key in PEM, as Google serves in its
   * `{ kid: pem }` key maps (Firebase session cookies, securetoken x509 keys).
   */
  readonly x509Pem: string
}

/** Options of {@link generateTestKey}. */
export interface GenerateTestKeyOptions {
  /** Key id. Default: the RFC 7638 JWK thumbprint of the public key. */
  readonly kid?: string
  /** RSA modulus size in bits. Default 2048 (the smallest RFC 7518 §3.3 allows). */
  readonly modulusLength?: number
  /** Common name of the certificate. Default `'cloudauth-testing'`. */
  readonly commonName?: string
}

function generatePair(
  alg: Algorithm,
  modulusLength: number,
): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (alg) {
    case 'RS256':
    case 'RS384':
    case 'RS512':
    case 'PS256':
    case 'PS384':
    case 'PS512':
      // PS* keys are plain RSA keys (kty RSA): RSASSA-PSS is chosen at signing time (RFC 7518 §3.5).
      return generateKeyPairSync('rsa', { modulusLength, publicExponent: 0x10001 })
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    case 'ES384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' })
    case 'ES512':
      return generateKeyPairSync('ec', { namedCurve: 'P-521' })
    case 'EdDSA':
      return generateKeyPairSync('ed25519')
    default:
      throw new TypeError(`generateTestKey: unsupported algorithm ${String(alg)}`)
  }
}

/**
 * Makes a fresh key pair for one JWS algorithm, with its public JWK, PEM and a self-signed
 * X.509 certificate. RSA generation takes tens of milliseconds or more: reuse keys across a
 * suite with {@link defaultKey} unless a test needs a key of its own (rotation, wrong key).
 *
 * @param alg - `RS256` (default), `RS384`, `RS512`, `PS256`, `PS384`, `PS512`, `ES256`,
 *   `ES384`, `ES512` (P-521) or `EdDSA` (Ed25519, RFC 8037).
 * @throws TypeError for an algorithm outside that list (`HS256` and `none` have no key pair).
 *
 * @example
 * ```ts
 * const key = generateTestKey('ES256', { kid: 'rotated' })
 * const token = signToken({ key, claims: { sub: 'u1' } })
 * ```
 */
export function generateTestKey(
  alg: Algorithm = 'RS256',
  options: GenerateTestKeyOptions = {},
): TestKey {
  const { privateKey, publicKey } = generatePair(alg, options.modulusLength ?? 2048)
  return assembleTestKey(alg, privateKey, publicKey, options)
}
