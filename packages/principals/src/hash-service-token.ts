import { sha256 } from './internal/digest.js'

/**
 * The form in which {@link staticSource} and {@link envSource} store a service token:
 * `sha256:` and the 64 hex digits of its SHA-256 digest. Store this, never the token. Service
 * tokens are random (generate at least 32 bytes, e.g. `openssl rand -base64 32`), so a fast
 * hash is enough: a slow password hash (scrypt) would only hand attackers a way to burn CPU.
 *
 * @example
 * ```ts
 * hashServiceToken('kP1...') // 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
 * ```
 * @throws TypeError when `token` is not a non-empty string
 */
export function hashServiceToken(token: string): string {
  if (typeof token !== 'string' || token === '')
    throw new TypeError('token must be a non-empty string')
  return `sha256:${Buffer.from(sha256(token)).toString('hex')}`
}
