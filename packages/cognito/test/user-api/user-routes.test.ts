/**
 * The Cognito user API routes against msw at Cognito's real regional URL: every mapping of
 * Cognito's exceptions, the challenges, SECRET_HASH, global sign-out (cognito-local lacks it), and
 * every bad request. Real sign-up, confirm, sign-in, refresh and forgot password against
 * cognito-local are in cognito-local-user-api.test.ts.
 */
import { createHmac } from 'node:crypto'
import { ConfigError } from '@cloudauth/core'
import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  CognitoApiError,
  cognitoUserApi,
  cognitoUserRoutes,
  type FetchHandler,
} from '@cloudauth/cognito/user-api'
import { useMswServer } from '../setup-msw.js'
import { COGNITO_URL, REGION, fakeAccessToken, fakeCognito, post } from './aws.js'

const server = useMswServer()
const CLIENT_ID = '1example23456789abcdefghij'
const SECRET = 'client-secret-value-0123456789'
const PASSWORD = 'Correct-Horse-42!'
const CODE = '482913'
const SESSION = 'AYABeC-challenge-session-0123456789'

const api = cognitoUserApi({ region: REGION, clientId: CLIENT_ID, maxAttempts: 1 })
const routes = cognitoUserRoutes(api)
const withSecret = cognitoUserRoutes(
  cognitoUserApi({ region: REGION, clientId: CLIENT_ID, clientSecret: SECRET, maxAttempts: 1 }),
)

async function call(handler: FetchHandler, request: Request) {
  const response = await handler(request)
  if (response === undefined) throw new Error('the handler did not answer')
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> | undefined,
  }
}

const signedIn = (username = 'user-uuid-1') => ({
  json: {
    AuthenticationResult: {
      AccessToken: fakeAccessToken(username),
      IdToken: 'id.token.value',
      RefreshToken: 'refresh-token-value',
      ExpiresIn: 3600,
      TokenType: 'Bearer',
    },
    ChallengeParameters: {},
  },
})

afterEach(() => vi.restoreAllMocks())

describe('password sign-in', () => {
  it('answers tokens and the Cognito user name, and sends USER_PASSWORD_AUTH without SECRET_HASH', async () => {
    const cognito = fakeCognito(() => signedIn())
    server.use(cognito.handler)
    const answer = await call(
      routes,
      post('/cognito/login', { username: 'alice@example.com', password: PASSWORD }),
    )
    expect(answer.status).toBe(200)
    expect(answer.headers.get('cache-control')).toBe('no-store')
    expect(answer.body).toEqual({
      status: 'signed_in',
      username: 'user-uuid-1',
      tokens: {
        accessToken: fakeAccessToken('user-uuid-1'),
        idToken: 'id.token.value',
        refreshToken: 'refresh-token-value',
        expiresIn: 3600,
        tokenType: 'Bearer',
      },
    })
    expect(cognito.calls).toEqual([
      {
        operation: 'InitiateAuth',
        body: {
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: CLIENT_ID,
          AuthParameters: { USERNAME: 'alice@example.com', PASSWORD },
        },
      },
    ])
  })

  it('sends SECRET_HASH = Base64(HMAC-SHA256(secret, username + clientId)) when the client has a secret', async () => {
    const cognito = fakeCognito(() => signedIn())
    server.use(cognito.handler)
    await call(
      withSecret,
      post('/cognito/login', { username: 'alice@example.com', password: PASSWORD }),
    )
    const expected = createHmac('sha256', SECRET)
      .update(`alice@example.com${CLIENT_ID}`)
      .digest('base64')
    expect(cognito.calls[0]?.body).toMatchObject({ AuthParameters: { SECRET_HASH: expected } })
  })
})

