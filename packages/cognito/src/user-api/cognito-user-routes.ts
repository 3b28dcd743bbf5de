import { ConfigError } from '@cloudauth/core'
import { jsonAnswer, originCheck, type FetchHandler } from '@cloudauth/core/binding'
import { ConfigProblems } from '@cloudauth/core/provider'
import { z } from 'zod'
import { CognitoApiError } from './cognito-api-error.js'
import type { ChallengeAnswer, CognitoUserApi, MfaSetting } from './cognito-user-api.js'
import { errorAnswer, readCognitoBody } from './internal/json-route.js'

/** The routes of {@link cognitoUserRoutes}, by operation. */
export type CognitoUserRoute =
  | 'signIn'
  | 'signUp'
  | 'confirmSignUp'
  | 'resendCode'
  | 'forgotPassword'
  | 'confirmForgotPassword'
  | 'refresh'
  | 'signOut'
  | 'respondToChallenge'
  | 'setUpSoftwareToken'
  | 'associateSoftwareToken'
  | 'verifySoftwareToken'
  | 'setMfaPreference'

/** A Fetch-API route handler: core's `FetchHandler`, here for the routes' users. */
export type { FetchHandler }

/** Options of {@link cognitoUserRoutes}. */
export interface CognitoUserRoutesOptions {
  /** Where the routes live. Default `/cognito` (fastauth's paths). */
  readonly prefix?: string
  /** Rename single routes (a path below `prefix`, starting with `/`). */
  readonly paths?: Partial<Record<CognitoUserRoute, string>>
  /**
   * Origins allowed to call the routes from a browser, besides the request's own. A request whose
   * `Origin` header is neither is refused (403 `forbidden_origin`); requests without `Origin`
   * (servers, mobile apps) pass. `null` switches the check off. Default `[]`: same origin only.
   */
  readonly allowedOrigins?: readonly string[] | null
  /** Largest body read, in bytes. Default 16 384. */
  readonly maxBodyBytes?: number
}

/** The default path of each route below the prefix. */
export const COGNITO_USER_ROUTE_PATHS: Readonly<Record<CognitoUserRoute, string>> = Object.freeze({
  signIn: '/login',
  signUp: '/sign-new-user',
  confirmSignUp: '/confirm-sign-up',
  resendCode: '/resend-code',
  forgotPassword: '/forgot-password',
  confirmForgotPassword: '/confirm-forgot-password',
  refresh: '/refresh',
  signOut: '/sign-out',
  respondToChallenge: '/respond-to-challenge',
  setUpSoftwareToken: '/mfa-setup/software-token',
  associateSoftwareToken: '/mfa/software-token',
  verifySoftwareToken: '/mfa/software-token/verify',
  setMfaPreference: '/mfa/preference',
})

const username = z.string().min(1).max(128)
const password = z.string().min(1).max(256)
const code = z.string().min(1).max(2048).regex(/^\S+$/, 'must not contain spaces')
const attributes = z.record(
  z.string().regex(/^[\w:.-]{1,64}$/, 'is not an attribute name'),
  z.string().max(2048),
)

const session = z.string().min(20).max(2048)
const challengeCode = z.string().regex(/^\d{4,10}$/, 'must be the digits of the code')
// RFC 6238 as Cognito runs it: six digits.
const totpCode = z.string().regex(/^\d{6}$/, 'must be the six digits of the code')
// Shown by an authenticator app: printable, and no colon (the otpauth label's separator).
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const accountName = z.string().regex(/^[^:\u0000-\u001f\u007f]{1,128}$/, {
  message: 'must be 1 to 128 characters without a colon or control characters',
})
// eslint-disable-next-line no-control-regex -- control characters are what this refuses
const deviceName = z.string().regex(/^[^\u0000-\u001f\u007f]{1,64}$/, {
  message: 'must be 1 to 64 characters without control characters',
})
const mfaSetting = z
  .object({ enabled: z.boolean(), preferred: z.boolean().optional() })
  .refine((setting) => setting.preferred !== true || setting.enabled, {
    message: 'can be true only with enabled: true',
    path: ['preferred'],
  })

