import * as oauth from 'oauth4webapi'
import { ConfigError } from '@cloudauth/core'
import { toLoginError } from '../internal/safe-fetch.js'
import { isLoopback, parseHttpsUrl } from '../internal/urls.js'
import { endSessionUrl, type LoginIssuer } from './login-issuer.js'

/** Options of {@link oidcIssuer}. */
export interface OidcIssuerOptions {
  /** The issuer identifier, e.g. `https://login.example.com/realms/app` (https; http only on loopback). */
  readonly issuer: string
  /** How long discovered metadata is kept, in seconds. Default 3600. */
  readonly cacheSeconds?: number
}

/**
 * Any OpenID Connect issuer, by discovery (OpenID Connect Discovery 1.0 §4, RFC 8414 §3): its
 * `/.well-known/openid-configuration` is fetched on first use and cached; a failed fetch is not
 * cached. The document's `issuer` must equal the one configured (RFC 8414 §3.3).
 *
 * @example
 * ```ts
 * const login = createLogin({ issuer: oidcIssuer({ issuer: 'https://idp.example.com' }), clientId, redirectUri, secrets })
 * ```
 * @throws ConfigError `issuer`, `cacheSeconds`
 */
export function oidcIssuer(options: OidcIssuerOptions): LoginIssuer {
  const url = parseHttpsUrl('issuer', options.issuer)
  const cacheSeconds = options.cacheSeconds ?? 3600
  if (!Number.isFinite(cacheSeconds) || cacheSeconds < 0) {
    throw new ConfigError('cacheSeconds', 'must be a number of seconds, 0 or more')
  }
  let cached: { metadata: Promise<oauth.AuthorizationServer>; until: number } | undefined
  return {
    kind: 'oidc',
    identifier: options.issuer,
    insecure: url.protocol === 'http:' && isLoopback(url),
    metadata(http) {
      const now = Date.now()
      if (cached !== undefined && cached.until > now) return cached.metadata
      const issuerUrl = new URL(options.issuer)
      const metadata = (async () => {
        try {
          const response = await oauth.discoveryRequest(issuerUrl, { ...http, algorithm: 'oidc' })
          return await oauth.processDiscoveryResponse(issuerUrl, response)
        } catch (error) {
          throw toLoginError(error, 'discovery request')
        }
      })()
      const entry = { metadata, until: now + cacheSeconds * 1000 }
      cached = entry
      metadata.catch(() => {
        if (cached === entry) cached = undefined
      })
      return metadata
    },
    logoutUrl(input) {
      const endpoint = input.metadata.end_session_endpoint
      return endpoint === undefined ? undefined : endSessionUrl(endpoint, input)
    },
  }
}
