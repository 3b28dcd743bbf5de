import type { Provider } from '@cloudauth/core'
import { createLogin, type Login, type LoginIssuer, type SessionStore } from '@cloudauth/login'

/** What the example app needs to know: the same for the Hono and the Express app. */
export interface LoginExampleConfig {
  /** Where users log in: `cognitoHostedUi(...)`, `auth0UniversalLogin(...)` or `oidcIssuer(...)`. */
  readonly issuer: LoginIssuer
  /** The app client registered with the issuer (a public client: PKCE, no secret). */
  readonly clientId: string
  /** Verifies the access tokens the issuer gives: `cognito(...)`, `auth0(...)`, `defineProvider(...)`. */
  readonly provider: Provider
  /** Where this app runs, e.g. `http://127.0.0.1:8080`: the callback is `{origin}/auth/callback`. */
  readonly origin: string
  /** Cookie encryption secrets, newest first (>= 32 characters). */
  readonly secrets: readonly string[]
  /** A session store (default: the session lives in an encrypted cookie). */
  readonly store?: SessionStore
  /** The scopes to ask for (default `openid email profile`). */
  readonly scopes?: readonly string[]
  /** `'if-present'` only for issuers that leave `nonce` out of ID tokens (cognito-local). */
  readonly idTokenNonce?: 'if-present'
}

/** The login both apps mount: authorization code + PKCE, sessions, refresh, logout, userinfo. */
export function createExampleLogin(config: LoginExampleConfig): Login {
  return createLogin({
    issuer: config.issuer,
    clientId: config.clientId,
    redirectUri: `${config.origin}/auth/callback`,
    secrets: config.secrets,
    ...(config.store === undefined ? {} : { store: config.store }),
    ...(config.scopes === undefined ? {} : { scopes: config.scopes }),
    ...(config.idTokenNonce === undefined ? {} : { idTokenNonce: config.idTokenNonce }),
  })
}
