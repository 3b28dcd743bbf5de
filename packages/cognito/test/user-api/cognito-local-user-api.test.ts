/**
 * The Cognito user API routes against a REAL cognito-local on 127.0.0.1 (no msw in this file):
 * sign-up, confirm, sign-in, refresh, forgot password, and the new-password
 * challenge, with the tokens checked by this package's own verifier. The vitest worker loads the
 * AWS SDK itself (the workspace's conditions are `source`, `node`, `default`).
 */
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { createServer, type Server, type Socket } from 'node:net'
import { createVerifier } from '@cloudauth/core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { cognito } from '@cloudauth/cognito'
import { cognitoUserApi, cognitoUserRoutes, type FetchHandler } from '@cloudauth/cognito/user-api'
import { FIXED_CODE, startEmulator, type Emulator } from './emulator.js'
import { post } from './aws.js'

const EMAIL = 'bob@example.com'
const PASSWORD = 'First-Horse-42!'
const NEW_PASSWORD = 'Second-Horse-43!'

let emulator: Emulator | undefined
let endpoint = ''
let poolId = ''
let clientId = ''
let routes: FetchHandler
let admin: CognitoIdentityProviderClient

async function call(request: Request) {
  const response = await routes(request)
  if (response === undefined) throw new Error('the handler did not answer')
  const text = await response.text()
  return {
    status: response.status,
    body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
  }
}

beforeAll(async () => {
  emulator = await startEmulator()
  endpoint = emulator.endpoint
  admin = new CognitoIdentityProviderClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  const pool = await admin.send(new CreateUserPoolCommand({ PoolName: 'user-api' }))
  poolId = pool.UserPool?.Id ?? ''
  const client = await admin.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'web',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  )
  clientId = client.UserPoolClient?.ClientId ?? ''
  routes = cognitoUserRoutes(
    cognitoUserApi({ userPoolId: poolId, region: 'us-east-1', clientId, endpoint, maxAttempts: 1 }),
  )
}, 25_000)

afterAll(async () => {
  admin?.destroy()
  await emulator?.stop()
})

