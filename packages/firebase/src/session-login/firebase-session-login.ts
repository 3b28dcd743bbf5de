import {
  ConfigError,
  createVerifier,
  isAuthError,
  type VerifiedToken,
  type Verifier,
} from '@cloudauth/core'
import { jsonAnswer, originCheck, type FetchHandler } from '@cloudauth/core/binding'
import { ConfigProblems } from '@cloudauth/core/provider'
import { z } from 'zod'
import { firebase } from '../firebase.js'
import type { FirebaseIdClaims } from '../firebase-id-claims.js'
import { projectIdProblem, tenantIdProblem } from '../internal/config-rules.js'
import { SessionLoginError } from './session-login-error.js'
import { googleAccessToken, type ServiceAccountKey } from './internal/google-access-token.js'
import { UNAVAILABLE_RETRY_AFTER, googleFetch, jsonOf } from './internal/google-fetch.js'
import { readJson } from './internal/http.js'

/** A Fetch-API route handler: core's `FetchHandler`, here for the session routes' users. */
export type { FetchHandler }

/** Options of {@link firebaseSessionLogin}. */
export interface FirebaseSessionLoginOptions {
  /** The Firebase project. Required. */
  readonly projectId: string
  /**
   * The service-account key (the JSON file Google gives, parsed or as text): `client_email`,
   * `private_key` (PKCS #8 PEM) and `private_key_id`. Required. Keep it out of the repository.
   */
  readonly serviceAccount: ServiceAccountKey | string
  /** An Identity Platform tenant: ID tokens must belong to it, and the cookie is made for it. */
  readonly tenantId?: string
  /** Session lifetime in seconds, 300 (5 minutes) to 1 209 600 (2 weeks). Default 432 000 (5 days). */
  readonly expiresIn?: number
  /** How recent the sign-in behind the ID token must be, in seconds (`auth_time`). Default 300. */
  readonly maxAuthAge?: number
  /** The cookie's name. Default `__session` (the only cookie Firebase Hosting passes on). */
  readonly cookieName?: string
  /** The cookie's `Path`. Default `/`. */
  readonly cookiePath?: string
  /** The cookie's `Domain`. Default none (this host only). */
  readonly cookieDomain?: string
  /**
   * `Secure` on the cookie. Default `'auto'`: always, except for plain http on a loopback host
   * (127.0.0.1, localhost, [::1]) in development. `false` must be written out.
   */
  readonly secure?: boolean | 'auto'
  /** Origins allowed besides the request's own (CSRF: `Origin` is required and checked). */
  readonly allowedOrigins?: readonly string[]
  /** The two routes. Default `/auth/session-login` and `/auth/session-logout`. */
  readonly paths?: { readonly login?: string; readonly logout?: string }
  /** Timeout of each call to Google, in milliseconds. Default 10 000. */
  readonly timeoutMs?: number
  /** The fetch used for Google's token and Identity Toolkit endpoints. Default the global one. */
  readonly fetch?: typeof fetch
}

const MIN_EXPIRES = 300
const MAX_EXPIRES = 1_209_600
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])
// RFC 6265 §4.1.1 cookie-name: an RFC 7230 token.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/
const COOKIE_ATTRIBUTE = /^[\x21-\x3a\x3c-\x7e]{1,256}$/
const PEM_KEY = /^-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----\s*$/

const body = z.object({ idToken: z.string().min(1).max(8192) })

function integerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
}

