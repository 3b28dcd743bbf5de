import {
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SignUpCommand,
  VerifySoftwareTokenCommand,
  type AuthenticationResultType,
  type ChallengeNameType,
  type CodeDeliveryDetailsType,
} from '@aws-sdk/client-cognito-identity-provider'
import { ConfigError } from '@cloudauth/core'
import { ConfigProblems } from '@cloudauth/core/provider'
import {
  parseClientIds,
  parseEndpoint,
  parsePoolId,
  regionProblem,
} from '../internal/config-rules.js'
import { CognitoApiError } from './cognito-api-error.js'
import type {
  ChallengeStep,
  CodeDelivery,
  CognitoTokens,
  MfaType,
  NextStep,
  SignInResult,
  VerifySoftwareTokenStep,
} from './next-step.js'
import {
  mapCognitoError,
  type Operation,
  type RetryAfterSeconds,
} from './internal/map-cognito-error.js'
import { isBase32Secret, labelProblem, otpauthUri } from './internal/otpauth-uri.js'
import { secretHash } from './internal/secret-hash.js'

/** Options of {@link cognitoUserApi}. */
export interface CognitoUserApiOptions {
  /** The app client the users sign in to. Required. */
  readonly clientId: string
  /**
   * The app client's secret, when it has one: every call then carries `SECRET_HASH`. Server side
   * only; never ship it to a browser.
   */
  readonly clientSecret?: string
  /** The pool's AWS region. Default: the prefix of `userPoolId`. */
  readonly region?: string
  /** The user pool, for its region (`eu-west-1_AbCdEf123`). Not needed when `region` is given. */
  readonly userPoolId?: string
  /** An emulator's base URL (cognito-local): https, or http on loopback only. */
  readonly endpoint?: string
  /** A client of your own (custom credentials, proxy, middleware); replaces region and endpoint. */
  readonly client?: CognitoIdentityProviderClient
  /** Attempts per call, the first included (the SDK retries network errors and 5xx). Default 2. */
  readonly maxAttempts?: number
  /** Connection and response timeout of each attempt, in milliseconds. Default 10 000. */
  readonly timeoutMs?: number
  /** `Retry-After` seconds of 429 and 503 answers. Default `{ tooManyRequests: 1, limitExceeded: 60, unavailable: 5 }`. */
  readonly retryAfter?: Partial<RetryAfterSeconds>
  /**
   * The issuer an authenticator app shows above the code (`otpauth://totp/ISSUER:account`): your
   * app's name. 1 to 128 characters, no colon. Default: none (the app shows the account alone).
   */
  readonly totpIssuer?: string
}

/** A challenge answer: the step as the sign-in returned it, plus what the user typed. */
export type ChallengeAnswer =
  | {
      readonly step: 'new_password_required'
      readonly session: string
      readonly username: string
      readonly newPassword: string
      /** A value for each of the step's `requiredAttributes`. */
      readonly attributes?: Readonly<Record<string, string>>
    }
  | {
      readonly step: 'sms_mfa' | 'software_token_mfa' | 'email_otp'
      readonly session: string
      readonly username: string
      readonly code: string
    }
  | {
      readonly step: 'select_mfa_type'
      readonly session: string
      readonly username: string
      /** One of the step's `mfaTypes`. */
      readonly mfaType: MfaType
    }
  | {
      readonly step: 'custom_challenge'
      readonly session: string
      readonly username: string
      /** What the user answered; the pool's Verify Auth Challenge trigger judges it. */
      readonly answer: string
    }
  | {
      readonly step: 'verify_software_token'
      readonly session: string
      readonly username: string
      /** The authenticator app's current six-digit code. */
      readonly code: string
      /** A name for the authenticator, such as `Alice's phone`. */
      readonly deviceName?: string
    }