describe('the Cognito user API against cognito-local', () => {
  it('signs up, refuses sign-in until confirmed, confirms, signs in, refreshes', async () => {
    const signUp = await call(
      post('/cognito/sign-new-user', {
        username: EMAIL,
        password: PASSWORD,
        attributes: { email: EMAIL },
      }),
    )
    expect(signUp.status).toBe(201)
    expect(signUp.body).toMatchObject({
      userConfirmed: false,
      next: {
        step: 'confirm_sign_up',
        username: EMAIL,
      },
    })
    // cognito-local sends no CodeDeliveryDetails with SignUp (AWS does); the code is CODE anyway.
    expect(signUp.body.userSub).toMatch(/^[0-9a-f-]{36}$/)

    const again = await call(
      post('/cognito/sign-new-user', { username: EMAIL, password: PASSWORD }),
    )
    expect(again.status).toBe(409)
    expect(again.body.error).toBe('user_exists')

    const early = await call(post('/cognito/login', { username: EMAIL, password: PASSWORD }))
    expect(early.status).toBe(403)
    expect(early.body).toMatchObject({
      error: 'user_not_confirmed',
      next: { step: 'confirm_sign_up', username: EMAIL },
    })

    // cognito-local lacks ResendConfirmationCode (500 CognitoLocal#Unsupported, so 503 here);
    // the route is tested with msw at Cognito's URL in user-routes.test.ts.

    const wrongCode = await call(
      post('/cognito/confirm-sign-up', { username: EMAIL, code: '000000' }),
    )
    expect(wrongCode.status).toBe(400)
    expect(wrongCode.body.error).toBe('code_mismatch')

    const confirmed = await call(
      post('/cognito/confirm-sign-up', { username: EMAIL, code: FIXED_CODE }),
    )
    expect(confirmed).toEqual({ status: 200, body: { next: { step: 'sign_in' } } })

    const wrong = await call(
      post('/cognito/login', { username: EMAIL, password: 'Not-The-Password-1' }),
    )
    expect(wrong.status).toBe(401)
    expect(wrong.body.error).toBe('not_authorized')

    const signedIn = await call(post('/cognito/login', { username: EMAIL, password: PASSWORD }))
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.status).toBe('signed_in')
    const tokens = signedIn.body.tokens as {
      accessToken: string
      idToken: string
      refreshToken: string
    }
    expect(typeof tokens.refreshToken).toBe('string')
    const access = createVerifier(
      cognito({ userPoolId: poolId, clientId, tokenUse: 'access', endpoint }),
    )
    const verified = await access.verify(tokens.accessToken)
    expect(verified.claims.client_id).toBe(clientId)
    expect(signedIn.body.username).toBe(verified.claims.username)
    const ids = createVerifier(cognito({ userPoolId: poolId, clientId, tokenUse: 'id', endpoint }))
    expect((await ids.verify(tokens.idToken)).claims.email).toBe(EMAIL)

    const refreshed = await call(post('/cognito/refresh', { refreshToken: tokens.refreshToken }))
    expect(refreshed.status).toBe(200)
    expect(refreshed.body.status).toBe('signed_in')
    expect(
      (await access.verify((refreshed.body.tokens as { accessToken: string }).accessToken)).claims
        .sub,
    ).toBe(verified.claims.sub)

    const badRefresh = await call(post('/cognito/refresh', { refreshToken: 'not-a-refresh-token' }))
    expect(badRefresh.status).toBe(401)
    expect(badRefresh.body.error).toBe('not_authorized')
  })

  it('forgot password: a code, a wrong code refused, the new password works and the old one does not', async () => {
    const forgot = await call(post('/cognito/forgot-password', { username: EMAIL }))
    expect(forgot.status).toBe(200)
    expect(forgot.body).toMatchObject({
      codeDelivery: { medium: 'EMAIL' },
      next: { step: 'confirm_forgot_password', username: EMAIL },
    })
    const wrong = await call(
      post('/cognito/confirm-forgot-password', {
        username: EMAIL,
        code: '000000',
        password: NEW_PASSWORD,
      }),
    )
    expect(wrong.status).toBe(400)
    expect(wrong.body.error).toBe('code_mismatch')
    const reset = await call(
      post('/cognito/confirm-forgot-password', {
        username: EMAIL,
        code: FIXED_CODE,
        password: NEW_PASSWORD,
      }),
    )
    expect(reset).toEqual({ status: 200, body: { next: { step: 'sign_in' } } })
    expect(
      (await call(post('/cognito/login', { username: EMAIL, password: PASSWORD }))).status,
    ).toBe(401)
    const signedIn = await call(post('/cognito/login', { username: EMAIL, password: NEW_PASSWORD }))
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.status).toBe('signed_in')
  })

  it('a user created by an administrator answers the new-password challenge, then has tokens', async () => {
    await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'carol@example.com',
        TemporaryPassword: 'Temporary-Horse-44!',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'carol@example.com' }],
      }),
    )
    const first = await call(
      post('/cognito/login', { username: 'carol@example.com', password: 'Temporary-Horse-44!' }),
    )
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({
      status: 'challenge',
      next: { step: 'new_password_required' },
    })
    const next = first.body.next as { session: string; username: string }
    const second = await call(
      post('/cognito/respond-to-challenge', {
        step: 'new_password_required',
        session: next.session,
        username: next.username,
        newPassword: 'Carols-Own-45!',
      }),
    )
    expect(second.status).toBe(200)
    expect(second.body.status).toBe('signed_in')
    const signedIn = await call(
      post('/cognito/login', { username: 'carol@example.com', password: 'Carols-Own-45!' }),
    )
    expect(signedIn.body.status).toBe('signed_in')
  })

  it('forgot password for an unknown user is what cognito-local says (UserNotFoundException: 404)', async () => {
    const unknown = await call(post('/cognito/forgot-password', { username: 'nobody@example.com' }))
    expect(unknown.status).toBe(404)
    expect(unknown.body.error).toBe('user_not_found')
  })

  it('a port where nothing listens is 503 cognito_unavailable with Retry-After', async () => {
    const probe = createServer()
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => {
        const address = probe.address()
        resolve(typeof address === 'object' && address !== null ? address.port : 0)
      }),
    )
    await new Promise((resolve) => probe.close(resolve))
    const down = cognitoUserRoutes(
      cognitoUserApi({
        region: 'us-east-1',
        clientId,
        endpoint: `http://127.0.0.1:${port}`,
        maxAttempts: 1,
      }),
    )
    const response = await down(post('/cognito/login', { username: EMAIL, password: PASSWORD }))
    expect(response?.status).toBe(503)
    expect(response?.headers.get('retry-after')).toBe('5')
    expect(await response?.json()).toMatchObject({ error: 'cognito_unavailable' })
  })

  it('a server that never answers is 503 after timeoutMs', async () => {
    const sockets = new Set<Socket>()
    const silent: Server = createServer((socket) => {
      sockets.add(socket)
    })
    const port = await new Promise<number>((resolve) =>
      silent.listen(0, '127.0.0.1', () => {
        const address = silent.address()
        resolve(typeof address === 'object' && address !== null ? address.port : 0)
      }),
    )
    try {
      const hung = cognitoUserRoutes(
        cognitoUserApi({
          region: 'us-east-1',
          clientId,
          endpoint: `http://127.0.0.1:${port}`,
          maxAttempts: 1,
          timeoutMs: 300,
        }),
      )
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
      const response = await hung(post('/cognito/login', { username: EMAIL, password: PASSWORD }))
      expect(response?.status).toBe(503)
      expect(await response?.json()).toMatchObject({ error: 'cognito_unavailable' })
      expect(warn).not.toHaveBeenCalled()
      warn.mockRestore()
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => silent.close(resolve))
    }
  })
})
