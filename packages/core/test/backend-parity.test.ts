/**
 * Issue 10 #8: the node:crypto and WebCrypto backends give the same verdict on every key and token.
 * This file runs in the `core` project (node:crypto) and the `core-web` project (WebCrypto) against
 * ONE table of expected verdicts, so a backend that differs fails here. It crosses every supported
 * algorithm with every kind of key a JWKS can publish, for a good signature and a tampered one.
 */
import { Buffer } from 'node:buffer'
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import {
  SUPPORTED_ALGORITHMS,
  createVerifier,
  isAuthError,
  type Algorithm,
  type PublicJwk,
} from '@cloudauth/core'
import {
  AUDIENCE,
  ISSUER,
  assertNoLeaks,
  recordError,
  segment,
  standardClaims,
  track,
} from './helpers.js'

afterAll(assertNoLeaks)

type Kind =
  | 'rsa-2048'
  | 'rsa-1024'
  | 'ec-p256'
  | 'ec-p384'
  | 'ec-p521'
  | 'ec-secp256k1'
  | 'ed25519'
  | 'ed448'
  | 'x25519'

function generate(kind: Kind): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (kind) {
    case 'rsa-2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 })
    case 'rsa-1024':
      return generateKeyPairSync('rsa', { modulusLength: 1024 })
    case 'ec-p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    case 'ec-p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' })
    case 'ec-p521':
      return generateKeyPairSync('ec', { namedCurve: 'P-521' })
    case 'ec-secp256k1':
      return generateKeyPairSync('ec', { namedCurve: 'secp256k1' })
    case 'ed25519':
      return generateKeyPairSync('ed25519')
    case 'ed448':
      return generateKeyPairSync('ed448')
    case 'x25519':
      return generateKeyPairSync('x25519')
  }
}

/**
 * The one verdict both backends must give for a correctly signed token of `alg` under `kind`: a key
 * that serves no allowed algorithm is skipped from the set (`unknown_key`); one that serves others
 * refuses this one (`unsupported_algorithm`).
 */
function expected(kind: Kind, alg: Algorithm): 'ok' | 'unsupported_algorithm' | 'unknown_key' {
  if (!SUPPORTED_ALGORITHMS.some((other) => serves(kind, other))) return 'unknown_key'
  return serves(kind, alg) ? 'ok' : 'unsupported_algorithm'
}

function serves(kind: Kind, alg: Algorithm): boolean {
  return (
    (kind === 'rsa-2048' && /^(RS|PS)/.test(alg)) ||
    (kind === 'ec-p256' && alg === 'ES256') ||
    (kind === 'ec-p384' && alg === 'ES384') ||
    (kind === 'ec-p521' && alg === 'ES512') ||
    // Ed448 is refused on both: WebCrypto (Node 20, edge runtimes) cannot verify it.
    (kind === 'ed25519' && alg === 'EdDSA')
  )
}

/** A signature of `input` for `alg` with `key` where the key can make one; random bytes otherwise. */
function signature(alg: Algorithm, input: string, key: KeyObject): Buffer {
  const data = Buffer.from(input, 'ascii')
  const type = key.asymmetricKeyType
  const bits = /(\d+)$/.exec(alg)?.[1] ?? '256'
  try {
    if (alg === 'EdDSA') return sign(null, data, key)
    if (alg.startsWith('PS'))
      return sign(`sha${bits}`, data, {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: Number(bits) / 8,
      })
    if (alg.startsWith('ES')) return sign(`sha${bits}`, data, { key, dsaEncoding: 'ieee-p1363' })
    return sign(`sha${bits}`, data, key)
  } catch {
    // A key that cannot sign for alg (x25519, an RSA key for ES256): the verdict is about the key.
    return Buffer.alloc(
      type === 'rsa' ? 256 : ({ ES256: 64, ES384: 96, ES512: 132 }[alg as 'ES256'] ?? 64),
      7,
    )
  }
}

const KINDS: readonly Kind[] = [
  'rsa-2048',
  'rsa-1024',
  'ec-p256',
  'ec-p384',
  'ec-p521',
  'ec-secp256k1',
  'ed25519',
  'ed448',
  'x25519',
]
// A good RS256 key beside the one under test keeps the key set usable, so every verdict is the
// test key's own (not "no usable key in the set").
const anchor = generateKeyPairSync('rsa', { modulusLength: 2048 })
const keys = new Map(KINDS.map((kind) => [kind, generate(kind)]))

const verifier = createVerifier({
  issuers: {
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: {
      keys: [
        { ...(anchor.publicKey.export({ format: 'jwk' }) as PublicJwk), kid: 'anchor', use: 'sig' },
        ...KINDS.map((kind) => ({
          ...((keys.get(kind) as { publicKey: KeyObject }).publicKey.export({
            format: 'jwk',
          }) as PublicJwk),
          kid: kind,
          use: 'sig',
        })),
      ],
    },
  },
  algorithms: SUPPORTED_ALGORITHMS,
  cache: false,
})

async function verdict(token: string): Promise<string> {
  try {
    await verifier.verify(token)
    return 'ok'
  } catch (error) {
    recordError(error)
    return isAuthError(error) ? error.code : `not an AuthError: ${String(error)}`
  }
}

function token(kind: Kind, alg: Algorithm, tamper: boolean): string {
  const input = `${segment({ alg, kid: kind, typ: 'JWT' })}.${segment(standardClaims())}`
  const sig = signature(alg, input, (keys.get(kind) as { privateKey: KeyObject }).privateKey)
  if (tamper) sig[sig.length >> 1] = (sig[sig.length >> 1] ?? 0) ^ 0x01
  return track(`${input}.${sig.toString('base64url')}`)
}

describe('both signature backends give one verdict', () => {
  const cases = KINDS.flatMap((kind) => SUPPORTED_ALGORITHMS.map((alg) => [kind, alg] as const))
  it('covers every algorithm and key kind', () => {
    expect(cases).toHaveLength(KINDS.length * SUPPORTED_ALGORITHMS.length)
  })

  it.each(cases)('%s key, %s token', async (kind, alg) => {
    const want = expected(kind, alg)
    expect(await verdict(token(kind, alg, false))).toBe(want)
    // A tampered signature never verifies; on a key that cannot serve the alg, the key decides first.
    expect(await verdict(token(kind, alg, true))).toBe(want === 'ok' ? 'invalid_signature' : want)
  })
})