/** A new authenticator-app secret: show `otpauthUri` as a QR code, or `secretCode` to type in. */
export interface SoftwareTokenSecret {
  /** The base32 TOTP secret (RFC 4648 §6). Show it to its user only; never log or store it. */
  readonly secretCode: string
  /** `otpauth://totp/ISSUER:account?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30`. */
  readonly otpauthUri: string
}

/** The result of {@link CognitoUserApi.setUpSoftwareToken}: the secret, and the step to verify it. */
export interface SoftwareTokenSetupResult extends SoftwareTokenSecret {
  /** Send it to `respondToChallenge()` with the app's first `code`. */
  readonly next: VerifySoftwareTokenStep
}

/** One second factor's setting for {@link CognitoUserApi.setMfaPreference}. */
export interface MfaSetting {
  /** Whether Cognito asks for this factor at sign-in. */
  readonly enabled: boolean
  /** Cognito asks for this factor first. Only with `enabled: true`. */
  readonly preferred?: boolean
}

/** The settings {@link CognitoUserApi.setMfaPreference} changes; absent factors stay as they are. */
export interface MfaPreference {
  /** Authenticator app (TOTP); it must have been verified before it can be enabled. */
  readonly softwareToken?: MfaSetting
  /** SMS codes (needs a verified `phone_number`). */
  readonly sms?: MfaSetting
  /** E-mail codes (needs a verified `email`, and the pool's Essentials or Plus tier). */
  readonly email?: MfaSetting
}

/** The result of {@link CognitoUserApi.signUp}. */
export interface SignUpResult {
  /** The new user's `sub`. */
  readonly userSub: string
  /** False until the user confirms the code (unless a pre-sign-up trigger confirmed them). */
  readonly userConfirmed: boolean
  readonly next: NextStep
}

/** The result of {@link CognitoUserApi.resendCode} and {@link CognitoUserApi.forgotPassword}. */
export interface CodeSentResult {
  readonly codeDelivery: CodeDelivery | undefined
  readonly next: NextStep
}

/** Cognito's user operations for one app client: see {@link cognitoUserApi}. */
export interface CognitoUserApi {
  readonly clientId: string
  /** Password sign-in (`InitiateAuth` `USER_PASSWORD_AUTH`): tokens, or a challenge. */
  signIn(input: { readonly username: string; readonly password: string }): Promise<SignInResult>
  /** Answers a challenge from {@link signIn} (`RespondToAuthChallenge`): tokens, or the next challenge. */
  respondToChallenge(answer: ChallengeAnswer): Promise<SignInResult>
  /** New tokens for a refresh token (`InitiateAuth` `REFRESH_TOKEN_AUTH`). */
  refresh(input: {
    readonly refreshToken: string
    /** Cognito's user name (the `username` claim); required when the client has a secret. */
    readonly username?: string
  }): Promise<SignInResult>
  /** `SignUp`: creates an unconfirmed user and sends a code. */
  signUp(input: {
    readonly username: string
    readonly password: string
    /** User attributes such as `email`, `name`, `custom:plan`. */
    readonly attributes?: Readonly<Record<string, string>>
  }): Promise<SignUpResult>
  /** `ConfirmSignUp` with the code Cognito sent. */
  confirmSignUp(input: {
    readonly username: string
    readonly code: string
  }): Promise<{ readonly next: NextStep }>
  /** `ResendConfirmationCode`. */
  resendCode(input: { readonly username: string }): Promise<CodeSentResult>
  /** `ForgotPassword`: sends a code to reset the password. */
  forgotPassword(input: { readonly username: string }): Promise<CodeSentResult>
  /** `ConfirmForgotPassword`: the code and the new password. */
  confirmForgotPassword(input: {
    readonly username: string
    readonly code: string
    readonly password: string
  }): Promise<{ readonly next: NextStep }>
  /** `GlobalSignOut`: revokes every refresh token of the user the access token belongs to. */
  signOut(input: { readonly accessToken: string }): Promise<void>
  /**
   * In an `mfa_setup` sign-in: `AssociateSoftwareToken` with the challenge session. Returns the
   * new secret and a `verify_software_token` step for {@link respondToChallenge}.
   */
  setUpSoftwareToken(input: {
    readonly session: string
    readonly username: string
    /** The account an authenticator shows. Default: `username`. */
    readonly accountName?: string
  }): Promise<SoftwareTokenSetupResult>
  /** For a signed-in user: `AssociateSoftwareToken` with the access token. */
  associateSoftwareToken(input: {
    readonly accessToken: string
    /** The account an authenticator shows. Default: the token's `username`. */
    readonly accountName?: string
  }): Promise<SoftwareTokenSecret>
  /** For a signed-in user: `VerifySoftwareToken` with the app's first code. Enable it with {@link setMfaPreference}. */
  verifySoftwareToken(input: {
    readonly accessToken: string
    readonly code: string
    readonly deviceName?: string
  }): Promise<void>
  /** For a signed-in user: `SetUserMFAPreference`, turning second factors on or off. */
  setMfaPreference(input: { readonly accessToken: string } & MfaPreference): Promise<void>
}

