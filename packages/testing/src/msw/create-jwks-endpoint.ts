import type { JsonWebKeySet } from '@cloudauth/core'
import type { KeySetEndpoint, KeySetEndpointOptions } from './key-set-endpoint.js'
import { createKeySetEndpoint } from '../internal/key-set-endpoint.js'

/** A stateful JWKS endpoint; see {@link createJwksEndpoint}. */
export type JwksEndpoint = KeySetEndpoint<JsonWebKeySet>

/**
 * A stateful msw JWKS endpoint: counts requests and lets a test rotate keys and script outages
 * while a verifier is running, to check single-flight fetching, refetch on an unknown `kid`,
 * `Cache-Control` handling and stale-if-error.
 *
 * @example
 * ```ts
 * const endpoint = createJwksEndpoint(JWKS_URL, jwksOf(current), { cacheControl: 'max-age=600' })
 * server.use(endpoint.handler)
 * await verifier.verify(signToken({ key: current, claims }))
 * expect(endpoint.hits).toBe(1)
 * endpoint.setKeys(jwksOf(current, next))     // rotation
 * endpoint.fail('timeout', { times: 1 })       // one request hangs, then it recovers
 * endpoint.fail(503)                           // outage until endpoint.recover()
 * ```
 */
export function createJwksEndpoint(
  url: string,
  jwks: JsonWebKeySet,
  options: KeySetEndpointOptions = {},
): JwksEndpoint {
  return createKeySetEndpoint<JsonWebKeySet>(url, jwks, { keys: [] }, options)
}
