import type { AuthorizationServer } from 'oauth4webapi'
import { ConfigError } from '@cloudauth/core'
import { isLoopback, parseDomain, parseHttpsUrl } from '../internal/urls.js'
import type { LoginIssuer } from './login-issuer.js'

/** Options of {@link cognitoHostedUi}. */
export interface CognitoHostedUiOptions {
  /**
   * The Hosted UI (managed login) domain: the prefix domain
   * (`myapp.auth.eu-west-1.amazoncognito.com`) or a custom domain (`auth.example.com`).
   */
  readonly domain: string
  /** The user pool id, e.g. `eu-west-1_AbCdEf123`: its region and id make the token issuer. */
  readonly userPoolId?: string
  /**
   * The issuer of its ID tokens, for pools not on AWS (cognito-local, the dev issuer):
   * `http://127.0.0.1:9229/local_abc`. Default `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`.
   */
  readonly issuer?: string
}

const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d)_[A-Za-z0-9]+$/

/**
 * The Cognito Hosted UI of a user pool. Cognito publishes no discovery document on the Hosted UI
 * domain, so its endpoints are fixed: `/oauth2/authorize`, `/oauth2/token`, `/oauth2/userInfo`,
 * `/oauth2/revoke` (RFC 7009) and `/logout` (`client_id` + `logout_uri`).
 *
 * @example
 * ```ts
 * cognitoHostedUi({ domain: 'auth.example.com', userPoolId: 'eu-west-1_AbCdEf123' })
 * ```
 * @throws ConfigError `domain`, `userPoolId`, `issuer`
 */
export function cognitoHostedUi(options: CognitoHostedUiOptions): LoginIssuer {
  const base = parseDomain('domain', options.domain)
  let issuer: string
  if (options.issuer !== undefined) {
    issuer = parseHttpsUrl('issuer', options.issuer).href.replace(/\/$/, '')
  } else {
    const match = POOL_ID.exec(options.userPoolId ?? '')
    if (match?.[1] === undefined) {
      throw new ConfigError(
        'userPoolId',
        'must be a user pool id like eu-west-1_AbCdEf123 (or pass issuer for a local pool)',
      )
    }
    issuer = `https://cognito-idp.${match[1]}.amazonaws.com/${options.userPoolId ?? ''}`
  }
  const origin = base.origin
  const metadata: AuthorizationServer = Object.freeze({
    issuer,
    authorization_endpoint: `${origin}/oauth2/authorize`,
    token_endpoint: `${origin}/oauth2/token`,
    userinfo_endpoint: `${origin}/oauth2/userInfo`,
    revocation_endpoint: `${origin}/oauth2/revoke`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    code_challenge_methods_supported: ['S256'],
  })
  return {
    kind: 'cognito',
    identifier: issuer,
    insecure: base.protocol === 'http:' && isLoopback(base),
    metadata: () => Promise.resolve(metadata),
    logoutUrl(input) {
      // Cognito's logout endpoint takes client_id and logout_uri (a registered sign-out URL).
      const url = new URL(`${origin}/logout`)
      url.searchParams.set('client_id', input.clientId)
      url.searchParams.set('logout_uri', input.postLogoutRedirectUri)
      return url
    },
  }
}
