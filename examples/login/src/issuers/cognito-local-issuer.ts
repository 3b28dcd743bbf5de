import { cognito } from '@cloudauth/cognito'
import { cognitoHostedUi, type LoginIssuer } from '@cloudauth/login'
import { startCognitoLocal } from '@cloudauth/test-servers'
import type { AppUrls, ExampleIssuer } from './example-issuer.js'

const USER = { username: 'alice@example.com', password: 'Passw0rd!local' }

/**
 * cognito-local (an offline Cognito user pool emulator) with a pool, an app client whose callback
 * is the app's, and one confirmed user. Its Hosted UI is a user name and password form. It
 * implements authorize, token and refresh, but no `/logout`, `/oauth2/revoke` or
 * `/oauth2/userInfo`: the login issuer here leaves logout and revocation out (the app still
 * clears its session), and its ID tokens carry no `nonce`.
 */
export async function startCognitoLocalIssuer(app: AppUrls): Promise<ExampleIssuer> {
  const emulator = await startCognitoLocal()
  try {
    const { endpoint } = emulator
    const pool = await emulator.call('CreateUserPool', { PoolName: 'login-example' })
    const userPoolId = (pool['UserPool'] as { Id: string }).Id
    const client = await emulator.call('CreateUserPoolClient', {
      UserPoolId: userPoolId,
      ClientName: 'web',
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: [app.callback],
    })
    const clientId = (client['UserPoolClient'] as { ClientId: string }).ClientId
    await emulator.call('AdminCreateUser', {
      UserPoolId: userPoolId,
      Username: USER.username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: USER.username },
        { Name: 'email_verified', Value: 'true' },
      ],
    })
    await emulator.call('AdminSetUserPassword', {
      UserPoolId: userPoolId,
      Username: USER.username,
      Password: USER.password,
      Permanent: true,
    })
    const hosted = cognitoHostedUi({ domain: endpoint, issuer: `${endpoint}/${userPoolId}` })
    const login: LoginIssuer = {
      ...hosted,
      async metadata(http) {
        const metadata = { ...(await hosted.metadata(http)) }
        delete metadata.revocation_endpoint
        return metadata
      },
      logoutUrl: () => undefined,
    }
    return {
      name: 'cognito-local',
      url: endpoint,
      login,
      clientId,
      provider: cognito({ userPoolId, clientId, endpoint, tokenUse: 'access' }),
      idTokenNonce: 'if-present',
      user: USER,
      stop: () => emulator.stop(),
    }
  } catch (error) {
    await emulator.stop()
    throw error
  }
}
