import type { TestKey } from '../keys/generate-test-key.js'
import type { JsonObject } from '../tokens/sign-token.js'

/** Options of every preset's token methods (`accessToken`, `idToken`, ...). */
export interface PresetTokenOptions {
  /** The current time in seconds for `iat`, `exp`, `auth_time`. Default: `Date.now()` (fake timers apply). */
  readonly now?: number
  /** Lifetime in seconds. Default 3600; negative for an expired token. */
  readonly expiresIn?: number
  /** Header parameters merged over the provider's header; `undefined` removes one. */
  readonly header?: JsonObject
  /** Sign with another key (one the JWKS does not hold, say). Its `kid` goes in the header. */
  readonly key?: TestKey
}