describe('challenges as typed next steps', () => {
  it('new password required, then authenticator MFA, then tokens', async () => {
    const cognito = fakeCognito(({ operation, body }) => {
      if (operation === 'InitiateAuth')
        return {
          json: {
            ChallengeName: 'NEW_PASSWORD_REQUIRED',
            Session: SESSION,
            ChallengeParameters: {
              USER_ID_FOR_SRP: 'user-uuid-1',
              requiredAttributes: '["userAttributes.name"]',
              userAttributes: '{"email":"alice@example.com"}',
            },
          },
        }
      const responses = body.ChallengeResponses as Record<string, string>
      if (body.ChallengeName === 'NEW_PASSWORD_REQUIRED')
        return {
          json: {
            ChallengeName: 'SOFTWARE_TOKEN_MFA',
            Session: `${SESSION}-2`,
            ChallengeParameters: { USER_ID_FOR_SRP: responses.USERNAME ?? '' },
          },
        }
      return signedIn()
    })
    server.use(cognito.handler)
    const first = await call(
      routes,
      post('/cognito/login', { username: 'alice@example.com', password: PASSWORD }),
    )
    expect(first.status).toBe(200)
    expect(first.body).toEqual({
      status: 'challenge',
      next: {
        step: 'new_password_required',
        session: SESSION,
        username: 'user-uuid-1',
        requiredAttributes: ['name'],
      },
    })
    const next = first.body?.next as Record<string, unknown>
    const second = await call(
      routes,
      post('/cognito/respond-to-challenge', {
        ...next,
        newPassword: 'New-Horse-43!',
        attributes: { name: 'Alice' },
      }),
    )
    expect(second.body).toEqual({
      status: 'challenge',
      next: { step: 'software_token_mfa', session: `${SESSION}-2`, username: 'user-uuid-1' },
    })
    const third = await call(
      routes,
      post('/cognito/respond-to-challenge', { ...(second.body?.next as object), code: CODE }),
    )
    expect(third.status).toBe(200)
    expect(third.body).toMatchObject({ status: 'signed_in', username: 'user-uuid-1' })
    expect(cognito.calls.slice(1).map((c) => c.body)).toEqual([
      {
        ClientId: CLIENT_ID,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: SESSION,
        ChallengeResponses: {
          USERNAME: 'user-uuid-1',
          NEW_PASSWORD: 'New-Horse-43!',
          'userAttributes.name': 'Alice',
        },
      },
      {
        ClientId: CLIENT_ID,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: `${SESSION}-2`,
        ChallengeResponses: { USERNAME: 'user-uuid-1', SOFTWARE_TOKEN_MFA_CODE: CODE },
      },
    ])
  })

  it('SMS MFA names the masked destination, and the answer carries SMS_MFA_CODE and SECRET_HASH', async () => {
    const cognito = fakeCognito(({ operation }) =>
      operation === 'InitiateAuth'
        ? {
            json: {
              ChallengeName: 'SMS_MFA',
              Session: SESSION,
              ChallengeParameters: {
                USER_ID_FOR_SRP: 'user-uuid-1',
                CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS',
                CODE_DELIVERY_DESTINATION: '+*******1234',
              },
            },
          }
        : signedIn(),
    )
    server.use(cognito.handler)
    const first = await call(
      withSecret,
      post('/cognito/login', { username: 'alice@example.com', password: PASSWORD }),
    )
    expect(first.body).toEqual({
      status: 'challenge',
      next: {
        step: 'sms_mfa',
        session: SESSION,
        username: 'user-uuid-1',
        codeDelivery: { destination: '+*******1234', medium: 'SMS' },
      },
    })
    const second = await call(
      withSecret,
      post('/cognito/respond-to-challenge', {
        step: 'sms_mfa',
        session: SESSION,
        username: 'user-uuid-1',
        code: CODE,
      }),
    )
    expect(second.body).toMatchObject({ status: 'signed_in' })
    const hash = createHmac('sha256', SECRET).update(`user-uuid-1${CLIENT_ID}`).digest('base64')
    expect(cognito.calls[1]?.body).toMatchObject({
      ChallengeName: 'SMS_MFA',
      ChallengeResponses: { USERNAME: 'user-uuid-1', SMS_MFA_CODE: CODE, SECRET_HASH: hash },
    })
  })

  it('a challenge this API does not answer is 501 naming it', async () => {
    server.use(
      fakeCognito(() => ({
        json: { ChallengeName: 'SELECT_CHALLENGE', Session: SESSION, ChallengeParameters: {} },
      })).handler,
    )
    const answer = await call(
      routes,
      post('/cognito/login', { username: 'alice', password: PASSWORD }),
    )
    expect(answer.status).toBe(501)
    expect(answer.body).toMatchObject({ error: 'unsupported_challenge' })
    expect(String(answer.body?.message)).toContain('SELECT_CHALLENGE')
  })

  it('a wrong MFA code is 400 code_mismatch; a stale session is 401 with sign_in next', async () => {
    server.use(fakeCognito(() => ({ error: 'CodeMismatchException' })).handler)
    const mismatch = await call(
      routes,
      post('/cognito/respond-to-challenge', {
        step: 'software_token_mfa',
        session: SESSION,
        username: 'u',
        code: CODE,
      }),
    )
    expect(mismatch.status).toBe(400)
    expect(mismatch.body?.error).toBe('code_mismatch')
    server.use(
      fakeCognito(() => ({
        error: 'NotAuthorizedException',
        message: 'Invalid session for the user.',
      })).handler,
    )
    const stale = await call(
      routes,
      post('/cognito/respond-to-challenge', {
        step: 'software_token_mfa',
        session: SESSION,
        username: 'u',
        code: CODE,
      }),
    )
    expect(stale.status).toBe(401)
    expect(stale.body?.error).toBe('not_authorized')
    expect(stale.body?.next).toEqual({ step: 'sign_in' })
  })
})

