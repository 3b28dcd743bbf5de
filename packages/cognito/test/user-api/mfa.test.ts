/**
 * Every MFA challenge of the Cognito user API against msw at Cognito's real regional URL (AWS
 * JSON 1.1): e-mail codes, choosing a factor, custom challenges, setting up an authenticator
 * inside a sign-in (AssociateSoftwareToken -> VerifySoftwareToken -> RespondToAuthChallenge
 * MFA_SETUP), a signed-in user's enrolment and MFA settings, and every failure of those calls.
 * Each test asserts the exact requests the SDK sent: X-Amz-Target, Session, ChallengeResponses.
 */
import { createHmac } from 'node:crypto'
import { ConfigError } from '@cloudauth/core'
import { HttpResponse, http, type JsonBodyType } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  CognitoApiError,
  cognitoUserApi,
  cognitoUserRoutes,
  type FetchHandler,
} from '@cloudauth/cognito/user-api'
import { useMswServer } from '../setup-msw.js'
import { COGNITO_URL, REGION, fakeAccessToken, post } from './aws.js'
import { totp } from './totp.js'

const server = useMswServer()
const CLIENT_ID = '1example23456789abcdefghij'
const SECRET = 'client-secret-value-0123456789'
const PASSWORD = 'Correct-Horse-42!'
const CODE = '482913'
const S1 = 'AYABeC-session-one-0123456789'
const S2 = 'AYABeC-session-two-0123456789'
const S3 = 'AYABeC-session-three-012345678'
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
const USER = 'user-uuid-1'
const ACCESS = fakeAccessToken(USER)
const TARGET = 'AWSCognitoIdentityProviderService.'

const api = cognitoUserApi({
  region: REGION,
  clientId: CLIENT_ID,
  maxAttempts: 1,
  totpIssuer: 'Example App',
})
const routes = cognitoUserRoutes(api)
const withSecret = cognitoUserRoutes(
  cognitoUserApi({ region: REGION, clientId: CLIENT_ID, clientSecret: SECRET, maxAttempts: 1 }),
)
const hashOf = (username: string) =>
  createHmac('sha256', SECRET).update(`${username}${CLIENT_ID}`).digest('base64')

interface Sent {
  readonly target: string | null
  readonly contentType: string | null
  readonly body: Record<string, unknown>
}

type Reply =
  | { readonly json: JsonBodyType }
  | { readonly error: string; readonly message?: string; readonly status?: number }

/** msw standing in for Cognito; records the raw target header and body of every request. */
function cognito(answer: (operation: string, body: Record<string, unknown>) => Reply) {
  const sent: Sent[] = []
  server.use(
    http.post(COGNITO_URL, async ({ request }) => {
      const target = request.headers.get('x-amz-target')
      const body = (await request.json()) as Record<string, unknown>
      sent.push({ target, contentType: request.headers.get('content-type'), body })
      const reply = answer((target ?? '').replace(TARGET, ''), body)
      const headers = { 'content-type': 'application/x-amz-json-1.1' }
      if ('json' in reply) return HttpResponse.json(reply.json, { headers })
      return HttpResponse.json(
        { __type: reply.error, message: reply.message ?? `${reply.error}: ${CODE} ${S1}` },
        {
          status: reply.status ?? 400,
          headers: { ...headers, 'x-amzn-errortype': `${reply.error}:` },
        },
      )
    }),
  )
  return sent
}

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

