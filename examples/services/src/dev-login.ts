import { createHash, randomBytes } from 'node:crypto'
import type { DevIssuer } from '@cloudauth/testing'

/** Options of {@link devLogin}. */
export interface DevLoginOptions {
  /** Path under which the two endpoints live. Default `/dev/oauth2`. */
  readonly base?: string
  /** The only client allowed to log in (Swagger UI's `clientId`). */
  readonly clientId: string
  /** The Cognito pool the minted tokens belong to. */
  readonly userPoolId: string
}

interface Pending {
  readonly challenge: string
  readonly redirectUri: string
  readonly scopes: readonly string[]
  readonly expiresAt: number
}

const text = (status: number, body: string) =>
  new Response(body, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  })

/**
 * A dev-only OAuth 2.0 authorization server in front of the local dev issuer, so that Swagger UI's
 * Authorize button can log in offline: `GET {base}/authorize` approves at once (the dev user) and
 * redirects with a code; `POST {base}/token` exchanges it for a Cognito-shaped access token minted
 * by the dev issuer. Authorization code with PKCE only (RFC 7636, S256), codes single-use and valid
 * for 60 s, redirects only back to the app's own origin. Never mount it in production.
 *
 * @example
 * ```ts
 * const login = devLogin(issuer, { clientId: DEV_DEFAULTS.clientId, userPoolId: DEV_DEFAULTS.userPoolId })
 * app.all('/dev/oauth2/*', async (c) => (await login(c.req.raw)) ?? c.notFound())
 * ```
 */
export function devLogin(
  issuer: DevIssuer,
  options: DevLoginOptions,
): (request: Request) => Promise<Response | undefined> {
  const base = options.base ?? '/dev/oauth2'
  const codes = new Map<string, Pending>()
  return async (request) => {
    const url = new URL(request.url)
    if (request.method === 'GET' && url.pathname === `${base}/authorize`) {
      const q = url.searchParams
      const redirect = q.get('redirect_uri')
      // RFC 6749 §4.1.2.1: a bad client or redirect URI is not redirected to.
      if (q.get('client_id') !== options.clientId) return text(400, 'unknown client_id')
      if (redirect === null || !URL.canParse(redirect) || new URL(redirect).origin !== url.origin)
        return text(400, 'redirect_uri must be on this origin')
      if (q.get('response_type') !== 'code') return text(400, 'response_type must be code')
      const challenge = q.get('code_challenge')
      if (challenge === null || q.get('code_challenge_method') !== 'S256')
        return text(400, 'PKCE with S256 is required (RFC 7636)')
      const code = randomBytes(32).toString('base64url')
      const scopes = (q.get('scope') ?? '').split(' ').filter((s) => s !== '')
      codes.set(code, { challenge, redirectUri: redirect, scopes, expiresAt: Date.now() + 60_000 })
      const to = new URL(redirect)
      to.searchParams.set('code', code)
      const state = q.get('state')
      if (state !== null) to.searchParams.set('state', state)
      return new Response(null, {
        status: 302,
        headers: { location: to.href, 'cache-control': 'no-store' },
      })
    }
    if (request.method === 'POST' && url.pathname === `${base}/token`) {
      const form = new URLSearchParams(await request.text())
      const error = (description: string) =>
        Response.json(
          { error: 'invalid_grant', error_description: description },
          { status: 400, headers: { 'cache-control': 'no-store' } },
        )
      if (form.get('grant_type') !== 'authorization_code')
        return Response.json({ error: 'unsupported_grant_type' }, { status: 400 })
      const code = form.get('code') ?? ''
      const pending = codes.get(code)
      codes.delete(code)
      if (pending === undefined || pending.expiresAt < Date.now())
        return error('unknown or expired code')
      if (form.get('client_id') !== options.clientId) return error('wrong client')
      if (form.get('redirect_uri') !== pending.redirectUri)
        return error('redirect_uri does not match')
      const verifier = form.get('code_verifier') ?? ''
      if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge)
        return error('code_verifier does not match code_challenge')
      const token = issuer.mint({
        shape: 'cognito',
        scopes: pending.scopes,
        userPoolId: options.userPoolId,
        clientId: options.clientId,
      })
      return Response.json(
        {
          access_token: token,
          token_type: 'Bearer',
          expires_in: 3600,
          scope: pending.scopes.join(' '),
        },
        { headers: { 'cache-control': 'no-store' } },
      )
    }
    return undefined
  }
}