const DEFAULT_RETRY_AFTER: RetryAfterSeconds = {
  tooManyRequests: 1,
  limitExceeded: 60,
  unavailable: 5,
}

// USER_PASSWORD_AUTH's challenges. SMS_OTP, PASSWORD, SELECT_CHALLENGE and WEB_AUTHN belong to the
// choice-based USER_AUTH flow, which this API does not start; any other name is 501.
const CHALLENGE_STEPS: Readonly<Record<string, ChallengeStep['step']>> = {
  NEW_PASSWORD_REQUIRED: 'new_password_required',
  SMS_MFA: 'sms_mfa',
  SOFTWARE_TOKEN_MFA: 'software_token_mfa',
  EMAIL_OTP: 'email_otp',
  SELECT_MFA_TYPE: 'select_mfa_type',
  MFA_SETUP: 'mfa_setup',
  CUSTOM_CHALLENGE: 'custom_challenge',
}

const CHALLENGE_NAMES: Readonly<
  Record<Exclude<ChallengeAnswer['step'], 'verify_software_token'>, ChallengeNameType>
> = {
  new_password_required: 'NEW_PASSWORD_REQUIRED',
  sms_mfa: 'SMS_MFA',
  software_token_mfa: 'SOFTWARE_TOKEN_MFA',
  email_otp: 'EMAIL_OTP',
  select_mfa_type: 'SELECT_MFA_TYPE',
  custom_challenge: 'CUSTOM_CHALLENGE',
}

const MFA_TYPES: ReadonlySet<string> = new Set<MfaType>([
  'SMS_MFA',
  'SOFTWARE_TOKEN_MFA',
  'EMAIL_OTP',
])

// Parameters Cognito adds to every challenge: not the custom challenge's own.
const COGNITO_PARAMETERS: ReadonlySet<string> = new Set(['USERNAME', 'USER_ID_FOR_SRP'])

function positiveInteger(value: unknown, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max
}

function codeDelivery(details: CodeDeliveryDetailsType | undefined): CodeDelivery | undefined {
  if (details === undefined) return undefined
  return {
    destination: details.Destination,
    medium: details.DeliveryMedium,
    attribute: details.AttributeName,
  }
}

/** The answer of an operation that sent a code: where it went, and the step that takes it. */
function codeSent(
  step: 'confirm_sign_up' | 'confirm_forgot_password',
  username: string,
  details: CodeDeliveryDetailsType | undefined,
): CodeSentResult {
  const delivery = codeDelivery(details)
  return {
    codeDelivery: delivery,
    next: { step, username, ...(delivery === undefined ? {} : { codeDelivery: delivery }) },
  }
}

/** The `username` claim of a token Cognito just issued (read, not verified: it came from Cognito). */
function usernameOf(accessToken: string): string | undefined {
  const payload = accessToken.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const binary = atob(payload.replace(/-/g, '+').replace(/_/g, '/'))
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0))
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as { readonly username?: unknown }
    return typeof claims.username === 'string' ? claims.username : undefined
  } catch {
    return undefined
  }
}

