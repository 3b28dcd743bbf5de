import type { Provider } from '@cloudauth/core'
import type { LoginIssuer } from '@cloudauth/login'

/** The issuers the example logs in against, all offline on 127.0.0.1. */
export const ISSUER_NAMES = ['dev', 'oidc-provider', 'cognito-local'] as const
export type IssuerName = (typeof ISSUER_NAMES)[number]

/**
 * A running issuer and what the app needs to log in against it: the login issuer, the app
 * client registered there, and the provider that verifies its access tokens.
 */
export interface ExampleIssuer {
  readonly name: IssuerName
  /** Its base URL on 127.0.0.1. */
  readonly url: string
  readonly login: LoginIssuer
  readonly clientId: string
  /** Verifies the access tokens it issues. */
  readonly provider: Provider
  /** The scopes the app asks for, when not the login's default (`openid email profile`). */
  readonly scopes?: readonly string[]
  /** cognito-local leaves `nonce` out of its ID tokens, so that login opts out explicitly. */
  readonly idTokenNonce?: 'if-present'
  /** A user that can sign in on its login page (any name works on the dev issuer). */
  readonly user: { readonly username: string; readonly password: string }
  stop(): Promise<void>
}

/** What an issuer must know about the app before it starts: where to send the browser back. */
export interface AppUrls {
  /** The app's origin, e.g. `http://127.0.0.1:8080`. */
  readonly origin: string
  /** `{origin}/auth/callback`. */
  readonly callback: string
}