describe('refresh', () => {
  it('REFRESH_TOKEN_AUTH without a new refresh token', async () => {
    const cognito = fakeCognito(() => ({
      json: {
        AuthenticationResult: {
          AccessToken: fakeAccessToken('user-uuid-1'),
          IdToken: 'id.token.2',
          ExpiresIn: 3600,
          TokenType: 'Bearer',
        },
      },
    }))
    server.use(cognito.handler)
    const answer = await call(
      routes,
      post('/cognito/refresh', { refreshToken: 'refresh-token-value' }),
    )
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ status: 'signed_in', tokens: { idToken: 'id.token.2' } })
    expect((answer.body?.tokens as object | undefined) ?? {}).not.toHaveProperty('refreshToken')
    expect(cognito.calls[0]?.body).toEqual({
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { REFRESH_TOKEN: 'refresh-token-value' },
    })
  })

  it('with a client secret: needs the user name (400 without), and hashes it', async () => {
    const cognito = fakeCognito(() => signedIn())
    server.use(cognito.handler)
    const missing = await call(
      withSecret,
      post('/cognito/refresh', { refreshToken: 'refresh-token-value' }),
    )
    expect(missing.status).toBe(400)
    expect(missing.body?.error).toBe('invalid_request')
    expect(cognito.calls).toHaveLength(0)
    await call(
      withSecret,
      post('/cognito/refresh', { refreshToken: 'refresh-token-value', username: 'user-uuid-1' }),
    )
    const hash = createHmac('sha256', SECRET).update(`user-uuid-1${CLIENT_ID}`).digest('base64')
    expect(cognito.calls[0]?.body).toMatchObject({ AuthParameters: { SECRET_HASH: hash } })
  })
})