const bodies = {
  signIn: z.object({ username, password }),
  signUp: z.object({ username, password, attributes: attributes.optional() }),
  confirmSignUp: z.object({ username, code }),
  resendCode: z.object({ username }),
  forgotPassword: z.object({ username }),
  confirmForgotPassword: z.object({ username, code, password }),
  refresh: z.object({ refreshToken: z.string().min(1).max(16_384), username: username.optional() }),
  respondToChallenge: z.discriminatedUnion('step', [
    z.object({
      step: z.literal('new_password_required'),
      session,
      username,
      newPassword: password,
      attributes: attributes.optional(),
    }),
    z.object({
      step: z.enum(['sms_mfa', 'software_token_mfa', 'email_otp']),
      session,
      username,
      code: challengeCode,
    }),
    z.object({
      step: z.literal('select_mfa_type'),
      session,
      username,
      mfaType: z.enum(['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']),
    }),
    z.object({
      step: z.literal('custom_challenge'),
      session,
      username,
      answer: z.string().min(1).max(2048),
    }),
    z.object({
      step: z.literal('verify_software_token'),
      session,
      username,
      code: totpCode,
      deviceName: deviceName.optional(),
    }),
  ]),
  setUpSoftwareToken: z.object({ session, username, accountName: accountName.optional() }),
  associateSoftwareToken: z.object({ accountName: accountName.optional() }),
  verifySoftwareToken: z.object({
    code: totpCode,
    deviceName: deviceName.optional(),
    preferred: z.boolean().optional(),
  }),
  setMfaPreference: z
    .object({
      softwareToken: mfaSetting.optional(),
      sms: mfaSetting.optional(),
      email: mfaSetting.optional(),
    })
    .refine(
      (body) =>
        body.softwareToken !== undefined || body.sms !== undefined || body.email !== undefined,
      { message: 'must set at least one of softwareToken, sms and email' },
    ),
} as const

type MfaSettingBody = z.output<typeof mfaSetting>

function toSetting(body: MfaSettingBody): MfaSetting {
  return {
    enabled: body.enabled,
    ...(body.preferred === undefined ? {} : { preferred: body.preferred }),
  }
}

/** The zod output as the API's type: optional fields absent rather than `undefined`. */
function toAnswer(body: z.output<typeof bodies.respondToChallenge>): ChallengeAnswer {
  switch (body.step) {
    case 'new_password_required':
      return {
        step: body.step,
        session: body.session,
        username: body.username,
        newPassword: body.newPassword,
        ...(body.attributes === undefined ? {} : { attributes: body.attributes }),
      }
    case 'verify_software_token':
      return {
        step: body.step,
        session: body.session,
        username: body.username,
        code: body.code,
        ...(body.deviceName === undefined ? {} : { deviceName: body.deviceName }),
      }
    default:
      return body
  }
}

// RFC 6750 §2.1: `Bearer` and a b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i

/**
 * The user's access token, from the request's own `Authorization` header: the routes that act on
 * a signed-in user take the user from it (Cognito checks it), never from the body.
 */
function bearerToken(request: Request): string {
  const value = request.headers.get('authorization')
  const match = value === null ? null : BEARER.exec(value)
  if (match?.[1] === undefined)
    throw new CognitoApiError(
      'invalid_request',
      'This route needs the access token in an Authorization: Bearer header.',
    )
  return match[1]
}

function pathProblem(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/[\w\-./]*$/.test(value) && !value.includes('//')
    ? undefined
    : 'must be a path starting with /'
}

