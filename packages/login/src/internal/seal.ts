import { EncryptJWT, base64url, errors, jwtDecrypt } from 'jose'
import { ConfigError } from '@cloudauth/core'

/** Seals and opens one kind of cookie (a login attempt, a session) with rotating secrets. */
export interface Sealer {
  /** Encrypts `payload` as a JWE (`dir`, `A256GCM`) that expires at `expiresAt` (epoch seconds). */
  seal(payload: Record<string, unknown>, expiresAt: number): Promise<string>
  /** The payload, or `undefined` when the value is malformed, tampered, expired or sealed with an unknown key. */
  open(value: string): Promise<Record<string, unknown> | undefined>
}

interface DerivedKey {
  readonly kid: string
  readonly key: Uint8Array
}

const MIN_SECRET_LENGTH = 32
const encoder = new TextEncoder()

/**
 * Checks the `secrets` option: a non-empty list of strings of at least 32 characters, newest first.
 *
 * @throws ConfigError `secrets`
 */
export function checkSecrets(secrets: unknown): readonly string[] {
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new ConfigError('secrets', 'must list at least one secret, newest first')
  }
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(
        'secrets',
        `every secret must be a string of at least ${MIN_SECRET_LENGTH} characters (use 32 random bytes, base64url)`,
      )
    }
  }
  if (new Set(secrets).size !== secrets.length) {
    throw new ConfigError('secrets', 'holds the same secret twice')
  }
  return Object.freeze([...(secrets as string[])])
}

async function derive(secret: string, purpose: string): Promise<DerivedKey> {
  // RFC 5869 HKDF: one key per purpose, so an attempt cookie never opens as a session.
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, [
    'deriveBits',
  ])
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(purpose) },
    material,
    512,
  )
  const bytes = new Uint8Array(bits)
  // The first 32 bytes are the key; the next 9 name it (kid), so the kid reveals nothing of the key.
  return { key: bytes.slice(0, 32), kid: base64url.encode(bytes.slice(32, 41)) }
}

/**
 * A sealer over `secrets` (newest first: it seals; every one opens) for one `purpose`.
 * The JWE `exp` is the cookie's own expiry, enforced on open whatever the browser did.
 */
export function createSealer(secrets: readonly string[], purpose: string): Sealer {
  let keys: Promise<readonly DerivedKey[]> | undefined
  const derived = (): Promise<readonly DerivedKey[]> =>
    (keys ??= Promise.all(secrets.map((secret) => derive(secret, purpose))))
  return {
    async seal(payload, expiresAt) {
      const [newest] = await derived()
      if (newest === undefined) throw new ConfigError('secrets', 'no secret')
      return new EncryptJWT(payload)
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: newest.kid })
        .setIssuedAt()
        .setExpirationTime(expiresAt)
        .encrypt(newest.key)
    },
    async open(value) {
      if (value.length === 0 || value.length > 64 * 1024) return undefined
      const list = await derived()
      try {
        const { payload } = await jwtDecrypt(
          value,
          (header) => {
            const found = list.find((entry) => entry.kid === header.kid)
            if (found === undefined) throw new errors.JWEDecryptionFailed()
            return found.key
          },
          { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] },
        )
        if (typeof payload.exp !== 'number') return undefined
        return payload
      } catch {
        return undefined
      }
    },
  }
}
