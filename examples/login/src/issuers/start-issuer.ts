import type { AppUrls, ExampleIssuer, IssuerName } from './example-issuer.js'

/**
 * Starts one of the example's issuers on 127.0.0.1, with the app registered as its client. Each
 * is loaded only when asked for: oidc-provider warns on stderr as soon as it is imported on Node 20,
 * and the dev issuer (the demo's) needs neither it nor cognito-local.
 *
 * @example
 * ```ts
 * const issuer = await startIssuer('oidc-provider', { origin, callback: `${origin}/auth/callback` })
 * ```
 */
export async function startIssuer(name: IssuerName, app: AppUrls): Promise<ExampleIssuer> {
  switch (name) {
    case 'dev':
      return (await import('./dev-issuer.js')).startDevExampleIssuer()
    case 'oidc-provider':
      return (await import('./oidc-provider-issuer.js')).startOidcProviderIssuer(app)
    case 'cognito-local':
      return (await import('./cognito-local-issuer.js')).startCognitoLocalIssuer(app)
  }
}
