import * as oauth from 'oauth4webapi'
import { decodeJwt } from 'jose'
import { ConfigError } from '@cloudauth/core'
import { jsonAnswer } from '@cloudauth/core/binding'
import { LoginError, type LoginErrorCode } from '../errors/login-error.js'
import type { LoginIssuer } from '../issuers/login-issuer.js'
import {
  chunkCookies,
  chunkNames,
  parseCookies,
  readChunked,
  serializeCookie,
  type CookieAttributes,
} from '../internal/cookies.js'
import { safeReturnTo } from '../internal/return-to.js'
import { httpOptions, toLoginError } from '../internal/safe-fetch.js'
import { checkSecrets, createSealer } from '../internal/seal.js'
import { parseHttpsUrl } from '../internal/urls.js'
import {
  toSessionRecord,
  type SessionRecord,
  type SessionStore,
} from '../sessions/session-store.js'

/** Paths of the login routes (the callback's is the path of `redirectUri`). */
export interface LoginPaths {
  readonly login: string
  readonly callback: string
  readonly logout: string
  readonly refresh: string
  readonly me: string
}

/** Something that happened in a login route, for the app's logs. Never holds a token or a code. */
export interface LoginEvent {
  readonly type:
    'login' | 'login_failed' | 'logout' | 'refresh' | 'refresh_failed' | 'revoke_failed'
  /** The user, where known. */
  readonly sub?: string
  readonly code?: LoginErrorCode
  readonly description?: string
}

/** Options of {@link createLogin}. */
export interface CreateLoginOptions {
  /** Where users log in: {@link oidcIssuer}, {@link cognitoHostedUi} or {@link auth0UniversalLogin}. */
  readonly issuer: LoginIssuer
  readonly clientId: string
  /** For a confidential client (sent as `client_secret_post`). Omit for a public client. */
  readonly clientSecret?: string
  /**
   * The absolute callback URL registered with the issuer, e.g. `https://app.example.com/auth/callback`.
   * Its origin is the app's origin (for `returnTo`, `Origin` checks); its path is the callback route.
   * http only on a loopback host (development), and then cookies are not `Secure`.
   */
  readonly redirectUri: string
  /**
   * Secrets that encrypt the cookies, newest first, each at least 32 characters. Add a new one at
   * the front to rotate: cookies sealed with an older one still open until it is removed.
   */
  readonly secrets: readonly string[]
  /** Default `['openid', 'email', 'profile']`. Add `offline_access` where the issuer needs it for a refresh token. */
  readonly scopes?: readonly string[]
  /** Extra authorization request parameters, e.g. `{ audience: 'https://api.example.com' }` for Auth0. */
  readonly authorizationParams?: Readonly<Record<string, string>>
  /** Where the issuer sends the browser after logout. Default: the app's origin + `/`. */
  readonly postLogoutRedirectUri?: string
  /** A server-side store ({@link memoryStore}, {@link redisStore}). Default: the session lives in an encrypted cookie. */
  readonly store?: SessionStore
  /** Rename routes. Defaults `/auth/login`, `/auth/logout`, `/auth/refresh`, `/auth/me`. */
  readonly paths?: Partial<Omit<LoginPaths, 'callback'>>
  /** Session cookie name. Default `__Host-cloudauth.session` (`cloudauth.session` on http). */
  readonly cookieName?: string
  /** A session unused this long ends, seconds. Default 86400 (1 day). */
  readonly idleTimeoutSeconds?: number
  /** A session ends this long after login whatever its use, seconds. Default 604800 (7 days). */
  readonly absoluteTimeoutSeconds?: number
  /** How long a login attempt may take, seconds. Default 600. */
  readonly attemptSeconds?: number
  /** Refresh the access token this long before it expires, seconds. Default 60. */
  readonly refreshLeewaySeconds?: number
  /** How long `/auth/me` keeps an issuer's userinfo answer, seconds. Default 30; 0 to not cache. */
  readonly userinfoCacheSeconds?: number
  /** Timeout of each call to the issuer. Default 10000. */
  readonly timeoutMs?: number
  /**
   * Whether the ID token must carry the `nonce` sent in the authorization request (OpenID Connect
   * Core §3.1.2.1, §3.1.3.7 step 11). Default `'required'`. `'if-present'` is an explicit opt-out
   * for issuers that leave the claim out (cognito-local): a login is still refused when the ID token
   * has a `nonce` that differs, and `state` and PKCE (S256) are still checked.
   */
  readonly idTokenNonce?: 'required' | 'if-present'
  /** Called for each login, logout, refresh and failure. Events never hold tokens or codes. */
  readonly onEvent?: (event: LoginEvent) => void
}

