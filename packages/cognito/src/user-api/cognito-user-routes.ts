import { ConfigError } from '@cloudauth/core'
import { jsonAnswer, originCheck, type FetchHandler } from '@cloudauth/core/binding'
import { ConfigProblems } from '@cloudauth/core/provider'
import { z } from 'zod'
import { CognitoApiError } from './cognito-api-error.js'
import type { CognitoUserApi } from './cognito-user-api.js'
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
})

const username = z.string().min(1).max(128)
const password = z.string().min(1).max(256)
const code = z.string().min(1).max(2048).regex(/^\S+$/, 'must not contain spaces')
const attributes = z.record(
  z.string().regex(/^[\w:.-]{1,64}$/, 'is not an attribute name'),
  z.string().max(2048),
)

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
      session: z.string().min(20).max(2048),
      username,
      newPassword: password,
      attributes: attributes.optional(),
    }),
    z.object({
      step: z.enum(['sms_mfa', 'software_token_mfa']),
      session: z.string().min(20).max(2048),
      username,
      code: z.string().regex(/^\d{4,10}$/, 'must be the digits of the code'),
    }),
  ]),
} as const

// RFC 6750 §2.1: `Bearer` and a b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i

function bearerToken(request: Request): string {
  const value = request.headers.get('authorization')
  const match = value === null ? null : BEARER.exec(value)
  if (match?.[1] === undefined)
    throw new CognitoApiError(
      'invalid_request',
      'Sign-out needs the access token in an Authorization: Bearer header.',
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
 * | `POST /cognito/respond-to-challenge` | `{ step, session, username, code }` or `{ step: 'new_password_required', ..., newPassword, attributes? }` | as login |
 * | `POST /cognito/refresh` | `{ refreshToken, username? }` | 200 as login |
 * | `POST /cognito/sign-new-user` | `{ username, password, attributes? }` | 201 `{ userSub, userConfirmed, next }` |
 * | `POST /cognito/confirm-sign-up` | `{ username, code }` | 200 `{ next: { step: 'sign_in' } }` |
 * | `POST /cognito/resend-code` | `{ username }` | 200 `{ codeDelivery, next }` |
 * | `POST /cognito/forgot-password` | `{ username }` | 200 `{ codeDelivery, next }` |
 * | `POST /cognito/confirm-forgot-password` | `{ username, code, password }` | 200 `{ next }` |
 * | `POST /cognito/sign-out` | none; `Authorization: Bearer <access token>` | 204 |
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
      case 'respondToChallenge': {
        const body = await read(bodies.respondToChallenge)
        return jsonAnswer(
          200,
          await api.respondToChallenge(
            body.step === 'new_password_required'
              ? {
                  step: body.step,
                  session: body.session,
                  username: body.username,
                  newPassword: body.newPassword,
                  ...(body.attributes === undefined ? {} : { attributes: body.attributes }),
                }
              : body,
          ),
        )
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
