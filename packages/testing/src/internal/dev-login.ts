import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { DevShape } from '../dev-issuer/start-dev-issuer.js'
import { mintDevToken, type DevMintContext } from './dev-mint.js'

/** Where each layout serves its login endpoints: Cognito's Hosted UI, Auth0's Universal Login. */
export const DEV_LOGIN_ROUTES = Object.freeze({
  cognito: {
    authorize: '/oauth2/authorize',
    token: '/oauth2/token',
    userinfo: '/oauth2/userInfo',
    revoke: '/oauth2/revoke',
    logout: '/logout',
  },
  auth0: {
    authorize: '/authorize',
    token: '/oauth/token',
    userinfo: '/userinfo',
    revoke: '/oauth/revoke',
    logout: '/oidc/logout',
  },
})

type LoginShape = keyof typeof DEV_LOGIN_ROUTES

interface CodeGrant {
  readonly shape: LoginShape
  readonly clientId: string
  readonly redirectUri: string
  readonly challenge: string
  readonly nonce: string | undefined
  readonly scope: string
  readonly username: string
  readonly email: string
  readonly audience: string | undefined
  readonly expiresAt: number
}

interface RefreshGrant {
  readonly shape: LoginShape
  readonly clientId: string
  readonly scope: string
  readonly username: string
  readonly email: string
  readonly audience: string | undefined
}

interface AccessGrant {
  readonly sub: string
  readonly username: string
  readonly email: string
  readonly expiresAt: number
}

const MAX_BODY_BYTES = 16 * 1024
const CODE_SECONDS = 60
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/
const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])$/

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  )
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  })
  response.end(text)
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
  })
  response.end(text)
}

function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) resolve(undefined)
      else resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
    })
    request.on('error', reject)
  })
}

/** A redirect URI the dev issuer accepts: http(s) on a loopback host, no fragment. */
function loopbackRedirect(value: string | null): URL | undefined {
  if (value === null) return undefined
  try {
    const url = new URL(value)
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hash !== '') return undefined
    return LOOPBACK.test(url.hostname) ? url : undefined
  } catch {
    return undefined
  }
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** What {@link createDevLogin} needs from the running dev issuer. */
export interface DevLoginOptions {
  /** Lifetime of the access and ID tokens it issues, seconds. */
  readonly tokenSeconds: number
}

/**
 * The dev issuer's login: an authorization endpoint with a one-click page, a token endpoint for
 * `authorization_code` with PKCE (S256 only, strict: RFC 7636 §4.6) and `refresh_token` (rotated),
 * userinfo, revocation (RFC 7009) and logout, in Cognito's and Auth0's layouts. Codes are single
 * use and live 60 s. Returns a handler that answers its paths and returns false for any other.
 */
