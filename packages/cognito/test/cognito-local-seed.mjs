// Seeds a running cognito-local through the AWS SDK's Cognito client and prints what the
// integration test needs as JSON: pool and client ids, and tokens from real sign-ins.
//
// It runs as its own plain `node` process because the workspace's vitest starts its workers with
// `--conditions module`, under which the SDK resolves to its bundler-only ESM build (extensionless
// imports) that Node cannot load.
//
// Usage: node cognito-local-seed.mjs http://127.0.0.1:<port>
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import process from 'node:process'

const endpoint = process.argv[2]
if (endpoint === undefined || !endpoint.startsWith('http://127.0.0.1:')) {
  throw new Error('usage: node cognito-local-seed.mjs http://127.0.0.1:<port>')
}
const EMAIL = 'alice@example.com'
const PASSWORD = 'Correct-Horse-42'

const client = new CognitoIdentityProviderClient({
  endpoint,
  region: 'us-east-1',
  // cognito-local checks no signature; these only keep the SDK from looking for real credentials.
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
})

async function createPool(name) {
  const pool = await client.send(new CreateUserPoolCommand({ PoolName: name }))
  return pool.UserPool.Id
}

async function createClient(userPoolId, extra = {}) {
  const created = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'web',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      ...extra,
    }),
  )
  return created.UserPoolClient.ClientId
}

async function createUser(userPoolId, groups) {
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: EMAIL,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: EMAIL },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  )
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: EMAIL,
      Password: PASSWORD,
      Permanent: true,
    }),
  )
  // Groups go in before the sign-in: cognito:groups is written when tokens are issued.
  for (const group of groups) {
    await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }))
    await client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: EMAIL, GroupName: group }),
    )
  }
}

async function signIn(appClientId) {
  const result = await client.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: appClientId,
      AuthParameters: { USERNAME: EMAIL, PASSWORD },
    }),
  )
  return {
    access: result.AuthenticationResult.AccessToken,
    id: result.AuthenticationResult.IdToken,
  }
}

const poolId = await createPool('cloudauth-primary')
const clientId = await createClient(poolId)
const shortClientId = await createClient(poolId, {
  ClientName: 'short-lived',
  AccessTokenValidity: 2,
  TokenValidityUnits: { AccessToken: 'seconds' },
})
await createUser(poolId, ['admins', 'readers'])
const tokens = await signIn(clientId)
const shortTokens = await signIn(shortClientId)

const otherPoolId = await createPool('cloudauth-secondary')
const otherClientId = await createClient(otherPoolId)
await createUser(otherPoolId, [])
const otherPoolTokens = await signIn(otherClientId)
client.destroy()

process.stdout.write(
  JSON.stringify({
    email: EMAIL,
    poolId,
    clientId,
    shortClientId,
    otherPoolId,
    otherClientId,
    tokens,
    shortTokens,
    otherPoolTokens,
  }),
)