function secretOf(value: string | undefined): string {
  if (!isBase32Secret(value))
    throw new CognitoApiError('cognito_error', 'Cognito answered without a usable TOTP secret.')
  return value
}

function toTokens(result: AuthenticationResultType): CognitoTokens {
  const { AccessToken, IdToken, RefreshToken, ExpiresIn, TokenType } = result
  if (typeof AccessToken !== 'string' || typeof IdToken !== 'string')
    throw new CognitoApiError('cognito_error', 'Cognito answered without tokens.')
  return {
    accessToken: AccessToken,
    idToken: IdToken,
    ...(typeof RefreshToken === 'string' ? { refreshToken: RefreshToken } : {}),
    expiresIn: typeof ExpiresIn === 'number' ? ExpiresIn : 3600,
    tokenType: TokenType ?? 'Bearer',
  }
}

function parseRequiredAttributes(value: string | undefined): string[] {
  if (value === undefined) return []
  try {
    const list: unknown = JSON.parse(value)
    if (!Array.isArray(list)) return []
    return list
      .filter((item): item is string => typeof item === 'string')
      .map((item) => item.replace(/^userAttributes\./, ''))
  } catch {
    return []
  }
}

/** `MFAS_CAN_SETUP` / `MFAS_CAN_CHOOSE`: a JSON list such as `["SMS_MFA","SOFTWARE_TOKEN_MFA"]`. */
function parseMfaTypes(value: string | undefined): MfaType[] {
  if (value === undefined) return []
  let list: unknown
  try {
    list = JSON.parse(value)
  } catch {
    return []
  }
  if (!Array.isArray(list)) return []
  return list.filter((item): item is MfaType => typeof item === 'string' && MFA_TYPES.has(item))
}

function toResult(
  answer: {
    readonly AuthenticationResult?: AuthenticationResultType | undefined
    readonly ChallengeName?: string | undefined
    readonly ChallengeParameters?: Record<string, string> | undefined
    readonly Session?: string | undefined
  },
  username: string | undefined,
): SignInResult {
  if (answer.AuthenticationResult !== undefined) {
    const tokens = toTokens(answer.AuthenticationResult)
    return { status: 'signed_in', username: usernameOf(tokens.accessToken) ?? username, tokens }
  }
  const name = answer.ChallengeName
  if (name === undefined)
    throw new CognitoApiError('cognito_error', 'Cognito answered without tokens.')
  const step = CHALLENGE_STEPS[name]
  if (step === undefined)
    throw new CognitoApiError(
      'unsupported_challenge',
      `Cognito asked for the ${name} challenge, which this API does not answer.`,
    )
  const session = answer.Session
  const params = answer.ChallengeParameters ?? {}
  // For challenges Cognito names the user by its internal user name (a UUID in e-mail pools); the
  // answer and its SECRET_HASH must use that one.
  const challengeUser = params.USER_ID_FOR_SRP ?? params.USERNAME ?? username
  if (session === undefined || challengeUser === undefined)
    throw new CognitoApiError('cognito_error', 'Cognito sent a challenge without a session.')
  switch (step) {
    case 'new_password_required':
      return {
        status: 'challenge',
        next: {
          step,
          session,
          username: challengeUser,
          requiredAttributes: parseRequiredAttributes(params.requiredAttributes),
        },
      }
    case 'sms_mfa':
    case 'email_otp':
      return {
        status: 'challenge',
        next: {
          step,
          session,
          username: challengeUser,
          codeDelivery: {
            destination: params.CODE_DELIVERY_DESTINATION,
            medium: params.CODE_DELIVERY_DELIVERY_MEDIUM,
            attribute: undefined,
          },
        },
      }
    case 'software_token_mfa':
      return { status: 'challenge', next: { step, session, username: challengeUser } }
    case 'select_mfa_type':
    case 'mfa_setup':
      return {
        status: 'challenge',
        next: {
          step,
          session,
          username: challengeUser,
          mfaTypes: parseMfaTypes(
            step === 'mfa_setup' ? params.MFAS_CAN_SETUP : params.MFAS_CAN_CHOOSE,
          ),
        },
      }
    case 'custom_challenge':
      return {
        status: 'challenge',
        next: {
          step,
          session,
          username: challengeUser,
          // The trigger's publicChallengeParameters: public by design (its private ones stay in
          // the Lambda).
          parameters: Object.fromEntries(
            Object.entries(params).filter(
              ([key, value]) => !COGNITO_PARAMETERS.has(key) && typeof value === 'string',
            ),
          ),
        },
      }
  }
}

