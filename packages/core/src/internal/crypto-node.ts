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
 * When a signature check runs on libuv's thread pool (the callback form of `crypto.verify`)
 * instead of on the calling thread.
 *
 * On the pool a check costs a thread hop (CPU for the hand-over, and the caller waits for two
 * wake-ups) but leaves the event loop free to parse the next request meanwhile, so several cores
 * verify at once. That only pays when other checks are waiting, which a verifier cannot see while
 * every check finishes synchronously. So:
 * - while any check is on the pool, the next one goes there too: the callers are evidently
 *   concurrent (they start checks before earlier ones finish), and a check run on the calling
 *   thread then would hold the pool's results up behind it;
 * - otherwise, now and then, one check goes to the pool as a probe. If another check starts while
 *   it is there, the rule above takes over. If none does (a caller that waits for each result),
 *   the next probe waits twice as long, from one in {@link MIN_PROBE_EVERY} up to one in
 *   {@link MAX_PROBE_EVERY} checks, so such a caller runs almost entirely synchronously.
 * The pool is libuv's (UV_THREADPOOL_SIZE threads, 4 by default), shared with fs and dns.
 */
const MIN_PROBE_EVERY = 64
const MAX_PROBE_EVERY = 4096
/** Our checks on the pool now. */
let pooled = 0
/** Whether a check started while another was on the pool, since the pool last drained. */
let overlapped = false
let probeEvery = MIN_PROBE_EVERY
let untilProbe = MIN_PROBE_EVERY

function onPool(): boolean {
  if (pooled > 0) {
    overlapped = true
    return true
  }
  return --untilProbe <= 0
}

function leavePool(): void {
  if (--pooled > 0) return
  probeEvery = overlapped ? MIN_PROBE_EVERY : Math.min(probeEvery * 2, MAX_PROBE_EVERY)
  untilProbe = probeEvery
  overlapped = false
}

function verifyOnPool(
  hash: string | null,
  data: Buffer,
  key: KeyObject,
  signature: Uint8Array,
): Promise<boolean> {
  pooled++
  return new Promise((resolve) => {
    try {
      verify(hash, data, key, signature, (error, ok) => {
        leavePool()
        resolve(error === null && ok)
      })
    } catch {
      leavePool()
      resolve(false)
    }
  })
}

/**
 * node:crypto signatures: keys become `KeyObject`s once, at import, and `crypto.verify` runs
 * synchronously, or on libuv's pool when checks overlap (see {@link onPool}); never through
 * WebCrypto's promise per verify.
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
    const data = Buffer.from(signingInput, 'latin1')
    if (onPool()) return verifyOnPool(HASH[alg], data, key as KeyObject, signature)
    try {
      return verify(HASH[alg], data, key as KeyObject, signature)
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