const tokens = (username = USER) => ({
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

const challenge = (name: string, session: string, parameters: Record<string, string> = {}) => ({
  json: {
    ChallengeName: name,
    Session: session,
    ChallengeParameters: { USER_ID_FOR_SRP: USER, ...parameters },
  },
})

const login = (handler = routes) =>
  call(handler, post('/cognito/login', { username: 'alice@example.com', password: PASSWORD }))
const respond = (body: Record<string, unknown>, handler = routes) =>
  call(handler, post('/cognito/respond-to-challenge', body))
const bearer = (path: string, body?: unknown, token = ACCESS) =>
  body === undefined
    ? new Request(`https://app.example.com${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      })
    : post(path, body, { authorization: `Bearer ${token}` })

afterEach(() => vi.restoreAllMocks())

describe('the RFC 6238 helper the tests type codes with', () => {
  it('gives the RFC 6238 appendix B SHA-1 code at T = 59 s', () => {
    // Secret "12345678901234567890"; the RFC lists 94287082 for eight digits.
    expect(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000)).toBe('287082')
  })
})

describe('EMAIL_OTP', () => {
  it('is an email_otp step naming the masked address; the answer is EMAIL_OTP_CODE', async () => {
    const sent = cognito((operation) =>
      operation === 'InitiateAuth'
        ? challenge('EMAIL_OTP', S1, {
            CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL',
            CODE_DELIVERY_DESTINATION: 'a***@e***',
          })
        : tokens(),
    )
    const first = await login(withSecret)
    expect(first.body).toEqual({
      status: 'challenge',
      next: {
        step: 'email_otp',
        session: S1,
        username: USER,
        codeDelivery: { destination: 'a***@e***', medium: 'EMAIL' },
      },
    })
    const second = await respond({ ...(first.body?.next as object), code: '12345678' }, withSecret)
    expect(second.status).toBe(200)
    expect(second.body).toMatchObject({ status: 'signed_in', username: USER })
    expect(sent[1]).toEqual({
      target: `${TARGET}RespondToAuthChallenge`,
      contentType: 'application/x-amz-json-1.1',
      body: {
        ClientId: CLIENT_ID,
        ChallengeName: 'EMAIL_OTP',
        Session: S1,
        ChallengeResponses: {
          USERNAME: USER,
          EMAIL_OTP_CODE: '12345678',
          SECRET_HASH: hashOf(USER),
        },
      },
    })
  })

  it.each([
    ['CodeMismatchException', 400, 'code_mismatch', undefined],
    ['ExpiredCodeException', 400, 'code_expired', undefined],
    ['NotAuthorizedException', 401, 'not_authorized', { step: 'sign_in' }],
    ['TooManyFailedAttemptsException', 429, 'too_many_requests', undefined],
  ])('%s is %i %s', async (exception, status, code, next) => {
    cognito(() => ({ error: exception }))
    const answer = await respond({ step: 'email_otp', session: S1, username: USER, code: CODE })
    expect(answer.status).toBe(status)
    expect(answer.body?.error).toBe(code)
    expect(answer.body?.next).toEqual(next)
    expect(answer.text).not.toContain(CODE)
    expect(answer.text).not.toContain(S1)
  })
})

describe('SELECT_MFA_TYPE', () => {
  it('lists the factors Cognito offers; the choice is ANSWER; then that factor’s challenge', async () => {
    const sent = cognito((operation, body) => {
      if (operation === 'InitiateAuth')
        return challenge('SELECT_MFA_TYPE', S1, {
          MFAS_CAN_CHOOSE: '["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP","WEB_AUTHN"]',
        })
      if (body.ChallengeName === 'SELECT_MFA_TYPE') return challenge('SOFTWARE_TOKEN_MFA', S2)
      return tokens()
    })
    const first = await login()
    expect(first.body).toEqual({
      status: 'challenge',
      next: {
        step: 'select_mfa_type',
        session: S1,
        username: USER,
        // Factors this API does not know (WEB_AUTHN is a USER_AUTH factor) are left out.
        mfaTypes: ['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP'],
      },
    })
    const second = await respond({
      step: 'select_mfa_type',
      session: S1,
      username: USER,
      mfaType: 'SOFTWARE_TOKEN_MFA',
    })
    expect(second.body).toEqual({
      status: 'challenge',
      next: { step: 'software_token_mfa', session: S2, username: USER },
    })
    const third = await respond({ ...(second.body?.next as object), code: CODE })
    expect(third.body).toMatchObject({ status: 'signed_in' })
    expect(sent.slice(1)).toEqual([
      {
        target: `${TARGET}RespondToAuthChallenge`,
        contentType: 'application/x-amz-json-1.1',
        body: {
          ClientId: CLIENT_ID,
          ChallengeName: 'SELECT_MFA_TYPE',
          Session: S1,
          ChallengeResponses: { USERNAME: USER, ANSWER: 'SOFTWARE_TOKEN_MFA' },
        },
      },
      {
        target: `${TARGET}RespondToAuthChallenge`,
        contentType: 'application/x-amz-json-1.1',
        body: {
          ClientId: CLIENT_ID,
          ChallengeName: 'SOFTWARE_TOKEN_MFA',
          Session: S2,
          ChallengeResponses: { USERNAME: USER, SOFTWARE_TOKEN_MFA_CODE: CODE },
        },
      },
    ])
  })

  it('choosing EMAIL_OTP leads to the email_otp step, with SECRET_HASH', async () => {
    const sent = cognito(() =>
      challenge('EMAIL_OTP', S2, {
        CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL',
        CODE_DELIVERY_DESTINATION: 'a***@e***',
      }),
    )
    const answer = await respond(
      { step: 'select_mfa_type', session: S1, username: USER, mfaType: 'EMAIL_OTP' },
      withSecret,
    )
    expect(answer.body).toMatchObject({ next: { step: 'email_otp', session: S2 } })
    expect(sent[0]?.body.ChallengeResponses).toEqual({
      USERNAME: USER,
      ANSWER: 'EMAIL_OTP',
      SECRET_HASH: hashOf(USER),
    })
  })

  it('a malformed MFAS_CAN_CHOOSE gives an empty list, not a crash', async () => {
    cognito(() => challenge('SELECT_MFA_TYPE', S1, { MFAS_CAN_CHOOSE: 'SMS_MFA,' }))
    expect((await login()).body).toMatchObject({ next: { mfaTypes: [] } })
  })

  it.each([
    ['MFAMethodNotFoundException', 400, 'mfa_not_enabled'],
    ['InvalidParameterException', 400, 'invalid_parameter'],
    ['NotAuthorizedException', 401, 'not_authorized'],
    ['InvalidSmsRoleAccessPolicyException', 502, 'code_delivery_failed'],
    ['InvalidSmsRoleTrustRelationshipException', 502, 'code_delivery_failed'],
    ['InvalidEmailRoleAccessPolicyException', 502, 'code_delivery_failed'],
    ['CodeDeliveryFailureException', 502, 'code_delivery_failed'],
  ])('%s is %i %s', async (exception, status, code) => {
    cognito(() => ({ error: exception }))
    const answer = await respond({
      step: 'select_mfa_type',
      session: S1,
      username: USER,
      mfaType: 'SMS_MFA',
    })
    expect(answer.status).toBe(status)
    expect(answer.body?.error).toBe(code)
  })
})

describe('CUSTOM_CHALLENGE', () => {
  it('passes the public parameters through and answers with ANSWER, round after round', async () => {
    let round = 0
    const sent = cognito((operation) => {
      if (operation === 'InitiateAuth')
        return challenge('CUSTOM_CHALLENGE', S1, { USERNAME: USER, question: 'Capital of France?' })
      round++
      return round === 1
        ? challenge('CUSTOM_CHALLENGE', S2, { USERNAME: USER, question: 'And of Italy?' })
        : tokens()
    })
    const first = await login()
    expect(first.body).toEqual({
      status: 'challenge',
      next: {
        step: 'custom_challenge',
        session: S1,
        username: USER,
        parameters: { question: 'Capital of France?' },
      },
    })
    const second = await respond({ ...(first.body?.next as object), answer: 'Paris' })
    expect(second.body).toMatchObject({
      next: { step: 'custom_challenge', session: S2, parameters: { question: 'And of Italy?' } },
    })
    const third = await respond({ ...(second.body?.next as object), answer: 'Rome' })
    expect(third.body).toMatchObject({ status: 'signed_in' })
    expect(sent.slice(1).map((s) => s.body)).toEqual([
      {
        ClientId: CLIENT_ID,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: S1,
        ChallengeResponses: { USERNAME: USER, ANSWER: 'Paris' },
      },
      {
        ClientId: CLIENT_ID,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: S2,
        ChallengeResponses: { USERNAME: USER, ANSWER: 'Rome' },
      },
    ])
  })

  it('a wrong last answer (NotAuthorizedException) is 401, sign in again; a trigger error is 502', async () => {
    cognito(() => ({ error: 'NotAuthorizedException', message: 'Incorrect username or password.' }))
    const body = { step: 'custom_challenge', session: S1, username: USER, answer: 'Lyon' }
    const wrong = await respond(body)
    expect(wrong.status).toBe(401)
    expect(wrong.body).toEqual({
      error: 'not_authorized',
      message: 'The challenge session is invalid or expired, or the answer is wrong.',
      next: { step: 'sign_in' },
    })
    cognito(() => ({ error: 'UnexpectedLambdaException' }))
    const broken = await respond(body)
    expect(broken.status).toBe(502)
    expect(broken.body?.error).toBe('cognito_error')
    expect(broken.text).not.toContain('Lyon')
  })
})

describe('MFA_SETUP: an authenticator set up inside the sign-in', () => {
  it('associate with the challenge session, then verify + MFA_SETUP chained by the server', async () => {
    const sent = cognito((operation) => {
      switch (operation) {
        case 'InitiateAuth':
          return challenge('MFA_SETUP', S1, { MFAS_CAN_SETUP: '["SMS_MFA","SOFTWARE_TOKEN_MFA"]' })
        case 'AssociateSoftwareToken':
          return { json: { SecretCode: TOTP_SECRET, Session: S2 } }
        case 'VerifySoftwareToken':
          return { json: { Status: 'SUCCESS', Session: S3 } }
        default:
          return tokens()
      }
    })
    const first = await login(withSecret)
    expect(first.body).toEqual({
      status: 'challenge',
      next: {
        step: 'mfa_setup',
        session: S1,
        username: USER,
        mfaTypes: ['SMS_MFA', 'SOFTWARE_TOKEN_MFA'],
      },
    })
    const next = first.body?.next as Record<string, unknown>
    const setup = await call(
      withSecret,
      post('/cognito/mfa-setup/software-token', {
        session: next.session,
        username: next.username,
        accountName: 'alice@example.com',
      }),
    )
    expect(setup.status).toBe(200)
    expect(setup.headers.get('cache-control')).toBe('no-store')
    expect(setup.body).toEqual({
      secretCode: TOTP_SECRET,
      otpauthUri: `otpauth://totp/alice%40example.com?secret=${TOTP_SECRET}&algorithm=SHA1&digits=6&period=30`,
      next: { step: 'verify_software_token', session: S2, username: USER },
    })
    const code = totp(TOTP_SECRET)
    const done = await respond(
      { ...(setup.body?.next as object), code, deviceName: "Alice's phone" },
      withSecret,
    )
    expect(done.status).toBe(200)
    expect(done.body).toMatchObject({ status: 'signed_in', username: USER })
    expect(sent.slice(1)).toEqual([
      {
        target: `${TARGET}AssociateSoftwareToken`,
        contentType: 'application/x-amz-json-1.1',
        body: { Session: S1 },
      },
      {
        target: `${TARGET}VerifySoftwareToken`,
        contentType: 'application/x-amz-json-1.1',
        body: { Session: S2, UserCode: code, FriendlyDeviceName: "Alice's phone" },
      },
      {
        target: `${TARGET}RespondToAuthChallenge`,
        contentType: 'application/x-amz-json-1.1',
        body: {
          ClientId: CLIENT_ID,
          ChallengeName: 'MFA_SETUP',
          Session: S3,
          ChallengeResponses: { USERNAME: USER, SECRET_HASH: hashOf(USER) },
        },
      },
    ])
  })

  it('the otpauth URI carries the issuer option and defaults the account to the user name', async () => {
    cognito(() => ({ json: { SecretCode: `${TOTP_SECRET}====`, Session: S2 } }))
    const setup = await call(
      routes,
      post('/cognito/mfa-setup/software-token', { session: S1, username: USER }),
    )
    const uri = new URL(String(setup.body?.otpauthUri))
    expect(uri.protocol).toBe('otpauth:')
    expect(uri.host).toBe('totp')
    expect(decodeURIComponent(uri.pathname)).toBe(`/Example App:${USER}`)
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: TOTP_SECRET,
      issuer: 'Example App',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    })
    expect(String(setup.body?.otpauthUri)).toContain('Example%20App:user-uuid-1?')
  })

  it('MFA_SETUP can be followed by another challenge', async () => {
    cognito((operation) =>
      operation === 'VerifySoftwareToken'
        ? { json: { Status: 'SUCCESS', Session: S3 } }
        : challenge('CUSTOM_CHALLENGE', 'AYABeC-session-four-0123456789', { step: '2' }),
    )
    const answer = await respond({
      step: 'verify_software_token',
      session: S2,
      username: USER,
      code: CODE,
    })
    expect(answer.body).toMatchObject({
      status: 'challenge',
      next: { step: 'custom_challenge', parameters: { step: '2' } },
    })
  })

  it('a wrong first code is 400 code_mismatch and never reaches RespondToAuthChallenge', async () => {
    for (const reply of [
      { json: { Status: 'ERROR', Session: S3 } },
      { error: 'EnableSoftwareTokenMFAException' },
      { error: 'CodeMismatchException' },
    ] as const) {
      const sent = cognito(() => reply)
      const answer = await respond({
        step: 'verify_software_token',
        session: S2,
        username: USER,
        code: CODE,
      })
      expect(answer.status).toBe(400)
      expect(answer.body).toEqual({ error: 'code_mismatch', message: 'The code is wrong.' })
      expect(sent.map((s) => s.target)).toEqual([`${TARGET}VerifySoftwareToken`])
    }
  })

  it.each([
    ['AssociateSoftwareToken', 'NotAuthorizedException', 401, 'not_authorized'],
    ['AssociateSoftwareToken', 'SoftwareTokenMFANotFoundException', 400, 'mfa_not_enabled'],
    ['AssociateSoftwareToken', 'ConcurrentModificationException', 409, 'concurrent_modification'],
    ['AssociateSoftwareToken', 'TooManyRequestsException', 429, 'too_many_requests'],
    ['AssociateSoftwareToken', 'InternalErrorException', 503, 'cognito_unavailable'],
    ['VerifySoftwareToken', 'NotAuthorizedException', 401, 'not_authorized'],
    ['VerifySoftwareToken', 'ExpiredCodeException', 400, 'code_expired'],
    ['VerifySoftwareToken', 'LimitExceededException', 429, 'too_many_requests'],
    ['VerifySoftwareToken', 'InvalidUserPoolConfigurationException', 502, 'cognito_error'],
    ['RespondToAuthChallenge', 'NotAuthorizedException', 401, 'not_authorized'],
    ['RespondToAuthChallenge', 'TooManyRequestsException', 429, 'too_many_requests'],
  ])('%s failing with %s is %i %s', async (failing, exception, status, code) => {
    cognito((operation) => {
      if (operation === failing)
        return { error: exception, status: exception === 'InternalErrorException' ? 500 : 400 }
      if (operation === 'VerifySoftwareToken') return { json: { Status: 'SUCCESS', Session: S3 } }
      return tokens()
    })
    const answer =
      failing === 'AssociateSoftwareToken'
        ? await call(
            routes,
            post('/cognito/mfa-setup/software-token', { session: S1, username: USER }),
          )
        : await respond({ step: 'verify_software_token', session: S2, username: USER, code: CODE })
    expect(answer.status).toBe(status)
    expect(answer.body?.error).toBe(code)
    const retry = {
      too_many_requests: exception === 'TooManyRequestsException' ? '1' : '60',
      cognito_unavailable: '5',
    }
    expect(answer.headers.get('retry-after') ?? undefined).toBe(retry[code as keyof typeof retry])
    // An expired or refused session: the way out is a new sign-in.
    if (code === 'not_authorized') expect(answer.body?.next).toEqual({ step: 'sign_in' })
    for (const secret of [CODE, S1, S2, S3, TOTP_SECRET]) expect(answer.text).not.toContain(secret)
  })

  it('an answer without a usable secret or session is 502, never a half-made step', async () => {
    for (const json of [
      { Session: S2 },
      { SecretCode: 'not base32!', Session: S2 },
      { SecretCode: TOTP_SECRET },
    ]) {
      cognito(() => ({ json }))
      const answer = await call(
        routes,
        post('/cognito/mfa-setup/software-token', { session: S1, username: USER }),
      )
      expect(answer.status).toBe(502)
      expect(answer.body?.error).toBe('cognito_error')
      expect(answer.text).not.toContain(TOTP_SECRET)
    }
    const sent = cognito(() => ({ json: { Status: 'SUCCESS' } }))
    const verified = await respond({
      step: 'verify_software_token',
      session: S2,
      username: USER,
      code: CODE,
    })
    expect(verified.status).toBe(502)
    expect(sent).toHaveLength(1)
  })
})

