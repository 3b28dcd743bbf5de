import { createHash, timingSafeEqual } from 'node:crypto'

/** SHA-256 of a token's UTF-8 bytes. */
export function sha256(token: string): Uint8Array {
  return createHash('sha256').update(token, 'utf8').digest()
}

const HASH = /^sha256:([0-9a-f]{64})$/

/** The digest of a `sha256:<64 hex>` string, or `undefined` when it is not one. */
export function parseTokenHash(value: string): Uint8Array | undefined {
  const match = HASH.exec(value.trim().toLowerCase())
  return match === null ? undefined : Buffer.from(match[1] as string, 'hex')
}

// Compared against when there is no credential (unknown identifier) or fewer digests than slots,
// so an unknown identifier and a wrong token do the same work (no oracle).
const DUMMY = sha256('cloudauth:principals:dummy')
const SLOTS = 2

/**
 * True when `digest` equals one of `candidates`, in time that depends only on how many candidates
 * there are beyond two: every slot is compared, with no early exit (timingSafeEqual).
 */
export function matchesAny(digest: Uint8Array, candidates: readonly Uint8Array[]): boolean {
  let matched = false
  const slots = Math.max(SLOTS, candidates.length)
  for (let i = 0; i < slots; i++) {
    const candidate = candidates[i]
    const same = timingSafeEqual(candidate?.length === 32 ? candidate : DUMMY, digest)
    matched = (same && candidate !== undefined) || matched
  }
  return matched
}