export function createDevLogin(options: DevLoginOptions) {
  const codes = new Map<string, CodeGrant>()
  const refreshTokens = new Map<string, RefreshGrant>()
  const accessTokens = new Map<string, AccessGrant>()
  const subjects = new Map<string, string>()

  const routeOf = (
    path: string,
  ): { shape: LoginShape; route: keyof (typeof DEV_LOGIN_ROUTES)['cognito'] } | undefined => {
    for (const shape of ['cognito', 'auth0'] as const) {
      for (const [route, routePath] of Object.entries(DEV_LOGIN_ROUTES[shape])) {
        if (routePath === path)
          return { shape, route: route as keyof (typeof DEV_LOGIN_ROUTES)['cognito'] }
      }
    }
    return undefined
  }

  function subjectOf(shape: LoginShape, username: string): string {
    const key = `${shape}:${username}`
    let subject = subjects.get(key)
    if (subject === undefined) {
      subject = shape === 'cognito' ? randomUUID() : `auth0|${randomBytes(12).toString('hex')}`
      subjects.set(key, subject)
    }
    return subject
  }

  function purge(): void {
    const now = Date.now() / 1000
    for (const [code, grant] of codes) if (grant.expiresAt <= now) codes.delete(code)
    for (const [token, grant] of accessTokens)
      if (grant.expiresAt <= now) accessTokens.delete(token)
  }

  /** Checks an authorization request; an error message, or the parsed request. */
  function parseAuthorize(params: URLSearchParams):
    | { error: string }
    | {
        clientId: string
        redirectUri: URL
        state: string | null
        challenge: string
        nonce: string | undefined
        scope: string
        audience: string | undefined
      } {
    const clientId = params.get('client_id')
    if (clientId === null || clientId === '') return { error: 'client_id is required' }
    const redirectUri = loopbackRedirect(params.get('redirect_uri'))
    if (redirectUri === undefined) {
      return {
        error:
          'redirect_uri must be an http(s) URL on a loopback host (127.0.0.1, localhost, [::1])',
      }
    }
    if (params.get('response_type') !== 'code') return { error: 'response_type must be code' }
    const challenge = params.get('code_challenge')
    if (challenge === null || !CHALLENGE.test(challenge)) {
      return { error: 'code_challenge is required (PKCE, RFC 7636)' }
    }
    if (params.get('code_challenge_method') !== 'S256') {
      return { error: 'code_challenge_method must be S256' }
    }
    return {
      clientId,
      redirectUri,
      state: params.get('state'),
      challenge,
      nonce: params.get('nonce') ?? undefined,
      scope: params.get('scope') ?? 'openid',
      audience: params.get('audience') ?? undefined,
    }
  }

  function loginPage(shape: LoginShape, path: string, params: URLSearchParams): string {
    const hidden = [
      'client_id',
      'redirect_uri',
      'response_type',
      'scope',
      'state',
      'nonce',
      'code_challenge',
      'code_challenge_method',
      'audience',
    ]
      .filter((name) => params.get(name) !== null)
      .map(
        (name) =>
          `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name) ?? '')}">`,
      )
      .join('\n      ')
    return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>cloudauth dev issuer: sign in</title>
<meta name="referrer" content="no-referrer"></head>
<body style="font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto">
  <h1>cloudauth dev issuer</h1>
  <p>A local ${shape === 'cognito' ? 'Cognito Hosted UI' : 'Auth0 Universal Login'} stand-in. No password: pick a user and sign in.</p>
  <form method="post" action="${escapeHtml(path)}">
      ${hidden}
    <p><label>User name <input name="username" value="dev-user" required></label></p>
    <p><label>Email <input name="email" value="dev-user@example.com" required></label></p>
    <p><button type="submit" id="sign-in">Sign in</button></p>
  </form>
</body>
</html>`
  }

  function issue(
    context: DevMintContext,
    grant: RefreshGrant,
    nonce: string | undefined,
    withRefresh: boolean,
  ) {
    const subject = subjectOf(grant.shape, grant.username)
    const now = Math.floor(Date.now() / 1000)
    const common = {
      shape: grant.shape as DevShape,
      subject,
      username: grant.username,
      email: grant.email,
      clientId: grant.clientId,
      expiresIn: options.tokenSeconds,
      now,
      ...(grant.audience === undefined ? {} : { audience: grant.audience }),
    }
    const scopes = grant.scope.split(' ').filter((scope) => scope !== '')
    const access = mintDevToken(context, { ...common, tokenUse: 'access', scopes })
    const id = mintDevToken(context, {
      ...common,
      tokenUse: 'id',
      claims: nonce === undefined ? { auth_time: now } : { nonce, auth_time: now },
    })
    accessTokens.set(access.token, {
      sub: subject,
      username: grant.username,
      email: grant.email,
      expiresAt: now + options.tokenSeconds,
    })
    const body: Record<string, unknown> = {
      access_token: access.token,
      id_token: id.token,
      token_type: 'Bearer',
      expires_in: options.tokenSeconds,
      scope: grant.scope,
    }
    if (withRefresh) {
      const refresh = randomBytes(32).toString('base64url')
      refreshTokens.set(refresh, grant)
      body['refresh_token'] = refresh
    }
    return body
  }

  return async function handle(
    context: DevMintContext,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<boolean> {
    const url = new URL(request.url ?? '/', 'http://dev.invalid')
    const found = routeOf(url.pathname)
    if (found === undefined) return false
    const { shape, route } = found
    const method = request.method ?? 'GET'
    purge()
    if (route === 'authorize') {
      if (method === 'GET') {
        const parsed = parseAuthorize(url.searchParams)
        if ('error' in parsed) {
          sendText(response, 400, `invalid_request: ${parsed.error}`)
          return true
        }
        const html = loginPage(shape, url.pathname, url.searchParams)
        response.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          // No form-action: browsers apply it to the redirect back to the app after the POST.
          'content-security-policy':
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
          'x-frame-options': 'DENY',
        })
        response.end(html)
        return true
      }
      if (method !== 'POST') {
        sendText(response, 405, 'method_not_allowed')
        return true
      }
      const form = await readForm(request)
      if (form === undefined) {
        sendText(response, 413, 'the body is too large')
        return true
      }
      const parsed = parseAuthorize(form)
      if ('error' in parsed) {
        sendText(response, 400, `invalid_request: ${parsed.error}`)
        return true
      }
      const username = (form.get('username') ?? '').trim() || 'dev-user'
      const email = (form.get('email') ?? '').trim() || `${username}@example.com`
      const code = randomBytes(32).toString('base64url')
      codes.set(code, {
        shape,
        clientId: parsed.clientId,
        redirectUri: parsed.redirectUri.href,
        challenge: parsed.challenge,
        nonce: parsed.nonce,
        scope: parsed.scope,
        username: username.slice(0, 64),
        email: email.slice(0, 128),
        audience: parsed.audience,
        expiresAt: Date.now() / 1000 + CODE_SECONDS,
      })
      const target = new URL(parsed.redirectUri)
      target.searchParams.set('code', code)
      if (parsed.state !== null) target.searchParams.set('state', parsed.state)
      response.writeHead(302, { location: target.href, 'cache-control': 'no-store' })
      response.end()
      return true
    }
    if (route === 'token') {
      if (method !== 'POST') {
        sendJson(response, 405, { error: 'invalid_request' }, { allow: 'POST' })
        return true
      }
      const form = await readForm(request)
      if (form === undefined) {
        sendJson(response, 413, { error: 'invalid_request' })
        return true
      }
      const clientId = form.get('client_id')
      const grantType = form.get('grant_type')
      if (grantType === 'authorization_code') {
        const code = form.get('code') ?? ''
        const grant = codes.get(code)
        // Single use: a code is spent by its first redemption, whatever the outcome (RFC 6749 §4.1.2).
        codes.delete(code)
        const verifier = form.get('code_verifier')
        if (grant === undefined || grant.shape !== shape) {
          sendJson(response, 400, {
            error: 'invalid_grant',
            error_description: 'the code is unknown, used or expired',
          })
        } else if (clientId !== grant.clientId) {
          sendJson(response, 401, {
            error: 'invalid_client',
            error_description: 'client_id does not match the code',
          })
        } else if (form.get('redirect_uri') !== grant.redirectUri) {
          sendJson(response, 400, {
            error: 'invalid_grant',
            error_description: 'redirect_uri does not match the code',
          })
        } else if (
          verifier === null ||
          !VERIFIER.test(verifier) ||
          !sameString(s256(verifier), grant.challenge)
        ) {
          sendJson(response, 400, {
            error: 'invalid_grant',
            error_description: 'code_verifier does not match the code_challenge',
          })
        } else {
          sendJson(response, 200, issue(context, grant, grant.nonce, true))
        }
        return true
      }
      if (grantType === 'refresh_token') {
        const token = form.get('refresh_token') ?? ''
        const grant = refreshTokens.get(token)
        if (grant === undefined || grant.shape !== shape) {
          sendJson(response, 400, {
            error: 'invalid_grant',
            error_description: 'the refresh token is unknown or revoked',
          })
        } else if (clientId !== grant.clientId) {
          sendJson(response, 401, {
            error: 'invalid_client',
            error_description: 'client_id does not match the refresh token',
          })
        } else {
          // Rotation (RFC 9700 §4.14.2): the old refresh token is spent.
          refreshTokens.delete(token)
          sendJson(response, 200, issue(context, grant, undefined, true))
        }
        return true
      }
      sendJson(response, 400, { error: 'unsupported_grant_type' })
      return true
    }
    if (route === 'userinfo') {
      const header = request.headers.authorization ?? ''
      const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header)?.[1]
      const grant = token === undefined ? undefined : accessTokens.get(token)
      if (grant === undefined || grant.expiresAt <= Date.now() / 1000) {
        response.writeHead(401, {
          'www-authenticate': 'Bearer error="invalid_token"',
          'cache-control': 'no-store',
        })
        response.end()
        return true
      }
      sendJson(response, 200, {
        sub: grant.sub,
        email: grant.email,
        email_verified: true,
        ...(shape === 'cognito'
          ? { username: grant.username }
          : { nickname: grant.username, name: grant.email }),
      })
      return true
    }
    if (route === 'revoke') {
      if (method !== 'POST') {
        sendJson(response, 405, { error: 'invalid_request' }, { allow: 'POST' })
        return true
      }
      const form = await readForm(request)
      const token = form?.get('token') ?? ''
      const grant = refreshTokens.get(token)
      if (grant !== undefined && grant.clientId === form?.get('client_id'))
        refreshTokens.delete(token)
      // RFC 7009 §2.2: 200 whether or not the token was known.
      response.writeHead(200, { 'cache-control': 'no-store' })
      response.end()
      return true
    }
    // logout: Cognito takes logout_uri, Auth0 post_logout_redirect_uri; both only to loopback.
    const back = loopbackRedirect(
      url.searchParams.get(shape === 'cognito' ? 'logout_uri' : 'post_logout_redirect_uri'),
    )
    if (back === undefined) {
      sendText(response, 200, 'You are logged out of the dev issuer.')
      return true
    }
    response.writeHead(302, { location: back.href, 'cache-control': 'no-store' })
    response.end()
    return true
  }
}