describe('sign-up, codes and passwords', () => {
  it('sign-up answers 201 with the next step, and sends attributes and SecretHash', async () => {
    const cognito = fakeCognito(() => ({
      json: {
        UserSub: 'new-sub',
        UserConfirmed: false,
        CodeDeliveryDetails: {
          Destination: 'a***@e***',
          DeliveryMedium: 'EMAIL',
          AttributeName: 'email',
        },
      },
    }))
    server.use(cognito.handler)
    const answer = await call(
      withSecret,
      post('/cognito/sign-new-user', {
        username: 'alice@example.com',
        password: PASSWORD,
        attributes: { email: 'alice@example.com' },
      }),
    )
    expect(answer.status).toBe(201)
    const delivery = { destination: 'a***@e***', medium: 'EMAIL', attribute: 'email' }
    expect(answer.body).toEqual({
      userSub: 'new-sub',
      userConfirmed: false,
      next: { step: 'confirm_sign_up', username: 'alice@example.com', codeDelivery: delivery },
    })
    expect(cognito.calls[0]).toEqual({
      operation: 'SignUp',
      body: {
        ClientId: CLIENT_ID,
        Username: 'alice@example.com',
        Password: PASSWORD,
        UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }],
        SecretHash: createHmac('sha256', SECRET)
          .update(`alice@example.com${CLIENT_ID}`)
          .digest('base64'),
      },
    })
  })

  it.each([
    [
      '/cognito/confirm-sign-up',
      { username: 'alice', code: CODE },
      'ConfirmSignUp',
      { ConfirmationCode: CODE },
    ],
    ['/cognito/resend-code', { username: 'alice' }, 'ResendConfirmationCode', {}],
    ['/cognito/forgot-password', { username: 'alice' }, 'ForgotPassword', {}],
    [
      '/cognito/confirm-forgot-password',
      { username: 'alice', code: CODE, password: PASSWORD },
      'ConfirmForgotPassword',
      { ConfirmationCode: CODE, Password: PASSWORD },
    ],
  ])('%s calls %s', async (path, body, operation, fields) => {
    const cognito = fakeCognito(() => ({
      json: {
        CodeDeliveryDetails: {
          Destination: 'a***@e***',
          DeliveryMedium: 'EMAIL',
          AttributeName: 'email',
        },
      },
    }))
    server.use(cognito.handler)
    const answer = await call(routes, post(path, body))
    expect(answer.status).toBe(200)
    expect(cognito.calls).toEqual([
      { operation, body: { ClientId: CLIENT_ID, Username: 'alice', ...fields } },
    ])
    expect(answer.body?.next).toBeDefined()
  })
})

describe('global sign-out (answered at Cognito’s real URL: cognito-local lacks it)', () => {
  it('revokes with the bearer access token and answers 204', async () => {
    const cognito = fakeCognito(() => ({ json: {} }))
    server.use(cognito.handler)
    const token = fakeAccessToken('user-uuid-1')
    const response = await routes(
      post('/cognito/sign-out', '', { authorization: `Bearer ${token}` }),
    )
    expect(response?.status).toBe(204)
    expect(cognito.calls).toEqual([{ operation: 'GlobalSignOut', body: { AccessToken: token } }])
  })

  it('a revoked or expired access token is 401; no bearer is 400 without a call', async () => {
    const cognito = fakeCognito(() => ({
      error: 'NotAuthorizedException',
      message: 'Access Token has been revoked',
    }))
    server.use(cognito.handler)
    const revoked = await call(
      routes,
      post('/cognito/sign-out', '', { authorization: 'Bearer abc.def.ghi' }),
    )
    expect(revoked.status).toBe(401)
    expect(revoked.body).toEqual({
      error: 'not_authorized',
      message: 'The access token is invalid, expired or revoked.',
    })
    for (const authorization of [undefined, 'Basic abc', 'Bearer', 'Bearer a b']) {
      const missing = await call(
        routes,
        post('/cognito/sign-out', '', authorization === undefined ? {} : { authorization }),
      )
      expect(missing.status).toBe(400)
    }
    expect(cognito.calls).toHaveLength(1)
  })
})

