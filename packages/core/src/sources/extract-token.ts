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
  const found = new Found()
  for (let index = 0; index < sources.length; index++) {
    const source = sources[index] as TokenSource
    const value = source.read(request)
    if (value instanceof Promise) return finish(request, sources, index, value, found)
    found.take(source, value)
  }
  return found.token()
}

/** The token found so far, and where. */
class Found {
  private value: string | undefined
  private from: TokenSource | undefined

  take(source: TokenSource, value: string | undefined): void {
    if (value === undefined) return
    if (this.from !== undefined) throw twoPlaces(this.from, source)
    this.value = value
    this.from = source
  }

  token(): string {
    if (this.value === undefined) throw new AuthError('missing_token', 'no token was sent')
    return this.value
  }
}

// Once a source answers with a promise, it and the sources after it are read in order.
async function finish(
  request: TokenRequest,
  sources: readonly TokenSource[],
  index: number,
  pending: Promise<string | undefined>,
  found: Found,
): Promise<string> {
  found.take(sources[index] as TokenSource, await pending)
  for (const source of sources.slice(index + 1)) found.take(source, await source.read(request))
  return found.token()
}
