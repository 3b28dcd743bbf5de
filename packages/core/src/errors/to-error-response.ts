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

// RFC 9110 §5.6.4 quoted-string, kept to printable ASCII so the header value is valid in every
// runtime (Node refuses control characters, Fetch and Express 4 refuse anything past Latin-1):
// control characters become spaces, every other character past ASCII "?", then backslash and
// double quote are escaped.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g
const NOT_ASCII = /[^\x20-\x7e]/g
function quote(value: string): string {
  return `"${value.replace(CONTROL, ' ').replace(NOT_ASCII, '?').replace(/["\\]/g, '\\$&')}"`
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/**
 * True when `value` is an RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`.
 *
 * @example
 * ```ts
 * isScopeToken('read:users') // true
 * isScopeToken('документы:читать') // false
 * ```
 */
export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value)
}

/**
 * The `WWW-Authenticate` value for an error (RFC 6750 §3): `Bearer realm="api"` when no token was
 * sent, with `error`, `error_description` and, for 403, `scope` otherwise. `undefined` for a 503.
 * The value is always a valid header value: printable ASCII only.
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
    // Only scope-tokens are listed (RFC 6750 §3 scope attribute); a list holding anything else
    // (a group name in another script) is left out rather than sent mangled.
    const scope = error.scope
    if (scope !== undefined && scope.length > 0 && scope.every(isScopeToken))
      parts.push(`scope=${quote(scope.join(' '))}`)
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