describe('a signed-in user turns the authenticator app on and off (Bearer access token)', () => {
  it('associate: the user comes from the Authorization header, never from the body', async () => {
    const sent = cognito(() => ({ json: { SecretCode: TOTP_SECRET } }))
    const answer = await call(
      routes,
      bearer('/cognito/mfa/software-token', {
        accountName: 'alice@example.com',
        accessToken: fakeAccessToken('mallory'),
        username: 'mallory',
      }),
    )
    expect(answer.status).toBe(200)
    expect(answer.headers.get('cache-control')).toBe('no-store')
    expect(answer.body).toEqual({
      secretCode: TOTP_SECRET,
      otpauthUri: `otpauth://totp/Example%20App:alice%40example.com?secret=${TOTP_SECRET}&issuer=Example%20App&algorithm=SHA1&digits=6&period=30`,
    })
    expect(sent).toEqual([
      {
        target: `${TARGET}AssociateSoftwareToken`,
        contentType: 'application/x-amz-json-1.1',
        body: { AccessToken: ACCESS },
      },
    ])
  })

  it('associate without a body names the account after the token’s username', async () => {
    cognito(() => ({ json: { SecretCode: TOTP_SECRET } }))
    const answer = await call(routes, bearer('/cognito/mfa/software-token'))
    expect(answer.status).toBe(200)
    expect(String(answer.body?.otpauthUri)).toMatch(
      /^otpauth:\/\/totp\/Example%20App:user-uuid-1\?/,
    )
  })

  it('verify, then SetUserMFAPreference turns TOTP on as preferred, in one call', async () => {
    const sent = cognito((operation) =>
      operation === 'VerifySoftwareToken' ? { json: { Status: 'SUCCESS' } } : { json: {} },
    )
    const code = totp(TOTP_SECRET)
    const answer = await call(
      routes,
      bearer('/cognito/mfa/software-token/verify', { code, deviceName: 'Pixel' }),
    )
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ softwareToken: { enabled: true, preferred: true } })
    expect(sent).toEqual([
      {
        target: `${TARGET}VerifySoftwareToken`,
        contentType: 'application/x-amz-json-1.1',
        body: { AccessToken: ACCESS, UserCode: code, FriendlyDeviceName: 'Pixel' },
      },
      {
        target: `${TARGET}SetUserMFAPreference`,
        contentType: 'application/x-amz-json-1.1',
        body: {
          AccessToken: ACCESS,
          SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
        },
      },
    ])
  })

  it('verify with preferred: false enables without preferring', async () => {
    const sent = cognito((operation) =>
      operation === 'VerifySoftwareToken' ? { json: { Status: 'SUCCESS' } } : { json: {} },
    )
    const answer = await call(
      routes,
      bearer('/cognito/mfa/software-token/verify', { code: CODE, preferred: false }),
    )
    expect(answer.body).toEqual({ softwareToken: { enabled: true, preferred: false } })
    expect(sent[0]?.body).toEqual({ AccessToken: ACCESS, UserCode: CODE })
    expect(sent[1]?.body).toEqual({
      AccessToken: ACCESS,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false },
    })
  })

  it('a wrong code is 400 code_mismatch and turns nothing on', async () => {
    for (const reply of [
      { json: { Status: 'ERROR' } },
      { error: 'CodeMismatchException' },
      { error: 'EnableSoftwareTokenMFAException' },
    ] as const) {
      const sent = cognito(() => reply)
      const answer = await call(
        routes,
        bearer('/cognito/mfa/software-token/verify', { code: CODE }),
      )
      expect(answer.status).toBe(400)
      expect(answer.body?.error).toBe('code_mismatch')
      expect(sent.map((s) => s.target)).toEqual([`${TARGET}VerifySoftwareToken`])
    }
  })

  it('turns TOTP off, and SMS and e-mail on or off, with SetUserMFAPreference', async () => {
    const sent = cognito(() => ({ json: {} }))
    const off = await call(
      routes,
      bearer('/cognito/mfa/preference', { softwareToken: { enabled: false } }),
    )
    expect(off.status).toBe(204)
    expect(off.text).toBe('')
    const both = await call(
      routes,
      bearer('/cognito/mfa/preference', {
        sms: { enabled: true, preferred: true },
        email: { enabled: false },
      }),
    )
    expect(both.status).toBe(204)
    expect(sent.map((s) => [s.target, s.body])).toEqual([
      [
        `${TARGET}SetUserMFAPreference`,
        { AccessToken: ACCESS, SoftwareTokenMfaSettings: { Enabled: false } },
      ],
      [
        `${TARGET}SetUserMFAPreference`,
        {
          AccessToken: ACCESS,
          SMSMfaSettings: { Enabled: true, PreferredMfa: true },
          EmailMfaSettings: { Enabled: false },
        },
      ],
    ])
  })

  it.each([
    ['/cognito/mfa/software-token', undefined, 'NotAuthorizedException', 401, 'not_authorized'],
    [
      '/cognito/mfa/software-token',
      undefined,
      'SoftwareTokenMFANotFoundException',
      400,
      'mfa_not_enabled',
    ],
    [
      '/cognito/mfa/software-token',
      undefined,
      'TooManyRequestsException',
      429,
      'too_many_requests',
    ],
    [
      '/cognito/mfa/software-token/verify',
      { code: CODE },
      'NotAuthorizedException',
      401,
      'not_authorized',
    ],
    [
      '/cognito/mfa/software-token/verify',
      { code: CODE },
      'SoftwareTokenMFANotFoundException',
      400,
      'mfa_not_enabled',
    ],
    [
      '/cognito/mfa/software-token/verify',
      { code: CODE },
      'InvalidParameterException',
      400,
      'invalid_parameter',
    ],
    [
      '/cognito/mfa/preference',
      { softwareToken: { enabled: true } },
      'InvalidParameterException',
      400,
      'invalid_parameter',
    ],
    [
      '/cognito/mfa/preference',
      { softwareToken: { enabled: true } },
      'NotAuthorizedException',
      401,
      'not_authorized',
    ],
    [
      '/cognito/mfa/preference',
      { sms: { enabled: true } },
      'UserNotFoundException',
      401,
      'not_authorized',
    ],
    [
      '/cognito/mfa/preference',
      { sms: { enabled: true } },
      'ForbiddenException',
      502,
      'cognito_error',
    ],
    [
      '/cognito/mfa/preference',
      { email: { enabled: true } },
      'FeatureUnavailableInTierException',
      400,
      'mfa_not_enabled',
    ],
    [
      '/cognito/mfa/preference',
      { sms: { enabled: true } },
      'ConcurrentModificationException',
      409,
      'concurrent_modification',
    ],
  ])('%s %j: %s is %i %s', async (path, body, exception, status, code) => {
    cognito(() => ({ error: exception }))
    const answer = await call(routes, bearer(path, body))
    expect(answer.status).toBe(status)
    expect(answer.body?.error).toBe(code)
    // A bad access token is not a sign-in session: no sign-in step is offered.
    expect(answer.body?.next).toBeUndefined()
    expect(answer.text).not.toContain(ACCESS)
  })

  it('the SetUserMFAPreference after a good code failing is reported, not swallowed', async () => {
    cognito((operation) =>
      operation === 'VerifySoftwareToken'
        ? { json: { Status: 'SUCCESS' } }
        : { error: 'TooManyRequestsException' },
    )
    const answer = await call(routes, bearer('/cognito/mfa/software-token/verify', { code: CODE }))
    expect(answer.status).toBe(429)
    expect(answer.headers.get('retry-after')).toBe('1')
  })

  it('no bearer token is 400 without a call to Cognito', async () => {
    for (const [path, body] of [
      ['/cognito/mfa/software-token', {}],
      ['/cognito/mfa/software-token/verify', { code: CODE }],
      ['/cognito/mfa/preference', { softwareToken: { enabled: false } }],
    ] as const) {
      for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer a b' }]) {
        const answer = await call(routes, post(path, body, headers))
        expect(answer.status).toBe(400)
        expect(answer.body).toEqual({
          error: 'invalid_request',
          message: 'This route needs the access token in an Authorization: Bearer header.',
        })
      }
    }
  })
})

