import type { AuthorizationServer } from 'oauth4webapi'
import type { HttpOptions } from '../internal/safe-fetch.js'

/** What {@link LoginIssuer.logoutUrl} gets to build the issuer's end-session URL. */
export interface LogoutUrlInput {
  readonly metadata: AuthorizationServer
  readonly clientId: string
  /** The session's ID token, for `id_token_hint` (OpenID Connect RP-Initiated Logout 1.0 §2). */
  readonly idToken: string | undefined
  /** Where the issuer sends the browser back after logout (registered with the issuer). */
  readonly postLogoutRedirectUri: string
}

/**
 * Where users log in: the endpoints of one issuer. Made by {@link oidcIssuer} (discovery),
 * {@link cognitoHostedUi} or {@link auth0UniversalLogin}; an app rarely builds one by hand.
 */
export interface LoginIssuer {
  /** `'oidc'`, `'cognito'` or `'auth0'`: for logs. */
  readonly kind: string
  /** The issuer identifier (`iss` of its ID tokens). A login attempt is bound to it. */
  readonly identifier: string
  /** True for an http issuer on a loopback address (development). */
  readonly insecure: boolean
  /** Its metadata (RFC 8414), fetched and cached, or fixed for a preset. */
  metadata(http: HttpOptions): Promise<AuthorizationServer>
  /** The end-session URL, or `undefined` when the issuer has none. */
  logoutUrl(input: LogoutUrlInput): URL | undefined
}

/** The OpenID Connect RP-Initiated Logout 1.0 §2 request on an `end_session_endpoint`. */
export function endSessionUrl(endpoint: string, input: LogoutUrlInput): URL {
  const url = new URL(endpoint)
  if (input.idToken !== undefined) url.searchParams.set('id_token_hint', input.idToken)
  url.searchParams.set('client_id', input.clientId)
  url.searchParams.set('post_logout_redirect_uri', input.postLogoutRedirectUri)
  return url
}
