import { AuthError } from '../errors/auth-error.js'
import { bearer } from './bearer.js'
import type { TokenRequest, TokenSource } from './token-source.js'

const DEFAULT_SOURCES: readonly TokenSource[] = [bearer()]

/**
 * Finds the request's token among `sources`, tried in order.
 *
 * A token found in two sources is `invalid_request` (RFC 6750 §2: a client MUST NOT use more than
 * one method), no token at all is `missing_token` (401, bare challenge).
 *
 * @example
 * ```ts
 * const token = extractToken({ header: (n) => req.get(n) }, [bearer(), cookie('session')])
 * ```
 * @throws AuthError `missing_token`, `invalid_request`
 */
export function extractToken(
  request: TokenRequest,
  sources: readonly TokenSource[] = DEFAULT_SOURCES,
): string {
  let token: string | undefined
  let from: TokenSource | undefined
  for (const source of sources) {
    const found = source.read(request)
    if (found === undefined) continue
    if (from !== undefined) {
      throw new AuthError(
        'invalid_request',
        `a token was sent in more than one place (${from.description} and ${source.description})`,
      )
    }
    token = found
    from = source
  }
  if (token === undefined) throw new AuthError('missing_token', 'no token was sent')
  return token
}