describe("Cognito's errors mapped to clear answers", () => {
  const SIGN_IN = ['/cognito/login', { username: 'alice', password: PASSWORD }] as const
  const SIGN_UP = ['/cognito/sign-new-user', { username: 'alice', password: PASSWORD }] as const
  const CONFIRM = ['/cognito/confirm-sign-up', { username: 'alice', code: CODE }] as const
  const RESEND = ['/cognito/resend-code', { username: 'alice' }] as const
  const FORGOT = ['/cognito/forgot-password', { username: 'alice' }] as const
  const RESET = [
    '/cognito/confirm-forgot-password',
    { username: 'alice', code: CODE, password: PASSWORD },
  ] as const
  const REFRESH = ['/cognito/refresh', { refreshToken: 'refresh-token-value' }] as const

  it.each([
    [SIGN_IN, 'NotAuthorizedException', 401, 'not_authorized', undefined],
    [SIGN_IN, 'InvalidPasswordException', 401, 'not_authorized', undefined],
    [SIGN_IN, 'UserNotFoundException', 401, 'not_authorized', undefined],
    [SIGN_IN, 'UserNotConfirmedException', 403, 'user_not_confirmed', undefined],
    [SIGN_IN, 'PasswordResetRequiredException', 403, 'password_reset_required', undefined],
    [SIGN_IN, 'TooManyRequestsException', 429, 'too_many_requests', '1'],
    [SIGN_UP, 'UsernameExistsException', 409, 'user_exists', undefined],
    [SIGN_UP, 'AliasExistsException', 409, 'alias_exists', undefined],
    [SIGN_UP, 'InvalidPasswordException', 400, 'invalid_password', undefined],
    [SIGN_UP, 'InvalidParameterException', 400, 'invalid_parameter', undefined],
    [SIGN_UP, 'UserLambdaValidationException', 400, 'rejected_by_trigger', undefined],
    [SIGN_UP, 'CodeDeliveryFailureException', 502, 'code_delivery_failed', undefined],
    [CONFIRM, 'CodeMismatchException', 400, 'code_mismatch', undefined],
    [CONFIRM, 'ExpiredCodeException', 400, 'code_expired', undefined],
    [CONFIRM, 'UserNotFoundException', 400, 'code_mismatch', undefined],
    [CONFIRM, 'TooManyFailedAttemptsException', 429, 'too_many_requests', '60'],
    [RESEND, 'UserNotFoundException', 404, 'user_not_found', undefined],
    [RESEND, 'LimitExceededException', 429, 'too_many_requests', '60'],
    [FORGOT, 'LimitExceededException', 429, 'too_many_requests', '60'],
    [RESET, 'CodeMismatchException', 400, 'code_mismatch', undefined],
    [RESET, 'InvalidPasswordException', 400, 'invalid_password', undefined],
    [REFRESH, 'NotAuthorizedException', 401, 'not_authorized', undefined],
    [SIGN_IN, 'ResourceNotFoundException', 502, 'cognito_error', undefined],
  ] as const)('%j: %s is %i %s', async ([path, body], exception, status, code, retryAfter) => {
    server.use(
      fakeCognito(() => ({ error: exception, message: `${PASSWORD} ${CODE} leaked?` })).handler,
    )
    const answer = await call(routes, post(path, body))
    expect(answer.status).toBe(status)
    expect(answer.body?.error).toBe(code)
    expect(answer.headers.get('retry-after') ?? undefined).toBe(retryAfter)
    expect(answer.headers.get('cache-control')).toBe('no-store')
    // Cognito's own message is never passed on unless it is a password policy: no echo of inputs.
    expect(answer.text).not.toContain(PASSWORD)
    expect(answer.text).not.toContain(CODE)
  })

  it('a wrong password and an unknown user give the same answer', async () => {
    server.use(
      fakeCognito(() => ({
        error: 'NotAuthorizedException',
        message: 'Incorrect username or password.',
      })).handler,
    )
    const wrong = await call(routes, post(...SIGN_IN))
    server.use(
      fakeCognito(() => ({ error: 'UserNotFoundException', message: 'User does not exist.' }))
        .handler,
    )
    const unknown = await call(routes, post(...SIGN_IN))
    expect(unknown.text).toBe(wrong.text)
    expect(wrong.body).toEqual({
      error: 'not_authorized',
      message: 'Incorrect user name or password.',
    })
  })

  it('user not confirmed is 403 with the next step', async () => {
    server.use(fakeCognito(() => ({ error: 'UserNotConfirmedException' })).handler)
    const answer = await call(routes, post(...SIGN_IN))
    expect(answer.body).toEqual({
      error: 'user_not_confirmed',
      message: 'The user has not confirmed the sign-up: send the code Cognito delivered.',
      next: { step: 'confirm_sign_up', username: 'alice' },
    })
  })

  it("passes Cognito's password policy message, and nothing else Cognito says", async () => {
    const policy = 'Password did not conform with policy: Password must have uppercase characters'
    server.use(fakeCognito(() => ({ error: 'InvalidPasswordException', message: policy })).handler)
    expect((await call(routes, post(...SIGN_UP))).body?.message).toBe(policy)
  })

  it('Cognito failing (5xx, InternalErrorException) or unreachable is 503 with Retry-After', async () => {
    for (const failure of [
      () => ({ error: 'InternalErrorException', status: 500 }),
      () => ({ error: 'ServiceUnavailable', status: 503 }),
      () => HttpResponse.error(),
    ]) {
      server.use(fakeCognito(failure).handler)
      const answer = await call(routes, post(...SIGN_IN))
      expect(answer.status).toBe(503)
      expect(answer.body?.error).toBe('cognito_unavailable')
      expect(answer.headers.get('retry-after')).toBe('5')
    }
  })

  it('a closed port on loopback is 503', async () => {
    server.use(http.all('http://127.0.0.1:9/*', () => HttpResponse.error()))
    const down = cognitoUserRoutes(
      cognitoUserApi({
        region: REGION,
        clientId: CLIENT_ID,
        endpoint: 'http://127.0.0.1:9',
        maxAttempts: 1,
      }),
    )
    const answer = await call(down, post(...SIGN_IN))
    expect(answer.status).toBe(503)
  })

  it('a redirect from Cognito is never followed: 502', async () => {
    let followed = 0
    server.use(
      http.post(
        COGNITO_URL,
        () =>
          new HttpResponse(null, { status: 302, headers: { location: 'https://evil.example/' } }),
      ),
      http.all('https://evil.example/*', () => {
        followed++
        return HttpResponse.json({})
      }),
    )
    const answer = await call(routes, post(...SIGN_IN))
    expect(answer.status).toBe(502)
    expect(answer.body?.error).toBe('cognito_error')
    expect(followed).toBe(0)
  })

  it('the thrown CognitoApiError keeps the SDK error as its cause, for logs', async () => {
    server.use(fakeCognito(() => ({ error: 'NotAuthorizedException' })).handler)
    const error = await api
      .signIn({ username: 'alice', password: PASSWORD })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CognitoApiError)
    expect((error as CognitoApiError).status).toBe(401)
    expect(((error as Error).cause as Error).name).toBe('NotAuthorizedException')
  })
})

