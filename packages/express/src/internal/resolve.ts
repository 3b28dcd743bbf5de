import {
  bearer,
  ConfigError,
  createVerifier,
  type JwtClaims,
  type MatchMode,
  type Provider,
  type TokenSource,
  type Verifier,
  type VerifierOptions,
} from '@cloudauth/core'

/** What `cloudauth()` accepts: a provider, a verifier, or plain verifier options. */
export type VerifierSource<TClaims extends JwtClaims> =
  Provider<TClaims> | Verifier<TClaims> | VerifierOptions<TClaims>

/** One verifier per `cloudauth()` call: its JWKS and token caches are shared by every helper. */
export function resolveVerifier<TClaims extends JwtClaims>(
  source: VerifierSource<TClaims>,
): Verifier<TClaims> {
  if (typeof source !== 'object' || source === null) {
    throw new ConfigError('cloudauth(source)', 'must be a provider, a verifier or verifier options')
  }
  if ('kind' in source && source.kind === 'verifier') {
    if (typeof source.verify !== 'function' || typeof source.user !== 'function') {
      throw new ConfigError('cloudauth(source)', 'a verifier must have verify() and user()')
    }
    return source
  }
  return createVerifier(source)
}

/** `Array.isArray` that keeps element types unknown instead of `any`. */
function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value)
}

function isTokenSource(value: unknown): value is TokenSource {
  return typeof (value as Partial<TokenSource> | null)?.read === 'function'
}

export function resolveSources(
  tokenFrom: readonly TokenSource[] | undefined,
): readonly TokenSource[] {
  if (tokenFrom === undefined) return [bearer()]
  const list: unknown = tokenFrom
  if (!isList(list) || list.length === 0) {
    throw new ConfigError('tokenFrom', 'must list at least one token source, e.g. [bearer()]')
  }
  const sources: TokenSource[] = []
  for (const source of list) {
    if (!isTokenSource(source)) {
      throw new ConfigError(
        'tokenFrom',
        'every entry must be a token source: bearer(), cookie(name), header(name)',
      )
    }
    sources.push(source)
  }
  return Object.freeze(sources)
}

export function resolveRealm(realm: string | undefined): string {
  if (realm === undefined) return 'api'
  if (typeof realm !== 'string' || realm === '') {
    throw new ConfigError('realm', 'must be a non-empty string')
  }
  return realm
}

/** Copies and checks the values a route requires, so a later change to the caller's array cannot widen access. */
export function resolveRequired(
  option: string,
  values: readonly string[],
  mode: MatchMode,
): readonly string[] {
  if (!isList(values) || values.some((value) => typeof value !== 'string' || value === '')) {
    throw new ConfigError(option, 'must be an array of non-empty strings')
  }
  if (values.length === 0) {
    // An empty list is always met: that would quietly make the route open to any token.
    throw new ConfigError(option, 'must list at least one value (use verify() to accept any token)')
  }
  if (mode !== 'all' && mode !== 'any') throw new ConfigError(option, "mode must be 'all' or 'any'")
  return Object.freeze([...values])
}
