import { startCognitoLocalIssuer } from './cognito-local-issuer.js'
import { startDevExampleIssuer } from './dev-issuer.js'
import type { AppUrls, ExampleIssuer, IssuerName } from './example-issuer.js'
import { startOidcProviderIssuer } from './oidc-provider-issuer.js'

/**
 * Starts one of the example's issuers on 127.0.0.1, with the app registered as its client.
 *
 * @example
 * ```ts
 * const issuer = await startIssuer('oidc-provider', { origin, callback: `${origin}/auth/callback` })
 * ```
 */
export function startIssuer(name: IssuerName, app: AppUrls): Promise<ExampleIssuer> {
  switch (name) {
    case 'dev':
      return startDevExampleIssuer()
    case 'oidc-provider':
      return startOidcProviderIssuer(app)
    case 'cognito-local':
      return startCognitoLocalIssuer(app)
  }
}
