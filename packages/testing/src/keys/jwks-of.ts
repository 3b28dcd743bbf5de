import type { JsonWebKeySet } from '@cloudauth/core'
import type { TestKey, TestPublicJwk } from './generate-test-key.js'

/**
 * A JWKS as test helpers produce it: every key carries `kid`, `alg` and `use`. The array is a
 * fresh, mutable one so the set also fits jose's `createLocalJWKSet()`.
 */
export interface TestJsonWebKeySet extends JsonWebKeySet {
  keys: TestPublicJwk[]
}

/**
 * The JSON Web Key Set (RFC 7517 §5) of some test keys, public parts only, in the order given.
 *
 * @example
 * ```ts
 * server.use(jwksHandler('https://idp.test/.well-known/jwks.json', jwksOf(current, next)))
 * ```
 */
export function jwksOf(...keys: readonly TestKey[]): TestJsonWebKeySet {
  return { keys: keys.map((key) => key.publicJwk) }
}
