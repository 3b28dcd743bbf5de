import type { Algorithm } from '@cloudauth/core'
import type { TestKey } from '../keys/generate-test-key.js'
import { signCompact } from '../internal/jws.js'
import { withTimes } from '../internal/time.js'

/** A JSON object of claims or header parameters. A member set to `undefined` is left out of the token. */
export type JsonObject = Readonly<Record<string, unknown>>

/** Options of {@link signToken}. */
export interface SignTokenOptions {
  /** The key that signs. */
  readonly key: TestKey
  /**
   * The payload. `iat` and `exp` are added unless present: set one to `undefined` to leave it
   * out, or to any value (even a string) to test how a verifier copes.
   */
  readonly claims?: JsonObject
  /**
   * Header parameters merged over the defaults `{ alg, kid: key.kid, typ: 'JWT' }`; a parameter
   * set to `undefined` is removed (for example `{ typ: undefined }` or `{ kid: undefined }`).
   * Setting `alg` here changes only what the header says, not how the token is signed.
   */
  readonly header?: JsonObject
  /**
   * The algorithm used to sign, if not the key's own (an RSA key can sign RS256, RS384, RS512
   * and PS*). The header's `alg` follows it unless `header.alg` is set.
   */
  readonly alg?: Algorithm
  /** The current time in seconds for `iat`/`exp`. Default: `Date.now()` (fake timers apply). */
  readonly now?: number
  /** Lifetime in seconds: `exp = now + expiresIn`. Default 3600. Negative values mint expired tokens. */
  readonly expiresIn?: number
}

/**
 * Signs a JWT (RFC 7519) with a test key and returns its compact serialisation (RFC 7515 §7.1).
 * Signing uses node:crypto directly, so any header and any payload can be signed: unknown
 * `crit` extensions, `jku`/`x5u` headers, non-numeric `exp`, `__proto__` members and so on,
 * each carrying a valid signature so that the verifier's rejection is for the right reason.
 *
 * @throws TypeError when `alg` is not an algorithm the key can sign with.
 *
 * @example
 * ```ts
 * const key = defaultKey()
 * const token = signToken({ key, claims: { iss: 'https://idp.test/', sub: 'u1', aud: 'api' } })
 * const noKid = signToken({ key, claims: {}, header: { kid: undefined } })
 * const expired = signToken({ key, claims: {}, expiresIn: -60 })
 * ```
 */
export function signToken(options: SignTokenOptions): string {
  const { key } = options
  const alg = options.alg ?? key.alg
  const claims = withTimes(options.claims, options.now, options.expiresIn)
  const header = { alg, kid: key.kid, typ: 'JWT', ...options.header }
  return signCompact(key, alg, header, claims)
}