describe('bad bodies never reach Cognito', () => {
  // No msw handler: a call to Cognito would fail the test (onUnhandledRequest: 'error').
  it.each([
    [
      '/cognito/respond-to-challenge',
      { step: 'select_mfa_type', session: S1, username: USER, mfaType: 'WEB_AUTHN' },
      ['mfaType'],
    ],
    [
      '/cognito/respond-to-challenge',
      { step: 'email_otp', session: S1, username: USER, code: 'abc' },
      ['code'],
    ],
    [
      '/cognito/respond-to-challenge',
      { step: 'custom_challenge', session: S1, username: USER, answer: '' },
      ['answer'],
    ],
    [
      '/cognito/respond-to-challenge',
      { step: 'verify_software_token', session: S2, username: USER, code: '12345' },
      ['code'],
    ],
    [
      '/cognito/respond-to-challenge',
      {
        step: 'verify_software_token',
        session: S2,
        username: USER,
        code: CODE,
        deviceName: 'x'.repeat(65),
      },
      ['deviceName'],
    ],
    ['/cognito/respond-to-challenge', { step: 'mfa_setup', session: S1, username: USER }, ['step']],
    ['/cognito/mfa-setup/software-token', { session: 'short', username: USER }, ['session']],
    [
      '/cognito/mfa-setup/software-token',
      { session: S1, username: USER, accountName: 'Evil:alice' },
      ['accountName'],
    ],
  ])('%s %j is 400 naming %j', async (path, body, fields) => {
    const answer = await call(routes, post(path, body))
    expect(answer.status).toBe(400)
    expect(answer.body?.error).toBe('invalid_request')
    expect((answer.body?.fields as { path: string }[]).map((f) => f.path)).toEqual(fields)
    expect(answer.text).not.toContain(S1)
  })

  it.each([
    ['/cognito/mfa/software-token/verify', { code: 'abcdef' }, ['code']],
    ['/cognito/mfa/software-token/verify', { code: CODE, preferred: 'yes' }, ['preferred']],
    ['/cognito/mfa/software-token', { accountName: '' }, ['accountName']],
    ['/cognito/mfa/preference', {}, ['(body)']],
    [
      '/cognito/mfa/preference',
      { softwareToken: { enabled: false, preferred: true } },
      ['softwareToken.preferred'],
    ],
    ['/cognito/mfa/preference', { sms: { enabled: 'no' } }, ['sms.enabled']],
  ])('Bearer %s %j is 400 naming %j', async (path, body, fields) => {
    const answer = await call(routes, bearer(path, body))
    expect(answer.status).toBe(400)
    expect((answer.body?.fields as { path: string }[]).map((f) => f.path)).toEqual(fields)
  })

  it('the API checks what the routes check when called directly', async () => {
    for (const input of [{}, { softwareToken: { enabled: false, preferred: true } }]) {
      const error = await api
        .setMfaPreference({ accessToken: ACCESS, ...input })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(CognitoApiError)
      expect((error as CognitoApiError).code).toBe('invalid_request')
    }
  })
})

