import { cognito } from '@cloudauth/cognito'
import { cognitoHostedUi } from '@cloudauth/login'
import { DEV_DEFAULTS, startDevIssuer } from '@cloudauth/testing'
import type { ExampleIssuer } from './example-issuer.js'

/**
 * The dev issuer from `@cloudauth/testing`: Cognito's Hosted UI layout with a one-click login page
 * (any user name), Cognito-shaped tokens for its default pool, userinfo, revocation and logout.
 */
export async function startDevExampleIssuer(): Promise<ExampleIssuer> {
  const issuer = await startDevIssuer()
  return {
    name: 'dev',
    url: issuer.url,
    login: cognitoHostedUi({ domain: issuer.url, issuer: issuer.issuer('cognito') }),
    clientId: DEV_DEFAULTS.clientId,
    provider: cognito({
      userPoolId: DEV_DEFAULTS.userPoolId,
      clientId: DEV_DEFAULTS.clientId,
      endpoint: issuer.url,
      tokenUse: 'access',
    }),
    user: { username: 'dev-user', password: '' },
    stop: () => issuer.stop(),
  }
}
