import { http, type HttpHandler } from 'msw'
import type { JsonWebKeySet } from '@cloudauth/core'
import type { KeySetResponseOptions } from './key-set-response.js'
import { keySetResponse } from '../internal/key-set-response.js'

/** Options of {@link jwksHandler}: the key set and how it is served. */
export interface JwksHandlerOptions extends KeySetResponseOptions {
  /** The key set served (unless `body` replaces it). Default `{ keys: [] }`. */
  readonly jwks?: JsonWebKeySet
  /** Answer only the first matching request (msw's `once`). */
  readonly once?: boolean
}

function isKeySet(value: JsonWebKeySet | JwksHandlerOptions): value is JsonWebKeySet {
  return Array.isArray((value as { keys?: unknown }).keys)
}

/**
 * An msw handler that answers `GET url` with a JWKS (RFC 7517 §5), or with any status, delay,
 * `Cache-Control`, content type or raw body, to test how a verifier fetches and caches keys.
 * Pass a key set alone for the common case.
 *
 * @example
 * ```ts
 * const server = setupServer(jwksHandler(JWKS_URL, jwksOf(defaultKey())))
 * server.listen({ onUnhandledRequest: 'error' })
 * server.use(jwksHandler(JWKS_URL, { jwks, cacheControl: 'public, max-age=600' }))
 * server.use(jwksHandler(JWKS_URL, { status: 200, contentType: 'text/html', body: '<html>login</html>' }))
 * server.use(jwksHandler(JWKS_URL, { status: 503, once: true }))
 * ```
 */
export function jwksHandler(
  url: string,
  jwksOrOptions: JsonWebKeySet | JwksHandlerOptions = {},
): HttpHandler {
  const options: JwksHandlerOptions = isKeySet(jwksOrOptions)
    ? { jwks: jwksOrOptions }
    : jwksOrOptions
  return http.get(url, () => keySetResponse(options.jwks ?? { keys: [] }, options), {
    once: options.once ?? false,
  })
}