describe('challenges this API does not answer', () => {
  it.each(['SMS_OTP', 'PASSWORD', 'SELECT_CHALLENGE', 'WEB_AUTHN', 'DEVICE_SRP_AUTH'])(
    '%s (not a USER_PASSWORD_AUTH challenge) is 501 naming it',
    async (name) => {
      cognito(() => challenge(name, S1))
      const answer = await login()
      expect(answer.status).toBe(501)
      expect(answer.body?.error).toBe('unsupported_challenge')
      expect(String(answer.body?.message)).toContain(name)
    },
  )
})

describe('secrets stay out of logs', () => {
  it('logs nothing through set-up, verification and failures', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation(() => undefined),
    )
    cognito((operation) =>
      operation === 'AssociateSoftwareToken'
        ? { json: { SecretCode: TOTP_SECRET, Session: S2 } }
        : { error: 'CodeMismatchException' },
    )
    await call(routes, post('/cognito/mfa-setup/software-token', { session: S1, username: USER }))
    await respond({ step: 'verify_software_token', session: S2, username: USER, code: CODE })
    await call(routes, bearer('/cognito/mfa/software-token'))
    await call(routes, bearer('/cognito/mfa/software-token/verify', { code: CODE }))
    for (const spy of spies) expect(spy).not.toHaveBeenCalled()
  })
})

describe('configuration', () => {
  it.each(['', 'Evil:Corp', 'x'.repeat(129), 'line\nbreak', 42])(
    'totpIssuer %j throws ConfigError naming it',
    (totpIssuer) => {
      const make = () =>
        cognitoUserApi({ region: REGION, clientId: CLIENT_ID, totpIssuer: totpIssuer as string })
      expect(make).toThrow(ConfigError)
      expect(make).toThrow('totpIssuer')
    },
  )

  it('the new routes can be renamed', async () => {
    cognito(() => ({ json: { SecretCode: TOTP_SECRET } }))
    const moved = cognitoUserRoutes(api, { paths: { associateSoftwareToken: '/totp' } })
    expect((await call(moved, bearer('/cognito/totp'))).status).toBe(200)
    expect(await moved(bearer('/cognito/mfa/software-token'))).toBeUndefined()
  })
})