/**
 * The Cognito user API as HTTP routes, in ONE Fetch handler `(request) => Promise<Response |
 * undefined>`: mount it with a binding's `auth.mount(handler)`, or call it from any Fetch-API
 * server. Each route takes `POST` with a JSON body checked by zod (a bad body is 400
 * `invalid_request` naming the fields, never echoing a value) and answers JSON with
 * `Cache-Control: no-store`:
 *
 * | route | body | answer |
 * | --- | --- | --- |
 * | `POST /cognito/login` | `{ username, password }` | 200 `{ status: 'signed_in', username, tokens }` or `{ status: 'challenge', next }` |
 * | `POST /cognito/respond-to-challenge` | `{ step, session, username }` and the step's answer: `code`, `newPassword` (+ `attributes?`), `mfaType`, `answer`, or `code` (+ `deviceName?`) for `verify_software_token` | as login |
 * | `POST /cognito/mfa-setup/software-token` | `{ session, username, accountName? }` of an `mfa_setup` step | 200 `{ secretCode, otpauthUri, next: { step: 'verify_software_token', session, username } }` |
 * | `POST /cognito/refresh` | `{ refreshToken, username? }` | 200 as login |
 * | `POST /cognito/sign-new-user` | `{ username, password, attributes? }` | 201 `{ userSub, userConfirmed, next }` |
 * | `POST /cognito/confirm-sign-up` | `{ username, code }` | 200 `{ next: { step: 'sign_in' } }` |
 * | `POST /cognito/resend-code` | `{ username }` | 200 `{ codeDelivery, next }` |
 * | `POST /cognito/forgot-password` | `{ username }` | 200 `{ codeDelivery, next }` |
 * | `POST /cognito/confirm-forgot-password` | `{ username, code, password }` | 200 `{ next }` |
 * | `POST /cognito/sign-out` | none; `Authorization: Bearer <access token>` | 204 |
 * | `POST /cognito/mfa/software-token` | `{ accountName? }` or none; Bearer | 200 `{ secretCode, otpauthUri }` |
 * | `POST /cognito/mfa/software-token/verify` | `{ code, deviceName?, preferred? }`; Bearer | 200 `{ softwareToken: { enabled: true, preferred } }` |
 * | `POST /cognito/mfa/preference` | `{ softwareToken?, sms?, email? }`, each `{ enabled, preferred? }`; Bearer | 204 |
 *
 * The routes marked Bearer act on the user of the access token in the request's `Authorization`
 * header (Cognito checks it); a body never names the user.
 *
 * Errors answer `{ error, message, next?, fields? }` with the status of the code (see
 * {@link CognitoApiError}); 429 and 503 carry `Retry-After`. Another method on a route path is
 * 405 (OPTIONS falls through to the app's CORS handling); any other path is `undefined`.
 *
 * @example
 * ```ts
 * const users = cognitoUserApi({ userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' })
 * auth.mount(cognitoUserRoutes(users)) // Hono or Express binding
 * ```
 * @throws ConfigError at construction: a `prefix` or path that is not a path, two routes on one
 *   path, `allowedOrigins` not a list of origins, `maxBodyBytes` not a positive integer.
 */