/**
 * Cognito's own user API for one app client, through `@aws-sdk/client-cognito-identity-provider`
 * (an optional peer dependency: install it to use this subpath). fastauth's `/cognito/login` and
 * `/cognito/sign-new-user`, done fully: password sign-in (`USER_PASSWORD_AUTH`), challenges
 * (new password required; SMS, e-mail and authenticator-app MFA; choosing a factor; setting up an
 * authenticator during the sign-in; custom challenges) as typed next steps, refresh
 * (`REFRESH_TOKEN_AUTH`), sign-up with confirmation and resend, forgot and confirm password,
 * global sign-out, and a signed-in user's authenticator-app enrolment and MFA settings. With
 * `clientSecret`, each call carries `SECRET_HASH`.
 *
 * Mount its routes with `cognitoUserRoutes(api)`; or call the operations yourself.
 *
 * @example
 * ```ts
 * import { cognitoUserApi } from '@cloudauth/cognito/user-api'
 *
 * const users = cognitoUserApi({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })
 * const result = await users.signIn({ username: 'alice@example.com', password })
 * if (result.status === 'signed_in') console.log(result.tokens.expiresIn)
 * ```
 * @throws ConfigError at construction: `clientId` malformed, `clientSecret` empty, no region (give
 *   `region` or an AWS `userPoolId`), `endpoint` not https or loopback http, `maxAttempts` or
 *   `timeoutMs` not positive integers, `totpIssuer` empty, too long or holding a colon.
 * @returns operations that reject with {@link CognitoApiError}: `not_authorized` (401),
 *   `user_not_confirmed` (403, with `next`), `password_reset_required` (403), `user_exists` and
 *   `alias_exists` (409), `invalid_password`, `code_mismatch`, `code_expired`, `invalid_parameter`,
 *   `rejected_by_trigger`, `mfa_not_enabled`, `invalid_request` (400), `user_not_found` (404,
 *   forgot-password and resend only), `concurrent_modification` (409), `too_many_requests` (429,
 *   `retryAfter`), `unsupported_challenge` (501), `code_delivery_failed`
 *   and `cognito_error` (502), `cognito_unavailable` (503, `retryAfter`).
 */
