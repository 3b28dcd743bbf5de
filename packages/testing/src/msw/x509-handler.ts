import { http, type HttpHandler } from 'msw'
import type { X509KeyMap } from '../keys/x509-map-of.js'
import type { KeySetResponseOptions } from './key-set-response.js'
import { keySetResponse } from '../internal/key-set-response.js'

/** Options of {@link x509Handler}. */
export interface X509HandlerOptions extends KeySetResponseOptions {
  /** Answer only the first matching request (msw's `once`). */
  readonly once?: boolean
}

/**
 * An msw handler that answers `GET url` with a `{ kid: pem }` certificate map, the layout of
 * Google's x509 key endpoints (Firebase session cookies, securetoken x509), with the same
 * response options as {@link jwksHandler}.
 *
 * @example
 * ```ts
 * server.use(
 *   x509Handler(FIREBASE_SESSION_COOKIE_X509_URL, x509MapOf(defaultKey()), {
 *     cacheControl: 'public, max-age=21600',
 *   }),
 * )
 * ```
 */
export function x509Handler(
  url: string,
  keys: X509KeyMap,
  options: X509HandlerOptions = {},
): HttpHandler {
  return http.get(url, () => keySetResponse(keys, options), { once: options.once ?? false })
}