function readServiceAccount(
  value: unknown,
  problems: ConfigProblems,
): ServiceAccountKey | undefined {
  let account: unknown = value
  if (typeof value === 'string') {
    try {
      account = JSON.parse(value)
    } catch {
      problems.add('serviceAccount', 'is not valid JSON (never echoed: it holds a private key)')
      return undefined
    }
  }
  if (typeof account !== 'object' || account === null) {
    problems.add('serviceAccount', 'is required: a service-account key file, parsed or as text')
    return undefined
  }
  const { client_email, private_key, private_key_id } = account as Record<string, unknown>
  if (typeof client_email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(client_email))
    problems.add('serviceAccount.client_email', 'must be the service account e-mail')
  if (typeof private_key !== 'string' || !PEM_KEY.test(private_key.replace(/\\n/g, '\n').trim()))
    problems.add('serviceAccount.private_key', 'must be a PKCS #8 PEM private key')
  if (private_key_id !== undefined && typeof private_key_id !== 'string')
    problems.add('serviceAccount.private_key_id', 'must be a string')
  if (problems.size > 0) return undefined
  return {
    client_email: client_email as string,
    // A key pasted into an environment variable often keeps its newlines as the two characters \n.
    private_key: (private_key as string).replace(/\\n/g, '\n'),
    ...(typeof private_key_id === 'string' ? { private_key_id } : {}),
  }
}

function pathProblem(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/[\w\-./]*$/.test(value) && !value.includes('//')
    ? undefined
    : 'must be a path starting with /'
}

function errorAnswer(error: unknown): Response {
  if (error instanceof SessionLoginError)
    return jsonAnswer(
      error.status,
      { error: error.code, message: error.message },
      error.retryAfter === undefined ? {} : { 'retry-after': String(error.retryAfter) },
    )
  if (isAuthError(error))
    return jsonAnswer(
      error.status,
      { error: error.code, message: error.description },
      error.status === 503
        ? { 'retry-after': String(error.retryAfter ?? UNAVAILABLE_RETRY_AFTER) }
        : {},
    )
  return jsonAnswer(502, { error: 'upstream_error', message: 'The session could not be created.' })
}

/**
 * Firebase session login as ONE Fetch handler (mount it with a binding's `auth.mount(handler)`),
 * as firebase-admin's "Manage session cookies" guide describes it:
 *
 * - `POST /auth/session-login` with `{ "idToken": "..." }`: the ID token is verified with
 *   `firebase({ projectId })`, its `auth_time` must be at most `maxAuthAge` seconds old, and it is
 *   exchanged for a session cookie through the Identity Toolkit `createSessionCookie` call,
 *   authorized by the service account (an RS256 JWT-bearer assertion, RFC 7523, exchanged at
 *   Google's token endpoint; the access token is cached). The answer (200 `{ status: 'ok',
 *   expiresIn }`) sets the cookie `HttpOnly; SameSite=Lax; Path=/; Max-Age=expiresIn` and `Secure`
 *   (except on loopback http). Verify it later with `firebase({ projectId, sessionCookie: true })`
 *   and `cookie('__session')`.
 * - `POST /auth/session-logout`: 204, clearing the cookie.
 *
 * CSRF: both routes require an `Origin` header equal to the request's origin or one of
 * `allowedOrigins` (403 `forbidden_origin`), and the login body must be `application/json`.
 * Every call to Google uses `redirect: 'manual'`; a redirect is a failure, never followed.
 *
 * @example
 * ```ts
 * import { firebaseSessionLogin } from '@cloudauth/firebase/session-login'
 *
 * const sessions = firebaseSessionLogin({
 *   projectId: 'acme-prod',
 *   serviceAccount: process.env.FIREBASE_SERVICE_ACCOUNT!, // the key file's JSON
 * })
 * auth.mount(sessions) // Hono or Express binding
 * ```
 * @throws ConfigError at construction: `projectId`, `tenantId`, `serviceAccount` (never echoed),
 *   `expiresIn` outside 300 to 1 209 600, `maxAuthAge` outside 1 to 3600, a bad cookie name,
 *   path or domain, `secure` not a boolean or `'auto'`, `allowedOrigins` not origins, bad paths,
 *   `timeoutMs`, `fetch`.
 * @returns a handler answering 400 `invalid_request`, 415, 413, 405, 403 `forbidden_origin`, core's
 *   `AuthError` codes for a bad ID token (401; `jwks_unavailable` 503), 401
 *   `recent_sign_in_required`, 401 `invalid_token` and 403 `user_disabled` (Google refused the
 *   token), 429 `too_many_requests`, 502 `upstream_error`, 503 `upstream_unavailable`.
 */
