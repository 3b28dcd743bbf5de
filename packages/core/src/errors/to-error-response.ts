import { type AuthError, isAuthError } from './auth-error.js'

/** A framework-neutral HTTP answer. */
export interface ErrorResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: { readonly error: string; readonly error_description: string }
}

/** Options of {@link toErrorResponse}. */
export interface ErrorResponseOptions {
  /** The protection space named in the challenge (RFC 6750 §3). Default `'api'`. */
  readonly realm?: string
}

// RFC 9110 §5.6.4 quoted-string: escape backslash and double quote; drop control characters.
function quote(value: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${value.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/["\\]/g, '\\$&')}"`
}

/**
 * The `WWW-Authenticate` value for an error (RFC 6750 §3): `Bearer realm="api"` when no token was
 * sent, with `error`, `error_description` and, for 403, `scope` otherwise. `undefined` for a 503.
 *
 * @example
 * ```ts
 * wwwAuthenticate(new AuthError('token_expired', 'the token has expired'))
 * // Bearer realm="api", error="invalid_token", error_description="the token has expired"
 * ```
 */
export function wwwAuthenticate(error: AuthError, realm = 'api'): string | undefined {
  if (error.status === 503) return undefined
  const parts = [`Bearer realm=${quote(realm)}`]
  if (error.error !== undefined) {
    parts.push(`error=${quote(error.error)}`, `error_description=${quote(error.description)}`)
    if (error.scope !== undefined && error.scope.length > 0)
      parts.push(`scope=${quote(error.scope.join(' '))}`)
  }
  return parts.join(', ')
}

/**
 * Turns any error into the answer to send: the status, `WWW-Authenticate` (RFC 6750 §3),
 * `Retry-After` on 503, `Cache-Control: no-store`, and a JSON body `{ error, error_description }`.
 *
 * An error that is not an {@link AuthError} is a bug in the app, not a bad token: it answers
 * 500 `server_error` with no detail.
 *
 * @example
 * ```ts
 * const { status, headers, body } = toErrorResponse(err, { realm: 'my-api' })
 * return new Response(JSON.stringify(body), { status, headers })
 * ```
 */
export function toErrorResponse(error: unknown, options: ErrorResponseOptions = {}): ErrorResponse {
  const headers: Record<string, string> = {
    'cache-control': 'no-store',
    'content-type': 'application/json; charset=utf-8',
  }
  if (!isAuthError(error)) {
    return {
      status: 500,
      headers,
      body: { error: 'server_error', error_description: 'internal error' },
    }
  }
  const challenge = wwwAuthenticate(error, options.realm)
  if (challenge !== undefined) headers['www-authenticate'] = challenge
  if (error.status === 503) headers['retry-after'] = String(error.retryAfter ?? 30)
  const code = error.error ?? (error.status === 503 ? 'temporarily_unavailable' : error.code)
  return {
    status: error.status,
    headers,
    body: { error: code, error_description: error.description },
  }
}