export function cognitoUserApi(options: CognitoUserApiOptions): CognitoUserApi {
  if (typeof options !== 'object' || (options as unknown) === null)
    throw new ConfigError('options', 'must be an object')
  const problems = new ConfigProblems()
  const clients = parseClientIds(options.clientId)
  if ('problem' in clients || clients.clients.length !== 1)
    problems.add(
      'clientId',
      'must be one app client id: letters, digits, _ or +, at most 128 characters',
    )
  const { clientSecret } = options
  if (clientSecret !== undefined && (typeof clientSecret !== 'string' || clientSecret === ''))
    problems.add('clientSecret', 'must be a non-empty string when given')
  let endpoint: string | undefined
  if (options.endpoint !== undefined) {
    const parsed = parseEndpoint(options.endpoint)
    if ('problem' in parsed) problems.add('endpoint', parsed.problem)
    else endpoint = parsed.base
  }
  let region = options.region
  if (region !== undefined) problems.add('region', regionProblem(region))
  if (options.userPoolId !== undefined) {
    const pool = parsePoolId(options.userPoolId, options.endpoint !== undefined)
    if ('problem' in pool) problems.add('userPoolId', pool.problem)
    else if (region === undefined) region = pool.region
    else if (pool.region !== undefined && pool.region !== region)
      problems.add('region', "does not match the user pool id's region")
  }
  if (options.client === undefined && region === undefined && problems.size === 0)
    problems.add('region', 'is required (or an AWS userPoolId, whose prefix names it)')
  const maxAttempts = options.maxAttempts ?? 2
  if (!positiveInteger(maxAttempts, 10))
    problems.add('maxAttempts', 'must be an integer from 1 to 10')
  const timeoutMs = options.timeoutMs ?? 10_000
  if (!positiveInteger(timeoutMs, 120_000))
    problems.add('timeoutMs', 'must be an integer from 1 to 120000')
  const retry: RetryAfterSeconds = { ...DEFAULT_RETRY_AFTER, ...options.retryAfter }
  for (const [key, value] of Object.entries(retry))
    if (!positiveInteger(value, 86_400))
      problems.add(`retryAfter.${key}`, 'must be an integer from 1 to 86400 (seconds)')
  const { totpIssuer } = options
  if (totpIssuer !== undefined) problems.add('totpIssuer', labelProblem(totpIssuer))
  problems.throwIfAny()

  const clientId = options.clientId
  const client =
    options.client ??
    new CognitoIdentityProviderClient({
      region: region ?? 'us-east-1',
      ...(endpoint === undefined ? {} : { endpoint }),
      maxAttempts,
      // node:http never follows redirects: a 3xx from Cognito fails the call (cognito_error).
      requestHandler: {
        connectionTimeout: timeoutMs,
        requestTimeout: timeoutMs,
        // Without it the SDK only logs a warning and keeps waiting.
        throwOnRequestTimeout: true,
      },
    })

  const hash = async (username: string): Promise<{ SECRET_HASH?: string }> =>
    clientSecret === undefined
      ? {}
      : { SECRET_HASH: await secretHash(clientSecret, username, clientId) }
  const hashParam = async (username: string): Promise<{ SecretHash?: string }> =>
    clientSecret === undefined
      ? {}
      : { SecretHash: await secretHash(clientSecret, username, clientId) }

  // One deadline for the whole call, retries included, whatever the client's handler does.
  const deadline = () => ({ abortSignal: AbortSignal.timeout(timeoutMs * maxAttempts) })

  async function run<T>(
    operation: Operation,
    username: string | undefined,
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await call()
    } catch (error) {
      throw mapCognitoError(operation, error, username, retry)
    }
  }

  return {
    clientId,
    signIn: ({ username, password }) =>
      run('signIn', username, async () => {
        const answer = await client.send(
          new InitiateAuthCommand({
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: clientId,
            AuthParameters: { USERNAME: username, PASSWORD: password, ...(await hash(username)) },
          }),
          deadline(),
        )
        return toResult(answer, username)
      }),

    respondToChallenge: (answer) =>
      run('respondToChallenge', answer.username, async () => {
        const responses: Record<string, string> = {
          USERNAME: answer.username,
          ...(await hash(answer.username)),
        }
        let name: ChallengeNameType
        let session = answer.session
        switch (answer.step) {
          case 'new_password_required':
            name = CHALLENGE_NAMES[answer.step]
            responses.NEW_PASSWORD = answer.newPassword
            for (const [attribute, value] of Object.entries(answer.attributes ?? {}))
              responses[`userAttributes.${attribute}`] = value
            break
          case 'sms_mfa':
            name = CHALLENGE_NAMES[answer.step]
            responses.SMS_MFA_CODE = answer.code
            break
          case 'software_token_mfa':
            name = CHALLENGE_NAMES[answer.step]
            responses.SOFTWARE_TOKEN_MFA_CODE = answer.code
            break
          case 'email_otp':
            name = CHALLENGE_NAMES[answer.step]
            responses.EMAIL_OTP_CODE = answer.code
            break
          case 'select_mfa_type':
            name = CHALLENGE_NAMES[answer.step]
            responses.ANSWER = answer.mfaType
            break
          case 'custom_challenge':
            name = CHALLENGE_NAMES[answer.step]
            responses.ANSWER = answer.answer
            break
          case 'verify_software_token': {
            // The server chains the two calls: the session VerifySoftwareToken returns is good for
            // nothing but this RespondToAuthChallenge, so the client never needs to hold it.
            const verified = await client.send(
              new VerifySoftwareTokenCommand({
                Session: answer.session,
                UserCode: answer.code,
                ...(answer.deviceName === undefined
                  ? {}
                  : { FriendlyDeviceName: answer.deviceName }),
              }),
              deadline(),
            )
            if (verified.Status !== 'SUCCESS')
              throw new CognitoApiError('code_mismatch', 'The code is wrong.')
            if (typeof verified.Session !== 'string' || verified.Session === '')
              throw new CognitoApiError(
                'cognito_error',
                'Cognito verified the code without a session.',
              )
            session = verified.Session
            name = 'MFA_SETUP'
            break
          }
        }
        const result = await client.send(
          new RespondToAuthChallengeCommand({
            ClientId: clientId,
            ChallengeName: name,
            Session: session,
            ChallengeResponses: responses,
          }),
          deadline(),
        )
        return toResult(result, answer.username)
      }),

    setUpSoftwareToken: ({ session, username, accountName }) =>
      run('setUpSoftwareToken', username, async () => {
        const answer = await client.send(
          new AssociateSoftwareTokenCommand({ Session: session }),
          deadline(),
        )
        const secret = secretOf(answer.SecretCode)
        if (typeof answer.Session !== 'string' || answer.Session === '')
          throw new CognitoApiError('cognito_error', 'Cognito sent the secret without a session.')
        return {
          secretCode: secret,
          otpauthUri: otpauthUri(secret, accountName ?? username, totpIssuer),
          next: { step: 'verify_software_token', session: answer.Session, username },
        }
      }),

    associateSoftwareToken: ({ accessToken, accountName }) =>
      run('associateSoftwareToken', undefined, async () => {
        const answer = await client.send(
          new AssociateSoftwareTokenCommand({ AccessToken: accessToken }),
          deadline(),
        )
        const secret = secretOf(answer.SecretCode)
        // Cognito accepted the token, so its `username` claim names the user the secret is for.
        const account = accountName ?? usernameOf(accessToken) ?? 'user'
        return { secretCode: secret, otpauthUri: otpauthUri(secret, account, totpIssuer) }
      }),

    verifySoftwareToken: ({ accessToken, code, deviceName }) =>
      run('verifySoftwareToken', undefined, async () => {
        const answer = await client.send(
          new VerifySoftwareTokenCommand({
            AccessToken: accessToken,
            UserCode: code,
            ...(deviceName === undefined ? {} : { FriendlyDeviceName: deviceName }),
          }),
          deadline(),
        )
        if (answer.Status !== 'SUCCESS')
          throw new CognitoApiError('code_mismatch', 'The code is wrong.')
      }),

    setMfaPreference: ({ accessToken, softwareToken, sms, email }) =>
      run('setMfaPreference', undefined, async () => {
        const settings = { softwareToken, sms, email }
        if (Object.values(settings).every((setting) => setting === undefined))
          throw new CognitoApiError(
            'invalid_request',
            'Give at least one of softwareToken, sms and email.',
          )
        for (const [factor, setting] of Object.entries(settings))
          if (setting?.preferred === true && !setting.enabled)
            throw new CognitoApiError(
              'invalid_request',
              `${factor}: a factor can be preferred only when it is enabled.`,
            )
        const toType = (setting: MfaSetting | undefined) =>
          setting === undefined
            ? undefined
            : {
                Enabled: setting.enabled,
                ...(setting.preferred === undefined ? {} : { PreferredMfa: setting.preferred }),
              }
        await client.send(
          new SetUserMFAPreferenceCommand({
            AccessToken: accessToken,
            ...(softwareToken === undefined
              ? {}
              : { SoftwareTokenMfaSettings: toType(softwareToken) }),
            ...(sms === undefined ? {} : { SMSMfaSettings: toType(sms) }),
            ...(email === undefined ? {} : { EmailMfaSettings: toType(email) }),
          }),
          deadline(),
        )
      }),

    refresh: ({ refreshToken, username }) =>
      run('refresh', username, async () => {
        if (clientSecret !== undefined && username === undefined)
          throw new CognitoApiError(
            'invalid_request',
            "username is required: the app client has a secret, and Cognito's SECRET_HASH for a refresh is computed with it",
          )
        const answer = await client.send(
          new InitiateAuthCommand({
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            ClientId: clientId,
            AuthParameters: {
              REFRESH_TOKEN: refreshToken,
              ...(username === undefined ? {} : await hash(username)),
            },
          }),
          deadline(),
        )
        return toResult(answer, username)
      }),

    signUp: ({ username, password, attributes }) =>
      run('signUp', username, async () => {
        const answer = await client.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: username,
            Password: password,
            UserAttributes: Object.entries(attributes ?? {}).map(([Name, Value]) => ({
              Name,
              Value,
            })),
            ...(await hashParam(username)),
          }),
          deadline(),
        )
        if (typeof answer.UserSub !== 'string')
          throw new CognitoApiError('cognito_error', 'Cognito answered the sign-up without a user.')
        const delivery = codeDelivery(answer.CodeDeliveryDetails)
        const confirmed = answer.UserConfirmed === true
        return {
          userSub: answer.UserSub,
          userConfirmed: confirmed,
          next: confirmed
            ? { step: 'sign_in' }
            : {
                step: 'confirm_sign_up',
                username,
                ...(delivery === undefined ? {} : { codeDelivery: delivery }),
              },
        }
      }),

    confirmSignUp: ({ username, code }) =>
      run('confirmSignUp', username, async () => {
        await client.send(
          new ConfirmSignUpCommand({
            ClientId: clientId,
            Username: username,
            ConfirmationCode: code,
            ...(await hashParam(username)),
          }),
          deadline(),
        )
        return { next: { step: 'sign_in' } }
      }),

    resendCode: ({ username }) =>
      run('resendCode', username, async () => {
        const answer = await client.send(
          new ResendConfirmationCodeCommand({
            ClientId: clientId,
            Username: username,
            ...(await hashParam(username)),
          }),
          deadline(),
        )
        return codeSent('confirm_sign_up', username, answer.CodeDeliveryDetails)
      }),

    forgotPassword: ({ username }) =>
      run('forgotPassword', username, async () => {
        const answer = await client.send(
          new ForgotPasswordCommand({
            ClientId: clientId,
            Username: username,
            ...(await hashParam(username)),
          }),
          deadline(),
        )
        return codeSent('confirm_forgot_password', username, answer.CodeDeliveryDetails)
      }),

    confirmForgotPassword: ({ username, code, password }) =>
      run('confirmForgotPassword', username, async () => {
        await client.send(
          new ConfirmForgotPasswordCommand({
            ClientId: clientId,
            Username: username,
            ConfirmationCode: code,
            Password: password,
            ...(await hashParam(username)),
          }),
          deadline(),
        )
        return { next: { step: 'sign_in' } }
      }),

    signOut: ({ accessToken }) =>
      run('signOut', undefined, async () => {
        await client.send(new GlobalSignOutCommand({ AccessToken: accessToken }), deadline())
      }),
  }
}