export function firebaseSessionLogin(options: FirebaseSessionLoginOptions): FetchHandler {
  if (typeof options !== 'object' || (options as unknown) === null)
    throw new ConfigError('options', 'must be an object')
  const problems = new ConfigProblems()
  problems.add('projectId', projectIdProblem(options.projectId))
  if (options.tenantId !== undefined) problems.add('tenantId', tenantIdProblem(options.tenantId))
  const account = readServiceAccount(options.serviceAccount, problems)
  const expiresIn = options.expiresIn ?? 432_000
  if (!integerIn(expiresIn, MIN_EXPIRES, MAX_EXPIRES))
    problems.add('expiresIn', 'must be whole seconds from 300 (5 minutes) to 1209600 (2 weeks)')
  const maxAuthAge = options.maxAuthAge ?? 300
  if (!integerIn(maxAuthAge, 1, 3600))
    problems.add('maxAuthAge', 'must be whole seconds from 1 to 3600')
  const cookieName = options.cookieName ?? '__session'
  if (typeof cookieName !== 'string' || !COOKIE_NAME.test(cookieName))
    problems.add('cookieName', 'must be a cookie name (RFC 6265 token)')
  const cookiePath = options.cookiePath ?? '/'
  if (pathProblem(cookiePath) !== undefined || !COOKIE_ATTRIBUTE.test(cookiePath))
    problems.add('cookiePath', 'must be a path starting with /')
  const { cookieDomain } = options
  if (cookieDomain !== undefined && !/^[A-Za-z0-9.-]{1,253}$/.test(cookieDomain))
    problems.add('cookieDomain', 'must be a host name')
  const secure = options.secure ?? 'auto'
  if (secure !== 'auto' && typeof secure !== 'boolean')
    problems.add('secure', "must be true, false or 'auto'")
  const fromAllowedOrigin = originCheck({
    allowedOrigins: options.allowedOrigins ?? [],
    requireOrigin: true,
    problems,
  })
  const loginPath = options.paths?.login ?? '/auth/session-login'
  const logoutPath = options.paths?.logout ?? '/auth/session-logout'
  problems.add('paths.login', pathProblem(loginPath))
  problems.add('paths.logout', pathProblem(logoutPath))
  if (loginPath === logoutPath) problems.add('paths.logout', 'is the login path')
  const timeoutMs = options.timeoutMs ?? 10_000
  if (!integerIn(timeoutMs, 1, 120_000))
    problems.add('timeoutMs', 'must be an integer from 1 to 120000')
  if (options.fetch !== undefined && typeof options.fetch !== 'function')
    problems.add('fetch', 'must be a function')
  problems.throwIfAny()
  if (account === undefined) throw new ConfigError('serviceAccount', 'is required')

  const { projectId, tenantId } = options
  // The global fetch is read at call time, so a fetch patched later (msw in tests) is used.
  const fetchImpl = (): typeof fetch => options.fetch ?? globalThis.fetch
  const accessToken = googleAccessToken(account, fetchImpl, timeoutMs)
  const createUrl =
    tenantId === undefined
      ? `https://identitytoolkit.googleapis.com/v1/projects/${projectId}:createSessionCookie`
      : `https://identitytoolkit.googleapis.com/v1/projects/${projectId}/tenants/${tenantId}:createSessionCookie`
  // Made on first use: core keeps the fetch it sees at construction.
  let verifier: Verifier<FirebaseIdClaims> | undefined
  const idTokens = () =>
    (verifier ??= createVerifier(
      firebase({ projectId, ...(tenantId === undefined ? {} : { tenantId }) }),
    ))

  const cookie = (request: URL, value: string, maxAge: number): string => {
    const useSecure =
      secure === 'auto' ? !(request.protocol === 'http:' && LOOPBACK.has(request.hostname)) : secure
    return [
      `${cookieName}=${value}`,
      `Max-Age=${maxAge}`,
      `Path=${cookiePath}`,
      ...(cookieDomain === undefined ? [] : [`Domain=${cookieDomain}`]),
      'HttpOnly',
      ...(useSecure ? ['Secure'] : []),
      'SameSite=Lax',
    ].join('; ')
  }

  async function createSessionCookie(idToken: string): Promise<string> {
    const token = await accessToken.get()
    const response = await googleFetch(
      fetchImpl(),
      createUrl,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({ idToken, validDuration: expiresIn }),
      },
      timeoutMs,
      'createSessionCookie',
    )
    const answer = (await jsonOf(response)) as
      | { readonly sessionCookie?: unknown; readonly error?: { readonly message?: unknown } }
      | undefined
    if (response.ok && typeof answer?.sessionCookie === 'string' && answer.sessionCookie !== '')
      return answer.sessionCookie
    if (response.status === 401 || response.status === 403) {
      accessToken.invalidate()
      throw new SessionLoginError(
        'upstream_error',
        `createSessionCookie: Google refused the service account (${response.status}).`,
      )
    }
    // Identity Toolkit names the reason first: "INVALID_ID_TOKEN", "USER_DISABLED : ...".
    const reason =
      typeof answer?.error?.message === 'string' ? answer.error.message.split(/[\s:]/)[0] : ''
    if (reason === 'USER_DISABLED')
      throw new SessionLoginError('user_disabled', 'The user account is disabled.')
    if (reason === 'INVALID_ID_TOKEN' || reason === 'TOKEN_EXPIRED' || reason === 'USER_NOT_FOUND')
      throw new SessionLoginError('invalid_token', 'Google refused the ID token.')
    throw new SessionLoginError(
      'upstream_error',
      `createSessionCookie: Google gave an unexpected answer (${response.status}).`,
    )
  }

  async function login(request: Request, url: URL): Promise<Response> {
    const parsed = body.safeParse(await readJson(request, 16_384))
    if (!parsed.success)
      throw new SessionLoginError(
        'invalid_request',
        'The body must be { "idToken": "<Firebase ID token>" }.',
      )
    const verified: VerifiedToken<FirebaseIdClaims> = await idTokens().verify(parsed.data.idToken)
    // firebase-admin's guide: only mint a session for a sign-in of the last few minutes, so a
    // stolen ID token cannot be turned into a two-week session.
    const age = Date.now() / 1000 - verified.claims.auth_time
    if (age > maxAuthAge)
      throw new SessionLoginError(
        'recent_sign_in_required',
        'The sign-in is too old: sign in again.',
      )
    const sessionCookie = await createSessionCookie(parsed.data.idToken)
    return jsonAnswer(
      200,
      { status: 'ok', expiresIn },
      { 'set-cookie': cookie(url, sessionCookie, expiresIn) },
    )
  }

  return async (request) => {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return undefined
    }
    const isLogin = url.pathname === loginPath
    if (!isLogin && url.pathname !== logoutPath) return undefined
    if (request.method === 'OPTIONS') return undefined
    if (request.method !== 'POST')
      return jsonAnswer(
        405,
        { error: 'method_not_allowed', message: 'Only POST is allowed here.' },
        { allow: 'POST' },
      )
    if (!fromAllowedOrigin(request, url))
      return errorAnswer(
        new SessionLoginError('forbidden_origin', 'A same-origin Origin header is required.'),
      )
    try {
      if (isLogin) return await login(request, url)
      return new Response(null, {
        status: 204,
        headers: { 'cache-control': 'no-store', 'set-cookie': cookie(url, '', 0) },
      })
    } catch (error) {
      return errorAnswer(error)
    }
  }
}