/** What the session helpers read from a request: a binding's `RequestView` is one. */
export interface SessionRequest {
  header(name: string): string | undefined
  /** Where a rotated session cookie goes (`Set-Cookie`). Without it, the cookie is not rotated. */
  appendResponseHeader?(name: string, value: string): void
  /** Per-request memo: the session is read once per request. */
  readonly memo?: Map<unknown, unknown>
}

/** The logged-in user of a request, as {@link Login.session} gives it. */
export interface LoginSession {
  readonly sub: string
  /** Claims of the ID token (validated at login). */
  readonly claims: Readonly<Record<string, unknown>>
  readonly accessToken: string
  /** When the access token expires, epoch seconds, where the issuer said. */
  readonly expiresAt: number | undefined
  readonly scope: string | undefined
}

/** An answer that sends a browser to the login page (the shape of the pipeline's `ErrorAnswer`). */
export interface LoginRedirectAnswer {
  readonly status: 302
  readonly headers: Record<string, string>
  readonly body: string
}

/** A login: its routes, and the session helpers for other routes. */
export interface Login {
  /**
   * The login routes as one Fetch handler: a `Response` for its paths, `undefined` for any other.
   * `GET login` (optional `returnTo`), `GET callback`, `POST logout`, `POST refresh`, `GET me`.
   */
  readonly routes: (request: Request) => Promise<Response | undefined>
  readonly paths: LoginPaths
  readonly issuer: LoginIssuer
  /**
   * The session of a request, refreshed first when its access token expires within the leeway
   * (one refresh per session at a time). `undefined` when there is none, or it ended.
   * @throws LoginError `issuer_unavailable` when a needed refresh cannot reach the issuer
   */
  session(request: SessionRequest): Promise<LoginSession | undefined>
  /** The issuer's userinfo for the session's user (cached briefly); `undefined` without a session. */
  userinfo(request: SessionRequest): Promise<Record<string, unknown> | undefined>
  /** A 302 to the login route that returns to `url` (a path, or a URL of this app) after login. */
  redirectToLogin(request: { readonly method: string; readonly url: string }): LoginRedirectAnswer
}

const STATE = /^[A-Za-z0-9_-]{16,128}$/
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/
const ATTEMPT_PREFIX = 'cloudauth.attempt.'
const RESERVED_PARAMS = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
])
const TOUCH_EVERY_SECONDS = 60
const LOCK_MS = 15_000
const WAIT_STEP_MS = 50
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function seconds(option: string, value: number | undefined, fallback: number, min = 0): number {
  const result = value ?? fallback
  if (typeof result !== 'number' || !Number.isFinite(result) || result < min) {
    throw new ConfigError(option, `must be a number, ${min} or more`)
  }
  return result
}

function checkPath(option: string, value: string | undefined, fallback: string): string {
  const path = value ?? fallback
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) {
    throw new ConfigError(option, 'must be a path starting with /')
  }
  return path
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000)

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/** Core's JSON answer (no-store), with `nosniff`: login answers are read by browsers. */
function json(status: number, body: unknown, headers: Headers = new Headers()): Response {
  headers.set('x-content-type-options', 'nosniff')
  return jsonAnswer(status, body, headers)
}

function redirect(location: string, headers: Headers, status = 302): Response {
  headers.set('location', location)
  headers.set('cache-control', 'no-store')
  return new Response(null, { status, headers })
}

function errorResponse(error: LoginError, headers: Headers = new Headers()): Response {
  if (error.status === 405)
    headers.set('allow', error.description.includes('POST') ? 'POST' : 'GET')
  if (error.retryAfter !== undefined) headers.set('retry-after', String(error.retryAfter))
  return json(error.status, { error: error.code, error_description: error.description }, headers)
}

function idTokenNonceOption(value: unknown): boolean {
  if (value === undefined || value === 'required') return false
  if (value === 'if-present') return true
  throw new ConfigError('idTokenNonce', "must be 'required' or 'if-present'")
}

