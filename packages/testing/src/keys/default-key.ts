import type { Algorithm } from '@cloudauth/core'
import { generateTestKey, type TestKey } from './generate-test-key.js'

const cache = new Map<string, TestKey>()

/**
 * A key shared by everything in this process (one test file, under vitest's isolation): made on
 * first use, then reused, because generating RSA keys is slow. Presets use `defaultKey('RS256')`
 * unless given a key. Ask for another `slot` when a test needs a second, distinct key of the same
 * algorithm (for a rotation, or a token signed by a key the JWKS does not hold).
 *
 * The kid is fixed per algorithm and slot (`cloudauth-test-rs256-0`), so failures read well.
 * Use {@link generateTestKey} for a key no other test can touch.
 *
 * @param alg - Default `'RS256'`.
 * @param slot - Default `0`.
 * @throws TypeError for an unsupported algorithm.
 *
 * @example
 * ```ts
 * const current = defaultKey()            // RS256, slot 0
 * const next = defaultKey('RS256', 1)     // a second RS256 key for a rotation test
 * ```
 */
export function defaultKey(alg: Algorithm = 'RS256', slot = 0): TestKey {
  const id = `${alg}:${slot}`
  let key = cache.get(id)
  if (!key) {
    key = generateTestKey(alg, { kid: `cloudauth-test-${alg.toLowerCase()}-${slot}` })
    cache.set(id, key)
  }
  return key
}
