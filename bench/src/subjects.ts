import { verify as nodeVerify, createPublicKey, type KeyObject } from 'node:crypto'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { JwtVerifier } from 'aws-jwt-verify'
import { Jwt } from 'hono/utils/jwt'
import { createVerifier } from '@cloudauth/core'
import { AUDIENCE, ISSUER, type BenchKey } from './tokens.js'

/** One way of verifying a token, set up once for a key. */
export interface Prepared {
  /** Verifies one token; throws (or rejects) when the token is not valid. */
  readonly verify: (token: string) => unknown
  /** The verify above never returns a promise: the one-at-a-time loop then calls it without `await`. */
  readonly sync: boolean
}

/** A row of the table. */
export interface Subject {
  readonly id: string
  readonly label: string
  /** Peers are the other libraries; the best of them is the "best peer" of each cell. */
  readonly kind: 'floor' | 'peer' | 'cloudauth'
  /** Cells this subject sits out (the sync floor cannot have 64 in flight). */
  readonly concurrency: readonly (1 | 64)[]
  prepare(key: BenchKey): Prepared
}

interface FloorParts {
  readonly payload: { readonly sub?: unknown }
  readonly input: Buffer
  readonly signature: Buffer
}

/**
 * The floor's parse: split, base64url-decode and JSON.parse header and payload, decode the
 * signature. No checks of any claim: only what any verifier must do before crypto.verify.
 */
function floorParse(token: string): FloorParts {
  const a = token.indexOf('.')
  const b = token.indexOf('.', a + 1)
  JSON.parse(Buffer.from(token.slice(0, a), 'base64url').toString('utf8'))
  const payload = JSON.parse(Buffer.from(token.slice(a + 1, b), 'base64url').toString('utf8')) as {
    sub?: unknown
  }
  return {
    payload,
    input: Buffer.from(token.slice(0, b), 'latin1'),
    signature: Buffer.from(token.slice(b + 1), 'base64url'),
  }
}

function keyInput(key: BenchKey): KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' } {
  const object = createPublicKey({ key: key.publicJwk as never, format: 'jwk' })
  return key.alg === 'ES256' ? { key: object, dsaEncoding: 'ieee-p1363' } : object
}

const invalid = () => new Error('bench: signature rejected')

export const floorSync: Subject = {
  id: 'floor',
  label: 'node:crypto verify, sync (the floor)',
  kind: 'floor',
  concurrency: [1],
  prepare(key) {
    const k = keyInput(key)
    return {
      sync: true,
      verify(token) {
        const parts = floorParse(token)
        if (!nodeVerify('sha256', parts.input, k, parts.signature)) throw invalid()
        return parts.payload
      },
    }
  },
}

export const floorCallback: Subject = {
  id: 'floor-cb',
  label: 'node:crypto verify, callback (libuv pool)',
  kind: 'floor',
  concurrency: [1, 64],
  prepare(key) {
    const k = keyInput(key)
    return {
      sync: false,
      verify(token) {
        const parts = floorParse(token)
        return new Promise((resolve, reject) => {
          nodeVerify('sha256', parts.input, k, parts.signature, (error, ok) => {
            if (error !== null || !ok) reject(error ?? invalid())
            else resolve(parts.payload)
          })
        })
      },
    }
  },
}

export const jose: Subject = {
  id: 'jose',
  label: 'jose 6 jwtVerify + createLocalJWKSet',
  kind: 'peer',
  concurrency: [1, 64],
  prepare(key) {
    const keys = createLocalJWKSet(key.jwks as never)
    const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: [key.alg] }
    return { sync: false, verify: (token) => jwtVerify(token, keys, options) }
  },
}

export const awsJwtVerify: Subject = {
  id: 'aws',
  label: 'aws-jwt-verify JwtVerifier (cacheJwks)',
  kind: 'peer',
  concurrency: [1, 64],
  prepare(key) {
    const verifier = JwtVerifier.create({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: 'https://issuer.bench.example/.well-known/jwks.json',
    })
    verifier.cacheJwks(key.jwks as never)
    // verifySync is its fastest form once the JWKS is cached; the 64-in-flight loop awaits it too.
    return { sync: true, verify: (token) => verifier.verifySync(token) }
  },
}

export const honoJwk: Subject = {
  id: 'hono',
  label: 'hono Jwt.verifyWithJwks (hono/jwk with keys)',
  kind: 'peer',
  concurrency: [1, 64],
  prepare(key) {
    // Exactly what hono/jwk's middleware runs per request when given `keys` (its fastest setup:
    // with `jwks_uri` it also fetches the key set on every request).
    const options = {
      keys: key.jwks.keys as never,
      allowedAlgorithms: [key.alg],
      verification: { iss: ISSUER, aud: AUDIENCE },
    }
    return { sync: false, verify: (token) => Jwt.verifyWithJwks(token, options) }
  },
}

export const cloudauth: Subject = {
  id: 'cloudauth',
  label: 'cloudauth createVerifier',
  kind: 'cloudauth',
  concurrency: [1, 64],
  prepare(key) {
    // Default options: the verified-token cache is on (10,000 entries). Cold runs cycle through
    // more distinct tokens than the cache holds, in order, so every one of them is a miss.
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwks: key.jwks, audience: AUDIENCE },
      algorithms: [key.alg],
    })
    return { sync: false, verify: (token) => verifier.verify(token) }
  },
}

export const cloudauthNoCache: Subject = {
  id: 'cloudauth-nocache',
  label: 'cloudauth createVerifier, cache: false',
  kind: 'cloudauth',
  concurrency: [1, 64],
  prepare(key) {
    // The cost of the cache on the cold path: the same verifier keeping nothing.
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwks: key.jwks, audience: AUDIENCE },
      algorithms: [key.alg],
      cache: false,
    })
    return { sync: false, verify: (token) => verifier.verify(token) }
  },
}

export const SUBJECTS: readonly Subject[] = [
  floorSync,
  floorCallback,
  jose,
  awsJwtVerify,
  honoJwk,
  cloudauth,
  cloudauthNoCache,
]