export function cognitoUserRoutes(
  api: CognitoUserApi,
  options: CognitoUserRoutesOptions = {},
): FetchHandler {
  if (typeof api !== 'object' || (api as unknown) === null || typeof api.signIn !== 'function')
    throw new ConfigError('api', 'must be what cognitoUserApi() returns')
  const problems = new ConfigProblems()
  const prefix = options.prefix ?? '/cognito'
  problems.add('prefix', pathProblem(prefix))
  const base = prefix.replace(/\/+$/, '')
  const routes = new Map<string, CognitoUserRoute>()
  for (const [route, fallback] of Object.entries(COGNITO_USER_ROUTE_PATHS) as [
    CognitoUserRoute,
    string,
  ][]) {
    const path = options.paths?.[route] ?? fallback
    const problem = pathProblem(path)
    problems.add(`paths.${route}`, problem)
    if (problem !== undefined) continue
    const full = `${base}${path}`
    if (routes.has(full)) problems.add(`paths.${route}`, 'is the path of another route')
    routes.set(full, route)
  }
  const fromAllowedOrigin = originCheck({
    allowedOrigins: options.allowedOrigins === undefined ? [] : options.allowedOrigins,
    problems,
  })
  const maxBodyBytes = options.maxBodyBytes ?? 16_384
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 256 || maxBodyBytes > 1_048_576)
    problems.add('maxBodyBytes', 'must be an integer from 256 to 1048576')
  problems.throwIfAny()

  const handle = async (route: CognitoUserRoute, request: Request): Promise<Response> => {
    const read = <S extends z.ZodType>(schema: S) => readCognitoBody(request, schema, maxBodyBytes)
    switch (route) {
      case 'signIn':
        return jsonAnswer(200, await api.signIn(await read(bodies.signIn)))
      case 'respondToChallenge':
        return jsonAnswer(
          200,
          await api.respondToChallenge(toAnswer(await read(bodies.respondToChallenge))),
        )
      case 'setUpSoftwareToken': {
        const body = await read(bodies.setUpSoftwareToken)
        return jsonAnswer(
          200,
          await api.setUpSoftwareToken({
            session: body.session,
            username: body.username,
            ...(body.accountName === undefined ? {} : { accountName: body.accountName }),
          }),
        )
      }
      case 'associateSoftwareToken': {
        const accessToken = bearerToken(request)
        // The body is optional here (only a display name); without a JSON type it is not read.
        const body = request.headers.has('content-type')
          ? await read(bodies.associateSoftwareToken)
          : {}
        return jsonAnswer(
          200,
          await api.associateSoftwareToken({
            accessToken,
            ...(body.accountName === undefined ? {} : { accountName: body.accountName }),
          }),
        )
      }
      case 'verifySoftwareToken': {
        const accessToken = bearerToken(request)
        const body = await read(bodies.verifySoftwareToken)
        await api.verifySoftwareToken({
          accessToken,
          code: body.code,
          ...(body.deviceName === undefined ? {} : { deviceName: body.deviceName }),
        })
        // Verified is not yet on: the server chains SetUserMFAPreference, so one call enrols.
        const preferred = body.preferred ?? true
        await api.setMfaPreference({ accessToken, softwareToken: { enabled: true, preferred } })
        return jsonAnswer(200, { softwareToken: { enabled: true, preferred } })
      }
      case 'setMfaPreference': {
        const accessToken = bearerToken(request)
        const body = await read(bodies.setMfaPreference)
        await api.setMfaPreference({
          accessToken,
          ...(body.softwareToken === undefined
            ? {}
            : { softwareToken: toSetting(body.softwareToken) }),
          ...(body.sms === undefined ? {} : { sms: toSetting(body.sms) }),
          ...(body.email === undefined ? {} : { email: toSetting(body.email) }),
        })
        return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } })
      }
      case 'refresh': {
        const body = await read(bodies.refresh)
        return jsonAnswer(
          200,
          await api.refresh({
            refreshToken: body.refreshToken,
            ...(body.username === undefined ? {} : { username: body.username }),
          }),
        )
      }
      case 'signUp': {
        const body = await read(bodies.signUp)
        return jsonAnswer(
          201,
          await api.signUp({
            username: body.username,
            password: body.password,
            ...(body.attributes === undefined ? {} : { attributes: body.attributes }),
          }),
        )
      }
      case 'confirmSignUp':
        return jsonAnswer(200, await api.confirmSignUp(await read(bodies.confirmSignUp)))
      case 'resendCode':
        return jsonAnswer(200, await api.resendCode(await read(bodies.resendCode)))
      case 'forgotPassword':
        return jsonAnswer(200, await api.forgotPassword(await read(bodies.forgotPassword)))
      case 'confirmForgotPassword':
        return jsonAnswer(
          200,
          await api.confirmForgotPassword(await read(bodies.confirmForgotPassword)),
        )
      case 'signOut':
        await api.signOut({ accessToken: bearerToken(request) })
        return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } })
    }
  }

  return async (request) => {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return undefined
    }
    const route = routes.get(url.pathname)
    if (route === undefined) return undefined
    if (request.method === 'OPTIONS') return undefined
    if (request.method !== 'POST')
      return errorAnswer(new CognitoApiError('method_not_allowed', 'Only POST is allowed here.'), {
        allow: 'POST',
      })
    if (!fromAllowedOrigin(request, url))
      return errorAnswer(
        new CognitoApiError('forbidden_origin', 'Requests from this origin are not allowed.'),
      )
    try {
      return await handle(route, request)
    } catch (error) {
      return errorAnswer(
        error instanceof CognitoApiError
          ? error
          : new CognitoApiError('cognito_error', 'The request could not be completed.', {
              cause: error,
            }),
      )
    }
  }
}
