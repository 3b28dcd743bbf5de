import { AuthError } from '../errors/auth-error.js'
import { bearer } from './bearer.js'
import type { TokenRequest, TokenSource } from './token-source.js'

const DEFAULT_SOURCES: readonly TokenSource[] = [bearer()]

function twoPlaces(first: TokenSource, second: TokenSource): AuthError {
  return new AuthError(
    'invalid_request',
    `a token was sent in more than one place (${first.description} and ${second.description})`,
  )
}

/**
 * Finds the request's token among `sources`, tried in order.
 *
 * A token found in two sources is `invalid_request` (RFC 6750 §2: a client MUST NOT use more than
 * one method), no token at all is `missing_token` (401, bare challenge). Synchronous sources give a
 * string; once a source answers with a promise, the rest are read after it and a promise comes back.
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
): string | Promise<string> {
  let token: string | undefined
  let from: TokenSource | undefined
  for (let index = 0; index < sources.length; index++) {
    const source = sources[index] as TokenSource
    const found = source.read(request)
    if (found instanceof Promise) return finish(request, sources, index, found, token, from)
    if (found === undefined) continue
    if (from !== undefined) throw twoPlaces(from, source)
    token = found
    from = source
  }
  if (token === undefined) throw new AuthError('missing_token', 'no token was sent')
  return token
}

async function finish(
  request: TokenRequest,
  sources: readonly TokenSource[],
  index: number,
  pending: Promise<string | undefined>,
  token: string | undefined,
  from: TokenSource | undefined,
): Promise<string> {
  let found: string | undefined = await pending
  for (let i = index; i < sources.length; i++) {
    const source = sources[i] as TokenSource
    if (i > index) found = await source.read(request)
    if (found === undefined) continue
    if (from !== undefined) throw twoPlaces(from, source)
    token = found
    from = source
  }
  if (token === undefined) throw new AuthError('missing_token', 'no token was sent')
  return token
}