describe('bad requests never reach Cognito', () => {
  // No msw handler is installed: a call to Cognito would fail the test (onUnhandledRequest: 'error').
  it.each([
    ['/cognito/login', {}, ['username', 'password']],
    ['/cognito/login', { username: '', password: PASSWORD }, ['username']],
    ['/cognito/login', { username: 'alice', password: 42 }, ['password']],
    [
      '/cognito/sign-new-user',
      { username: 'alice', password: PASSWORD, attributes: { 'bad name!': 'x' } },
      ['attributes.bad name!'],
    ],
    ['/cognito/confirm-sign-up', { username: 'alice', code: '12 34' }, ['code']],
    ['/cognito/confirm-forgot-password', { username: 'alice', code: CODE }, ['password']],
    ['/cognito/refresh', { refreshToken: '' }, ['refreshToken']],
    [
      '/cognito/respond-to-challenge',
      { step: 'sms_mfa', session: SESSION, username: 'alice', code: 'abcdef' },
      ['code'],
    ],
    [
      '/cognito/respond-to-challenge',
      { step: 'select_mfa', session: SESSION, username: 'alice' },
      ['step'],
    ],
    ['/cognito/login', [], ['(body)']],
  ])('%s %j is 400 naming %j', async (path, body, fields) => {
    const answer = await call(routes, post(path, body))
    expect(answer.status).toBe(400)
    expect(answer.body?.error).toBe('invalid_request')
    expect((answer.body?.fields as { path: string }[]).map((f) => f.path)).toEqual(fields)
    expect(answer.text).not.toContain(PASSWORD)
  })

  it('a body that is not JSON is 400; another media type 415; a huge body 413', async () => {
    expect((await call(routes, post('/cognito/login', '{"username":'))).status).toBe(400)
    const form = new Request('https://app.example.com/cognito/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=alice&password=${PASSWORD}`,
    })
    expect((await call(routes, form)).status).toBe(415)
    const huge = await call(
      routes,
      post('/cognito/login', { username: 'alice', password: 'x'.repeat(20_000) }),
    )
    expect(huge.status).toBe(413)
    expect(huge.body?.error).toBe('payload_too_large')
  })

  it('answers each body problem with its exact JSON, no-store', async () => {
    const raw = (body: BodyInit, type = 'application/json', length?: string) =>
      new Request('https://app.example.com/cognito/login', {
        method: 'POST',
        headers: {
          'content-type': type,
          ...(length === undefined ? {} : { 'content-length': length }),
        },
        body,
      })
    const cases: [Request, number, Record<string, unknown>][] = [
      [
        raw('{}', 'text/plain'),
        415,
        { error: 'unsupported_media_type', message: 'The body must be application/json.' },
      ],
      [
        raw('{}', 'application/jsonp'),
        415,
        { error: 'unsupported_media_type', message: 'The body must be application/json.' },
      ],
      [
        raw('x'.repeat(16_385)),
        413,
        { error: 'payload_too_large', message: 'The body is larger than 16384 bytes.' },
      ],
      [
        raw('{"username":'),
        400,
        { error: 'invalid_request', message: 'The body is not valid JSON.' },
      ],
      [raw(''), 400, { error: 'invalid_request', message: 'The body is not valid JSON.' }],
      [
        raw(new Uint8Array([0x7b, 0xff, 0x7d])),
        400,
        { error: 'invalid_request', message: 'The body is not valid UTF-8.' },
      ],
      [
        raw(JSON.stringify({ username: 'alice' })),
        400,
        {
          error: 'invalid_request',
          message: 'The body is not valid: password.',
          fields: [
            { path: 'password', message: 'Invalid input: expected string, received undefined' },
          ],
        },
      ],
    ]
    for (const [request, status, body] of cases) {
      const answer = await call(routes, request)
      expect(answer.status).toBe(status)
      expect(answer.body).toEqual(body)
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(answer.headers.get('cache-control')).toBe('no-store')
    }
    const charset = await call(routes, raw('{}', 'Application/JSON ; charset=utf-8'))
    expect(charset.body?.error).toBe('invalid_request')
    const big = cognitoUserRoutes(api, { maxBodyBytes: 256 })
    const declared = await call(big, raw('{}', 'application/json', '257'))
    expect(declared.status).toBe(413)
    expect(declared.body?.message).toBe('The body is larger than 256 bytes.')
    const get = await call(routes, new Request('https://app.example.com/cognito/login'))
    expect(get.body).toEqual({ error: 'method_not_allowed', message: 'Only POST is allowed here.' })
    expect(get.headers.get('cache-control')).toBe('no-store')
  })

  it('another origin is 403; a listed one passes; no Origin passes', async () => {
    const body = { username: 'alice', password: PASSWORD }
    const cross = await call(
      routes,
      post('/cognito/login', body, { origin: 'https://evil.example' }),
    )
    expect(cross.status).toBe(403)
    expect(cross.body?.error).toBe('forbidden_origin')
    server.use(fakeCognito(() => signedIn()).handler)
    expect(
      (await call(routes, post('/cognito/login', body, { origin: 'https://app.example.com' })))
        .status,
    ).toBe(200)
    const listed = cognitoUserRoutes(api, { allowedOrigins: ['https://spa.example.com'] })
    expect(
      (await call(listed, post('/cognito/login', body, { origin: 'https://spa.example.com' })))
        .status,
    ).toBe(200)
    expect((await call(listed, post('/cognito/login', body))).status).toBe(200)
  })

  it('other methods are 405 with Allow; OPTIONS and other paths fall through', async () => {
    const get = await call(routes, new Request('https://app.example.com/cognito/login'))
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect(
      await routes(new Request('https://app.example.com/cognito/login', { method: 'OPTIONS' })),
    ).toBeUndefined()
    expect(await routes(post('/cognito/nope', {}))).toBeUndefined()
    expect(await routes(post('/login', {}))).toBeUndefined()
  })

  it('routes can move and be renamed', async () => {
    server.use(fakeCognito(() => signedIn()).handler)
    const moved = cognitoUserRoutes(api, { prefix: '/auth/cognito', paths: { signIn: '/sign-in' } })
    expect(
      (await call(moved, post('/auth/cognito/sign-in', { username: 'a', password: PASSWORD })))
        .status,
    ).toBe(200)
    expect(await moved(post('/cognito/login', {}))).toBeUndefined()
  })
})

