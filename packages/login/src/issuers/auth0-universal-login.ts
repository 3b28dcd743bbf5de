import type { AuthorizationServer } from 'oauth4webapi'
import { isLoopback, parseDomain } from '../internal/urls.js'
import { endSessionUrl, type LoginIssuer } from './login-issuer.js'

/** Options of {@link auth0UniversalLogin}. */
export interface Auth0UniversalLoginOptions {
  /** The tenant domain (`acme.eu.auth0.com`) or a custom domain (`login.acme.com`). */
  readonly domain: string
}

/**
 * Auth0 Universal Login for a tenant: issuer `https://{domain}/`, `/authorize`, `/oauth/token`,
 * `/userinfo`, `/oauth/revoke` (RFC 7009) and `/oidc/logout` (OpenID Connect RP-Initiated
 * Logout). Pass `authorizationParams: { audience }` to `createLogin` for a JWT access token for
 * your API.
 *
 * @example
 * ```ts
 * auth0UniversalLogin({ domain: 'acme.eu.auth0.com' })
 * ```
 * @throws ConfigError `domain`
 */
export function auth0UniversalLogin(options: Auth0UniversalLoginOptions): LoginIssuer {
  const base = parseDomain('domain', options.domain)
  const origin = base.origin
  const metadata: AuthorizationServer = Object.freeze({
    issuer: `${origin}/`,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/oauth/token`,
    userinfo_endpoint: `${origin}/userinfo`,
    revocation_endpoint: `${origin}/oauth/revoke`,
    end_session_endpoint: `${origin}/oidc/logout`,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    code_challenge_methods_supported: ['S256'],
  })
  return {
    kind: 'auth0',
    identifier: `${origin}/`,
    insecure: base.protocol === 'http:' && isLoopback(base),
    metadata: () => Promise.resolve(metadata),
    logoutUrl: (input) => endSessionUrl(`${origin}/oidc/logout`, input),
  }
}
