/**
 * Authenticator-app MFA against a REAL cognito-local on 127.0.0.1 (no msw in this file): a
 * signed-in user associates a TOTP secret, verifies it with a code computed from that secret
 * (RFC 6238) and turns it on; the next sign-in asks for the code; with SMS on too it asks to
 * choose (SELECT_MFA_TYPE); turning both off signs in straight away. The sign-in's MFA_SETUP
 * (AssociateSoftwareToken with a session) is not implemented by cognito-local: mfa.test.ts covers
 * it with msw at Cognito's real URL.
 */
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider'
import { createVerifier } from '@cloudauth/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cognito } from '@cloudauth/cognito'
import { cognitoUserApi, cognitoUserRoutes, type FetchHandler } from '@cloudauth/cognito/user-api'
import { FIXED_CODE, startEmulator, type Emulator } from './emulator.js'
import { post } from './aws.js'
import { totp } from './totp.js'

const EMAIL = 'carol@example.com'
const PASSWORD = 'Third-Horse-44!'

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

const login = () => call(post('/cognito/login', { username: EMAIL, password: PASSWORD }))
const withToken = (path: string, body: unknown, accessToken: string) =>
  post(path, body, { authorization: `Bearer ${accessToken}` })

/** A six-digit code that is none of the codes cognito-local accepts now (±30 s). */
function wrongCode(secret: string): string {
  const valid = new Set([-30_000, 0, 30_000].map((shift) => totp(secret, Date.now() + shift)))
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0')
    if (!valid.has(candidate)) return candidate
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
  const pool = await admin.send(
    new CreateUserPoolCommand({ PoolName: 'user-api-mfa', MfaConfiguration: 'OPTIONAL' }),
  )
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
    cognitoUserApi({
      userPoolId: poolId,
      region: 'us-east-1',
      clientId,
      endpoint,
      maxAttempts: 1,
      totpIssuer: 'Example App',
    }),
  )
  const signUp = await call(
    post('/cognito/sign-new-user', {
      username: EMAIL,
      password: PASSWORD,
      attributes: { email: EMAIL },
    }),
  )
  expect(signUp.status).toBe(201)
  const confirmed = await call(
    post('/cognito/confirm-sign-up', { username: EMAIL, code: FIXED_CODE }),
  )
  expect(confirmed.status).toBe(200)
}, 25_000)

afterAll(async () => {
  admin?.destroy()
  await emulator?.stop()
})

describe('authenticator-app MFA against cognito-local', () => {
  it('enrols, then every sign-in asks for the code; SMS on too asks to choose; off again', async () => {
    const first = await login()
    expect(first.body.status).toBe('signed_in')
    const accessToken = (first.body.tokens as { accessToken: string }).accessToken

    // Associate: the secret is for the user of the Authorization header.
    const associated = await call(
      withToken('/cognito/mfa/software-token', { accountName: EMAIL }, accessToken),
    )
    expect(associated.status).toBe(200)
    const secret = String(associated.body.secretCode)
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/)
    expect(associated.body.otpauthUri).toBe(
      `otpauth://totp/Example%20App:carol%40example.com?secret=${secret}&issuer=Example%20App&algorithm=SHA1&digits=6&period=30`,
    )

    // A wrong first code turns nothing on.
    const refused = await call(
      withToken('/cognito/mfa/software-token/verify', { code: wrongCode(secret) }, accessToken),
    )
    expect(refused.status).toBe(400)
    expect(refused.body.error).toBe('code_mismatch')
    expect((await login()).body.status).toBe('signed_in')

    // The app's code verifies the token and turns TOTP on.
    const verified = await call(
      withToken(
        '/cognito/mfa/software-token/verify',
        { code: totp(secret), deviceName: "Carol's phone" },
        accessToken,
      ),
    )
    expect(verified).toEqual({
      status: 200,
      body: { softwareToken: { enabled: true, preferred: true } },
    })

    // Now the sign-in asks for the code.
    const challenged = await login()
    expect(challenged.status).toBe(200)
    expect(challenged.body).toMatchObject({
      status: 'challenge',
      next: { step: 'software_token_mfa' },
    })
    const next = challenged.body.next as Record<string, unknown>
    const mismatch = await call(
      post('/cognito/respond-to-challenge', { ...next, code: wrongCode(secret) }),
    )
    expect(mismatch.status).toBe(400)
    expect(mismatch.body.error).toBe('code_mismatch')
    const done = await call(post('/cognito/respond-to-challenge', { ...next, code: totp(secret) }))
    expect(done.status).toBe(200)
    expect(done.body.status).toBe('signed_in')
    const tokens = done.body.tokens as { accessToken: string }
    const access = createVerifier(
      cognito({ userPoolId: poolId, clientId, tokenUse: 'access', endpoint }),
    )
    expect((await access.verify(tokens.accessToken)).claims.username).toBe(done.body.username)

    // With SMS on as well, Cognito asks which factor to use.
    const both = await call(
      withToken('/cognito/mfa/preference', { sms: { enabled: true } }, tokens.accessToken),
    )
    expect(both.status).toBe(204)
    const select = await login()
    expect(select.body).toMatchObject({
      status: 'challenge',
      next: { step: 'select_mfa_type', mfaTypes: ['SMS_MFA', 'SOFTWARE_TOKEN_MFA'] },
    })
    const chosen = await call(
      post('/cognito/respond-to-challenge', {
        ...(select.body.next as object),
        mfaType: 'SOFTWARE_TOKEN_MFA',
      }),
    )
    expect(chosen.body).toMatchObject({
      status: 'challenge',
      next: { step: 'software_token_mfa' },
    })
    const chosenDone = await call(
      post('/cognito/respond-to-challenge', {
        ...(chosen.body.next as object),
        code: totp(secret),
      }),
    )
    expect(chosenDone.body.status).toBe('signed_in')

    // Both off: the sign-in gives tokens straight away.
    const off = await call(
      withToken(
        '/cognito/mfa/preference',
        { softwareToken: { enabled: false }, sms: { enabled: false } },
        tokens.accessToken,
      ),
    )
    expect(off.status).toBe(204)
    expect((await login()).body.status).toBe('signed_in')
  })

  it('a token Cognito cannot read gets no secret', async () => {
    const answer = await call(withToken('/cognito/mfa/software-token', {}, 'not.a-real.token'))
    // cognito-local answers InvalidParameterException for a token it cannot decode.
    expect(answer).toEqual({
      status: 400,
      body: { error: 'invalid_parameter', message: 'Cognito refused a parameter of the request.' },
    })
  })
})
