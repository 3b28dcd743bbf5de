import { constants, createHmac, sign, type KeyObject } from 'node:crypto'
import type { Algorithm } from '@cloudauth/core'
import type { TestKey } from '../keys/generate-test-key.js'

/** base64url without padding (RFC 7515 §2, RFC 4648 §5). */
export function base64urlOf(data: string | Uint8Array): string {
  return Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString(
    'base64url',
  )
}

/** A JSON value as a JWS segment. `undefined` object members are dropped, as JSON.stringify does. */
export function encodeJsonSegment(value: unknown): string {
  const json = JSON.stringify(value)
  // JSON.stringify(undefined) is undefined: encode nothing rather than the text "undefined".
  return base64urlOf(json ?? '')
}

/**
 * The JWS signature (RFC 7515 §5.1) of `signingInput` with `alg`, using node:crypto so that any
 * header can be signed (jose refuses headers it does not understand, such as unknown `crit`).
 *
 * - RS*: RSASSA-PKCS1-v1_5 (RFC 7518 §3.3).
 * - PS*: RSASSA-PSS with MGF1 and a salt as long as the digest (RFC 7518 §3.5).
 * - ES*: ECDSA with the signature as R || S, not DER (RFC 7518 §3.4).
 * - EdDSA: Ed25519 (RFC 8037 §3.1).
 */
export function signJws(alg: Algorithm, signingInput: string, privateKey: KeyObject): Buffer {
  const data = Buffer.from(signingInput, 'ascii')
  const bits = alg.slice(2)
  const digest = `sha${bits}`
  switch (alg) {
    case 'RS256':
    case 'RS384':
    case 'RS512':
      return sign(digest, data, privateKey)
    case 'PS256':
    case 'PS384':
    case 'PS512':
      return sign(digest, data, {
        key: privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: Number(bits) / 8,
      })
    case 'ES256':
    case 'ES384':
    case 'ES512':
      return sign(digest, data, { key: privateKey, dsaEncoding: 'ieee-p1363' })
    case 'EdDSA':
      return sign(null, data, privateKey)
    default:
      throw new TypeError(`unsupported JWS algorithm ${String(alg)}`)
  }
}

/** HMAC JWS signature (RFC 7518 §3.2), only for forging algorithm-confusion attacks. */
export function hmacJws(
  alg: 'HS256' | 'HS384' | 'HS512',
  signingInput: string,
  secret: string | Uint8Array,
): Buffer {
  return createHmac(`sha${alg.slice(2)}`, secret)
    .update(signingInput, 'ascii')
    .digest()
}

/** Signs already assembled header and payload values, keeping their member order; returns the compact JWS. */
export function signCompact(
  key: TestKey,
  alg: Algorithm,
  header: unknown,
  payload: unknown,
): string {
  const signingInput = `${encodeJsonSegment(header)}.${encodeJsonSegment(payload)}`
  return `${signingInput}.${base64urlOf(signJws(alg, signingInput, key.privateKey))}`
}