describe('secrets stay out of logs', () => {
  it('logs nothing through a whole run of routes and failures', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation(() => undefined),
    )
    server.use(
      fakeCognito(({ operation }) =>
        operation === 'InitiateAuth' ? signedIn() : { error: 'CodeMismatchException' },
      ).handler,
    )
    await call(withSecret, post('/cognito/login', { username: 'alice', password: PASSWORD }))
    await call(withSecret, post('/cognito/confirm-sign-up', { username: 'alice', code: CODE }))
    await call(withSecret, post('/cognito/login', { username: 'alice', password: 7 }))
    for (const spy of spies) expect(spy).not.toHaveBeenCalled()
  })
})

describe('configuration mistakes throw ConfigError at construction', () => {
  it.each([
    [{ region: REGION, clientId: 'not a client id' }, 'clientId'],
    [{ clientId: CLIENT_ID }, 'region'],
    [{ region: 'mars-1', clientId: CLIENT_ID }, 'region'],
    [{ userPoolId: 'us-east-1_AbC', region: REGION, clientId: CLIENT_ID }, 'region'],
    [{ region: REGION, clientId: CLIENT_ID, endpoint: 'http://cognito.example.com' }, 'endpoint'],
    [{ region: REGION, clientId: CLIENT_ID, clientSecret: '' }, 'clientSecret'],
    [{ region: REGION, clientId: CLIENT_ID, maxAttempts: 0 }, 'maxAttempts'],
    [{ region: REGION, clientId: CLIENT_ID, timeoutMs: 1.5 }, 'timeoutMs'],
  ])('%j names %s', (options, option) => {
    expect(() => cognitoUserApi(options as never)).toThrow(ConfigError)
    expect(() => cognitoUserApi(options as never)).toThrow(option)
  })

  it('the region comes from an AWS pool id', () => {
    expect(
      cognitoUserApi({ userPoolId: 'eu-west-1_AbCdEf123', clientId: CLIENT_ID }).clientId,
    ).toBe(CLIENT_ID)
  })

  it.each([
    [{ prefix: 'cognito' }, 'prefix'],
    [{ paths: { signIn: '/refresh' } }, 'paths'],
    [{ allowedOrigins: ['https://app.example.com/path'] }, 'allowedOrigins'],
    [{ maxBodyBytes: 0 }, 'maxBodyBytes'],
  ])('routes %j names %s', (options, option) => {
    expect(() => cognitoUserRoutes(api, options as never)).toThrow(option)
  })
})
