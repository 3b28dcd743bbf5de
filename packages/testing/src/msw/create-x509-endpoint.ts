import type { X509KeyMap } from '../keys/x509-map-of.js'
import type { KeySetEndpoint, KeySetEndpointOptions } from './key-set-endpoint.js'
import { createKeySetEndpoint } from '../internal/key-set-endpoint.js'

/** A stateful x509 key map endpoint; see {@link createX509Endpoint}. */
export type X509Endpoint = KeySetEndpoint<X509KeyMap>

/**
 * The `{ kid: pem }` counterpart of {@link createJwksEndpoint}, for Google's x509 key endpoints.
 * `fail('no-keys')` serves `{}`.
 *
 * @example
 * ```ts
 * const keys = createX509Endpoint(FIREBASE_SESSION_COOKIE_X509_URL, x509MapOf(defaultKey()))
 * server.use(keys.handler)
 * keys.fail('html')
 * ```
 */
export function createX509Endpoint(
  url: string,
  keys: X509KeyMap,
  options: KeySetEndpointOptions = {},
): X509Endpoint {
  return createKeySetEndpoint<X509KeyMap>(url, keys, {}, options)
}