/** Whether the token response's ID token has a `nonce` claim (read before it is validated). */
async function idTokenHasNonce(response: Response): Promise<boolean> {
  try {
    const body: unknown = await response.clone().json()
    const idToken = (body as { id_token?: unknown } | null)?.id_token
    if (typeof idToken !== 'string') return false
    return decodeJwt(idToken).nonce !== undefined
  } catch {
    // Not JSON or not a JWT: oauth4webapi refuses it with the full check.
    return true
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Logs users in with the authorization code flow and PKCE (RFC 6749 §4.1, RFC 7636 S256, OpenID
 * Connect Core §3.1), built on oauth4webapi. Each attempt keeps its `state`, `nonce`, verifier and
 * `returnTo` in its own encrypted cookie; the session lives in an encrypted cookie or a store.
 *
 * @example
 * ```ts
 * const login = createLogin({
 *   issuer: cognitoHostedUi({ domain: 'auth.example.com', userPoolId: 'eu-west-1_AbCdEf123' }),
 *   clientId: '1example23456789',
 *   redirectUri: 'https://app.example.com/auth/callback',
 *   secrets: [process.env.SESSION_SECRET!],
 * })
 * const auth = cloudauth(cognito({ ... }), { tokenFrom: [session(login)] })
 * auth.mount(login.routes)
 * ```
 * @throws ConfigError for every bad option, at construction
 */
export function createLogin(options: CreateLoginOptions): Login {
  const issuer = options.issuer
  if (
    typeof issuer !== 'object' ||
    issuer === null ||
    typeof (issuer as Partial<LoginIssuer>).metadata !== 'function'
  ) {
    throw new ConfigError(
      'issuer',
      'must be oidcIssuer({ issuer }), cognitoHostedUi({ domain }) or auth0UniversalLogin({ domain })',
    )
  }
  if (typeof options.clientId !== 'string' || options.clientId === '') {
    throw new ConfigError('clientId', 'must be a non-empty string')
  }
  if (
    options.clientSecret !== undefined &&
    (typeof options.clientSecret !== 'string' || options.clientSecret === '')
  ) {
    throw new ConfigError('clientSecret', 'must be a non-empty string when given')
  }
  const redirectUrl = parseHttpsUrl('redirectUri', options.redirectUri)
  if (redirectUrl.hash !== '') throw new ConfigError('redirectUri', 'must not have a fragment')
  const redirectUri = redirectUrl.href
  const appOrigin = redirectUrl.origin
  const secure = redirectUrl.protocol === 'https:'
  const postLogoutRedirectUri =
    options.postLogoutRedirectUri === undefined
      ? `${appOrigin}/`
      : parseHttpsUrl('postLogoutRedirectUri', options.postLogoutRedirectUri).href
  const secrets = checkSecrets(options.secrets)
  const scopes = options.scopes ?? ['openid', 'email', 'profile']
  if (
    !Array.isArray(scopes) ||
    !scopes.includes('openid') ||
    scopes.some((s) => typeof s !== 'string' || /\s/.test(s) || s === '')
  ) {
    throw new ConfigError('scopes', "must be a list of scopes that includes 'openid'")
  }
  const extraParams = { ...(options.authorizationParams ?? {}) }
  for (const [name, value] of Object.entries(extraParams)) {
    if (RESERVED_PARAMS.has(name)) {
      throw new ConfigError('authorizationParams', `${name} is set by the login itself`)
    }
    if (typeof value !== 'string')
      throw new ConfigError('authorizationParams', `${name} must be a string`)
  }
  const paths: LoginPaths = Object.freeze({
    login: checkPath('paths.login', options.paths?.login, '/auth/login'),
    callback: redirectUrl.pathname,
    logout: checkPath('paths.logout', options.paths?.logout, '/auth/logout'),
    refresh: checkPath('paths.refresh', options.paths?.refresh, '/auth/refresh'),
    me: checkPath('paths.me', options.paths?.me, '/auth/me'),
  })
  if (new Set(Object.values(paths)).size !== 5) {
    throw new ConfigError(
      'paths',
      'every route needs its own path (the callback is the path of redirectUri)',
    )
  }
  const cookieName =
    options.cookieName ?? (secure ? '__Host-cloudauth.session' : 'cloudauth.session')
  if (
    typeof cookieName !== 'string' ||
    !COOKIE_NAME.test(cookieName) ||
    cookieName.startsWith(ATTEMPT_PREFIX)
  ) {
    throw new ConfigError('cookieName', 'must be a valid cookie name')
  }
  if (cookieName.startsWith('__Host-') && !secure) {
    throw new ConfigError('cookieName', 'a __Host- cookie needs an https redirectUri')
  }
  const idleSeconds = seconds('idleTimeoutSeconds', options.idleTimeoutSeconds, 86_400, 60)
  const absoluteSeconds = seconds(
    'absoluteTimeoutSeconds',
    options.absoluteTimeoutSeconds,
    604_800,
    60,
  )
  const attemptSeconds = seconds('attemptSeconds', options.attemptSeconds, 600, 30)
  const leewaySeconds = seconds('refreshLeewaySeconds', options.refreshLeewaySeconds, 60)
  const userinfoSeconds = seconds('userinfoCacheSeconds', options.userinfoCacheSeconds, 30)
  const timeoutMs = seconds('timeoutMs', options.timeoutMs, 10_000, 1)
  const store = options.store
  if (
    store !== undefined &&
    (typeof store !== 'object' ||
      store === null ||
      typeof store.get !== 'function' ||
      typeof store.lock !== 'function')
  ) {
    throw new ConfigError(
      'store',
      'must be a session store: memoryStore() or redisStore({ client })',
    )
  }
  const nonceOptional = idTokenNonceOption(options.idTokenNonce)
  const onEvent = options.onEvent
  const emit = (event: LoginEvent): void => {
    try {
      onEvent?.(event)
    } catch {
      // A failing logger must not fail a login.
    }
  }

  const http = httpOptions(timeoutMs, issuer.insecure)
  const client: oauth.Client = { client_id: options.clientId }
  const clientAuth =
    options.clientSecret === undefined ? oauth.None() : oauth.ClientSecretPost(options.clientSecret)
  const attemptSealer = createSealer(secrets, 'cloudauth login attempt v1')
  const sessionSealer = createSealer(secrets, 'cloudauth session v1')
  const attemptCookie: CookieAttributes = { path: paths.callback, secure, sameSite: 'Lax' }
  const sessionCookie: CookieAttributes = { path: '/', secure, sameSite: 'Lax' }
  const memoKey = Symbol('cloudauth login session')
  const inflight = new Map<string, Promise<SessionRecord | undefined>>()
  const userinfoCache = new Map<
    string,
    { token: string; value: Record<string, unknown>; until: number }
  >()

  async function metadata(): Promise<oauth.AuthorizationServer> {
    try {
      return await issuer.metadata(http)
    } catch (error) {
      throw toLoginError(error, 'discovery request')
    }
  }

  // ---- session cookies and records ----

  function expiryOf(record: SessionRecord): number {
    return Math.min(record.createdAt + absoluteSeconds, record.touchedAt + idleSeconds)
  }

  function clearSession(cookies: Map<string, string>, append: (value: string) => void): void {
    // Deleting a cookie takes the attributes it was set with (RFC 6265 §5.3 step 11), so repeat them.
    for (const name of chunkNames(cookies, cookieName)) {
      append(serializeCookie(name, '', sessionCookie, 0))
    }
  }

  async function writeSession(
    record: SessionRecord,
    cookies: Map<string, string>,
    append: (value: string) => void,
  ): Promise<void> {
    const expiresAt = expiryOf(record)
    const maxAge = record.createdAt + absoluteSeconds - nowSeconds()
    let value: string
    if (store !== undefined) {
      await store.set(record.sid, record, expiresAt - nowSeconds())
      value = record.sid
    } else {
      value = await sessionSealer.seal({ ...record }, expiresAt)
    }
    const chunks = chunkCookies(cookieName, value)
    const names = new Set(chunks.map(([name]) => name))
    for (const name of chunkNames(cookies, cookieName)) {
      if (!names.has(name)) append(serializeCookie(name, '', sessionCookie, 0))
    }
    for (const [name, part] of chunks) append(serializeCookie(name, part, sessionCookie, maxAge))
  }

  async function readRecord(cookies: Map<string, string>): Promise<SessionRecord | undefined> {
    const raw = readChunked(cookies, cookieName)
    if (raw === undefined) return undefined
    let record: SessionRecord | undefined
    if (store !== undefined) {
      if (!SESSION_ID.test(raw)) return undefined
      record = await store.get(raw)
      if (record !== undefined && record.sid !== raw) return undefined
    } else {
      record = toSessionRecord(await sessionSealer.open(raw))
    }
    if (record === undefined || record.issuer !== issuer.identifier) return undefined
    if (expiryOf(record) <= nowSeconds()) {
      if (store !== undefined) await store.delete(record.sid)
      return undefined
    }
    return record
  }

  async function exchangeRefresh(record: SessionRecord): Promise<SessionRecord | undefined> {
    const refreshToken = record.refreshToken
    if (refreshToken === undefined) return record
    const as = await metadata()
    let result: oauth.TokenEndpointResponse
    try {
      const response = await oauth.refreshTokenGrantRequest(
        as,
        client,
        clientAuth,
        refreshToken,
        http,
      )
      result = await oauth.processRefreshTokenResponse(as, client, response)
    } catch (error) {
      const failure = toLoginError(error, 'refresh request')
      emit({
        type: 'refresh_failed',
        sub: record.sub,
        code: failure.code,
        description: failure.description,
      })
      if (failure.code === 'invalid_grant') return undefined
      throw failure
    }
    const claims = oauth.getValidatedIdTokenClaims(result)
    if (claims !== undefined && claims.sub !== record.sub) {
      emit({
        type: 'refresh_failed',
        sub: record.sub,
        code: 'invalid_id_token',
        description: 'the refreshed ID token names another user',
      })
      return undefined
    }
    emit({ type: 'refresh', sub: record.sub })
    return {
      ...record,
      accessToken: result.access_token,
      refreshToken: result.refresh_token ?? refreshToken,
      idToken: result.id_token ?? record.idToken,
      expiresAt:
        typeof result.expires_in === 'number' ? nowSeconds() + result.expires_in : undefined,
      scope: result.scope ?? record.scope,
    }
  }

  async function refreshWithStore(
    s: SessionStore,
    record: SessionRecord,
  ): Promise<SessionRecord | undefined> {
    const deadline = Date.now() + LOCK_MS
    for (;;) {
      const release = await s.lock(record.sid, LOCK_MS)
      if (release !== undefined) {
        try {
          const latest = await s.get(record.sid)
          if (latest === undefined) return undefined
          // Another instance refreshed while this one waited: hand its tokens on.
          if (latest.accessToken !== record.accessToken) return latest
          const next = await exchangeRefresh(latest)
          if (next === undefined) await s.delete(record.sid)
          else await s.set(next.sid, next, expiryOf(next) - nowSeconds())
          return next
        } finally {
          await release()
        }
      }
      // Another instance holds the lock: wait for its result in the store.
      await sleep(WAIT_STEP_MS)
      const latest = await s.get(record.sid)
      if (latest === undefined) return undefined
      if (latest.accessToken !== record.accessToken) return latest
      if (Date.now() > deadline) {
        throw new LoginError(
          'issuer_unavailable',
          'the session is being refreshed elsewhere; try again',
        )
      }
    }
  }

  /** One refresh per session at a time in this process; with a store, across instances too. */
  function refreshOnce(record: SessionRecord): Promise<SessionRecord | undefined> {
    const running = inflight.get(record.sid)
    if (running !== undefined) return running
    const task = (
      store === undefined ? exchangeRefresh(record) : refreshWithStore(store, record)
    ).finally(() => inflight.delete(record.sid))
    inflight.set(record.sid, task)
    return task
  }

  function needsRefresh(record: SessionRecord): boolean {
    return (
      record.refreshToken !== undefined &&
      record.expiresAt !== undefined &&
      record.expiresAt - leewaySeconds <= nowSeconds()
    )
  }

  /**
   * The live record of a request: read, ended when timed out, refreshed when near expiry, touched;
   * Set-Cookie headers go to `append`.
   */
  async function activeRecord(
    cookies: Map<string, string>,
    append: ((value: string) => void) | undefined,
    force = false,
  ): Promise<SessionRecord | undefined> {
    const hadCookie = readChunked(cookies, cookieName) !== undefined
    let record = await readRecord(cookies)
    if (record === undefined) {
      if (hadCookie && append !== undefined) clearSession(cookies, append)
      return undefined
    }
    let changed = false
    // A cookie session refreshed where its new cookie cannot be set would lose a rotated refresh
    // token: without a store, refresh only when the response can carry the cookie.
    const canPersist = store !== undefined || append !== undefined
    if (canPersist && (force || needsRefresh(record))) {
      const refreshed = await refreshOnce(record)
      if (refreshed === undefined) {
        if (append !== undefined) clearSession(cookies, append)
        return undefined
      }
      changed = refreshed !== record
      record = refreshed
    }
    const now = nowSeconds()
    if (now - record.touchedAt >= TOUCH_EVERY_SECONDS) {
      record = { ...record, touchedAt: now }
      changed = true
    }
    if (changed) {
      if (append !== undefined) await writeSession(record, cookies, append)
      else if (store !== undefined) await store.set(record.sid, record, expiryOf(record) - now)
    }
    return record
  }

  function toSession(record: SessionRecord): LoginSession {
    let claims: Record<string, unknown> = { sub: record.sub }
    if (record.idToken !== undefined) {
      try {
        claims = decodeJwt(record.idToken)
      } catch {
        // The ID token was validated at login; an undecodable one leaves just `sub`.
      }
    }
    return {
      sub: record.sub,
      claims: Object.freeze(claims),
      accessToken: record.accessToken,
      expiresAt: record.expiresAt,
      scope: record.scope,
    }
  }

  function sessionOf(request: SessionRequest): Promise<SessionRecord | undefined> {
    const memo = request.memo
    const cached = memo?.get(memoKey) as Promise<SessionRecord | undefined> | undefined
    if (cached !== undefined) return cached
    const appendHeader = request.appendResponseHeader?.bind(request)
    const append =
      appendHeader === undefined ? undefined : (value: string) => appendHeader('Set-Cookie', value)
    const result = activeRecord(parseCookies(request.header('cookie')), append)
    memo?.set(memoKey, result)
    return result
  }

  async function userinfoOf(record: SessionRecord): Promise<Record<string, unknown>> {
    const cached = userinfoCache.get(record.sid)
    if (cached !== undefined && cached.token === record.accessToken && cached.until > Date.now()) {
      return cached.value
    }
    const as = await metadata()
    if (as.userinfo_endpoint === undefined) return { ...toSession(record).claims }
    let value: Record<string, unknown>
    try {
      const response = await oauth.userInfoRequest(as, client, record.accessToken, http)
      value = { ...(await oauth.processUserInfoResponse(as, client, record.sub, response)) }
    } catch (error) {
      throw toLoginError(error, 'userinfo request')
    }
    if (userinfoSeconds > 0) {
      userinfoCache.delete(record.sid)
      userinfoCache.set(record.sid, {
        token: record.accessToken,
        value,
        until: Date.now() + userinfoSeconds * 1000,
      })
      while (userinfoCache.size > 1000) {
        const oldest = userinfoCache.keys().next().value
        if (oldest === undefined) break
        userinfoCache.delete(oldest)
      }
    }
    return value
  }

  // ---- routes ----

  function checkOrigin(request: Request): void {
    // CSRF: state-changing routes need the browser's Origin header to name this app (RFC 6454 §7).
    const origin = request.headers.get('origin')
    if (origin === null || origin !== appOrigin) {
      throw new LoginError('forbidden_origin', 'this request must come from a page of this site')
    }
  }

  async function startLogin(request: Request, url: URL): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new LoginError('method_not_allowed', 'use GET')
    }
    const returnTo = safeReturnTo(url.searchParams.get('returnTo'), appOrigin)
    const as = await metadata()
    if (as.authorization_endpoint === undefined) {
      throw new LoginError('issuer_unavailable', 'the issuer has no authorization endpoint')
    }
    const state = oauth.generateRandomState()
    const nonce = oauth.generateRandomNonce()
    const verifier = oauth.generateRandomCodeVerifier()
    const challenge = await oauth.calculatePKCECodeChallenge(verifier)
    const target = new URL(as.authorization_endpoint)
    for (const [name, value] of Object.entries(extraParams)) target.searchParams.set(name, value)
    target.searchParams.set('client_id', options.clientId)
    target.searchParams.set('redirect_uri', redirectUri)
    target.searchParams.set('response_type', 'code')
    target.searchParams.set('scope', scopes.join(' '))
    target.searchParams.set('state', state)
    target.searchParams.set('nonce', nonce)
    target.searchParams.set('code_challenge', challenge)
    target.searchParams.set('code_challenge_method', 'S256')
    const sealed = await attemptSealer.seal(
      { st: state, n: nonce, v: verifier, r: returnTo, iss: issuer.identifier, ru: redirectUri },
      nowSeconds() + attemptSeconds,
    )
    const headers = new Headers()
    headers.append(
      'set-cookie',
      serializeCookie(`${ATTEMPT_PREFIX}${state}`, sealed, attemptCookie, attemptSeconds),
    )
    return redirect(target.href, headers)
  }

  async function finishLogin(request: Request, url: URL, headers: Headers): Promise<Response> {
    if (request.method !== 'GET') throw new LoginError('method_not_allowed', 'use GET')
    const state = url.searchParams.get('state')
    if (state === null || !STATE.test(state)) {
      throw new LoginError('invalid_state', 'the callback has no valid state')
    }
    const cookies = parseCookies(request.headers.get('cookie') ?? undefined)
    const name = `${ATTEMPT_PREFIX}${state}`
    const raw = cookies.get(name)
    if (raw === undefined) {
      throw new LoginError('invalid_state', 'no login attempt of this browser matches the state')
    }
    // Single use: the attempt cookie goes, whatever the outcome.
    headers.append('set-cookie', serializeCookie(name, '', attemptCookie, 0))
    const attempt = await attemptSealer.open(raw)
    if (attempt === undefined) {
      throw new LoginError(
        'invalid_attempt',
        'the login attempt is expired or its cookie was altered',
      )
    }
    const { st, n, v, r, iss, ru } = attempt
    if (typeof st !== 'string' || !timingSafeEqual(st, state)) {
      throw new LoginError('invalid_state', 'the state does not match the login attempt')
    }
    if (iss !== issuer.identifier || ru !== redirectUri) {
      throw new LoginError(
        'invalid_attempt',
        'the login attempt was started for another issuer or callback',
      )
    }
    if (typeof n !== 'string' || typeof v !== 'string' || typeof r !== 'string') {
      throw new LoginError('invalid_attempt', 'the login attempt is incomplete')
    }
    const as = await metadata()
    let result: oauth.TokenEndpointResponse
    let params: URLSearchParams
    try {
      params = oauth.validateAuthResponse(as, client, url, state)
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError) throw toLoginError(error, 'login')
      // RFC 6749 §4.1.2, RFC 9207: no code, a second state, or an `iss` of another issuer.
      throw new LoginError('invalid_callback', 'the callback is malformed', { cause: error })
    }
    if ((params.get('code') ?? '') === '') {
      throw new LoginError('invalid_callback', 'the callback has no code')
    }
    try {
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        clientAuth,
        params,
        redirectUri,
        v,
        http,
      )
      // The opt-out only tolerates a missing claim: a nonce that is there is always compared.
      const expectedNonce =
        nonceOptional && !(await idTokenHasNonce(response)) ? oauth.expectNoNonce : n
      result = await oauth.processAuthorizationCodeResponse(as, client, response, {
        expectedNonce,
      })
    } catch (error) {
      throw toLoginError(error, 'token request')
    }
    const claims = oauth.getValidatedIdTokenClaims(result)
    if (claims === undefined)
      throw new LoginError('invalid_id_token', 'the issuer sent no ID token')
    const sessionCookies = parseCookies(request.headers.get('cookie') ?? undefined)
    // Session fixation: a new id at every login; the old session, if any, ends.
    if (store !== undefined) {
      const previous = readChunked(sessionCookies, cookieName)
      if (previous !== undefined && SESSION_ID.test(previous)) await store.delete(previous)
    }
    const now = nowSeconds()
    const record: SessionRecord = {
      sid: randomId(),
      issuer: issuer.identifier,
      sub: claims.sub,
      accessToken: result.access_token,
      refreshToken: result.refresh_token,
      idToken: result.id_token,
      expiresAt: typeof result.expires_in === 'number' ? now + result.expires_in : undefined,
      scope: result.scope,
      createdAt: now,
      touchedAt: now,
    }
    await writeSession(record, sessionCookies, (value) => headers.append('set-cookie', value))
    emit({ type: 'login', sub: claims.sub })
    return redirect(r, headers)
  }

  async function logout(request: Request, headers: Headers): Promise<Response> {
    if (request.method !== 'POST') throw new LoginError('method_not_allowed', 'use POST')
    checkOrigin(request)
    const cookies = parseCookies(request.headers.get('cookie') ?? undefined)
    const record = await readRecord(cookies)
    clearSession(cookies, (value) => headers.append('set-cookie', value))
    if (record === undefined) return redirect(postLogoutRedirectUri, headers, 303)
    if (store !== undefined) await store.delete(record.sid)
    userinfoCache.delete(record.sid)
    let target = postLogoutRedirectUri
    try {
      const as = await metadata()
      if (record.refreshToken !== undefined && as.revocation_endpoint !== undefined) {
        try {
          // RFC 7009 §2.1: revoking the refresh token ends its grant at the issuer.
          const response = await oauth.revocationRequest(
            as,
            client,
            clientAuth,
            record.refreshToken,
            {
              ...http,
              additionalParameters: { token_type_hint: 'refresh_token' },
            },
          )
          await oauth.processRevocationResponse(response)
        } catch (error) {
          const failure = toLoginError(error, 'revocation request')
          emit({
            type: 'revoke_failed',
            sub: record.sub,
            code: failure.code,
            description: failure.description,
          })
        }
      }
      const end = issuer.logoutUrl({
        metadata: as,
        clientId: options.clientId,
        idToken: record.idToken,
        postLogoutRedirectUri,
      })
      if (end !== undefined) target = end.href
    } catch (error) {
      const failure = toLoginError(error, 'discovery request')
      emit({
        type: 'revoke_failed',
        sub: record.sub,
        code: failure.code,
        description: failure.description,
      })
    }
    emit({ type: 'logout', sub: record.sub })
    return redirect(target, headers, 303)
  }

  async function refresh(request: Request, headers: Headers): Promise<Response> {
    if (request.method !== 'POST') throw new LoginError('method_not_allowed', 'use POST')
    checkOrigin(request)
    const cookies = parseCookies(request.headers.get('cookie') ?? undefined)
    const current = await readRecord(cookies)
    if (current === undefined) {
      clearSession(cookies, (value) => headers.append('set-cookie', value))
      throw new LoginError('no_session', 'there is no session to refresh')
    }
    if (current.refreshToken === undefined) {
      throw new LoginError('invalid_grant', 'the session holds no refresh token')
    }
    const record = await activeRecord(cookies, (value) => headers.append('set-cookie', value), true)
    if (record === undefined)
      throw new LoginError('invalid_grant', 'the issuer refused the refresh; log in again')
    return json(200, { sub: record.sub, expiresAt: record.expiresAt ?? null }, headers)
  }

  async function me(request: Request, headers: Headers): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new LoginError('method_not_allowed', 'use GET')
    }
    const cookies = parseCookies(request.headers.get('cookie') ?? undefined)
    const record = await activeRecord(cookies, (value) => headers.append('set-cookie', value))
    if (record === undefined) throw new LoginError('no_session', 'not logged in')
    return json(200, await userinfoOf(record), headers)
  }

  async function routes(request: Request): Promise<Response | undefined> {
    let url: URL
    try {
      url = new URL(request.url)
    } catch {
      return undefined
    }
    const path = url.pathname
    const headers = new Headers()
    try {
      if (path === paths.login) return await startLogin(request, url)
      if (path === paths.callback) return await finishLogin(request, url, headers)
      if (path === paths.logout) return await logout(request, headers)
      if (path === paths.refresh) return await refresh(request, headers)
      if (path === paths.me) return await me(request, headers)
      return undefined
    } catch (error) {
      const failure = error instanceof LoginError ? error : toLoginError(error, 'request')
      if (path === paths.callback) {
        emit({ type: 'login_failed', code: failure.code, description: failure.description })
      }
      return errorResponse(failure, headers)
    }
  }

  return {
    routes,
    paths,
    issuer,
    async session(request) {
      const record = await sessionOf(request)
      return record === undefined ? undefined : toSession(record)
    },
    async userinfo(request) {
      const record = await sessionOf(request)
      return record === undefined ? undefined : userinfoOf(record)
    },
    redirectToLogin(request) {
      let returnTo = '/'
      if (request.method === 'GET' || request.method === 'HEAD') {
        try {
          returnTo = safeReturnTo(
            request.url.startsWith('/')
              ? request.url
              : new URL(request.url).pathname + new URL(request.url).search,
            appOrigin,
          )
        } catch {
          returnTo = '/'
        }
      }
      const location = `${paths.login}?${new URLSearchParams({ returnTo }).toString()}`
      return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' }
    },
  }
}
