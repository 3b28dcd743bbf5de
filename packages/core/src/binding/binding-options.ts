/**
 * Option resolution shared by the framework bindings (`@cloudauth/hono`, `@cloudauth/express`),
 * and by anyone writing a binding for another framework: each checks at construction and throws
 * {@link ConfigError}, never per request.
 */
import type { MatchMode } from '../checks/scopes.js'
import { ConfigError } from '../errors/config-error.js'
import { isScopeToken } from '../errors/to-error-response.js'
import { bearer } from '../sources/bearer.js'
import type { TokenSource } from '../sources/token-source.js'
import { createVerifier } from '../verify/create-verifier.js'
import type { Provider } from '../verify/provider.js'
import type { JwtClaims, Verifier, VerifierOptions } from '../verify/types.js'
import type { PermissionSource } from './pipeline-types.js'

/** What `cloudauth()` accepts: a provider, a verifier, or plain verifier options. */
export type VerifierSource<TClaims extends JwtClaims> =
  Provider<TClaims> | Verifier<TClaims> | VerifierOptions<TClaims>

/**
 * The verifier of a binding: a given verifier as it is, or one built from a provider or options.
 * One per `cloudauth()` call, so its JWKS and token caches are shared by every helper.
 *
 * @example
 * ```ts
 * const verifier = resolveVerifier(cognito({ userPoolId, clientId, tokenUse: 'access' }))
 * ```
 * @throws ConfigError for anything else, and for every bad option of the provider
 */
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

/**
 * Checks a binding's `tokenFrom` option; default `[bearer()]`.
 *
 * @example
 * ```ts
 * const sources = resolveSources([bearer(), cookie('session')])
 * ```
 * @throws ConfigError `tokenFrom` when empty or holding something that is not a token source
 */
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

// Printable ASCII: in the challenge's quoted-string (RFC 9110 §5.6.4) `"` and `\` are escaped.
const REALM = /^[\x20-\x7e]+$/

/**
 * Checks a binding's `realm` option (RFC 6750 §3); default `'api'`. A realm is printable ASCII, so
 * the challenge that names it is always a valid header value.
 *
 * @example
 * ```ts
 * resolveRealm(undefined) // 'api'
 * ```
 * @throws ConfigError `realm` when not a non-empty string of printable ASCII
 */
export function resolveRealm(realm: string | undefined): string {
  if (realm === undefined) return 'api'
  if (typeof realm !== 'string' || realm === '') {
    throw new ConfigError('realm', 'must be a non-empty string')
  }
  if (!REALM.test(realm)) {
    throw new ConfigError(
      'realm',
      'must be printable ASCII (it is sent in a header, RFC 9110 §5.5)',
    )
  }
  return realm
}

/**
 * Copies and checks the scopes or groups a route requires, so a later change to the caller's array
 * cannot widen access. An empty list is refused: it would be met by any token.
 *
 * @example
 * ```ts
 * const required = resolveRequired('scope(scopes)', ['read:users'], 'all')
 * ```
 * With `scopeTokens`, every value must be an RFC 6749 §3.3 scope-token (printable ASCII, no space,
 * `"` or `\`), since the 403 challenge lists them.
 *
 * @throws ConfigError naming `option`
 */
export function resolveRequired(
  option: string,
  values: readonly string[],
  mode: MatchMode,
  scopeTokens = false,
): readonly string[] {
  if (!isList(values) || values.some((value) => typeof value !== 'string' || value === '')) {
    throw new ConfigError(option, 'must be an array of non-empty strings')
  }
  if (scopeTokens && !values.every((value) => isScopeToken(value))) {
    throw new ConfigError(
      option,
      'every scope must be printable ASCII without space, " or \\ (RFC 6749 §3.3 scope-token)',
    )
  }
  if (values.length === 0) {
    // An empty list is always met: that would quietly make the route open to any token.
    throw new ConfigError(option, 'must list at least one value (use verify() to accept any token)')
  }
  if (mode !== 'all' && mode !== 'any') throw new ConfigError(option, "mode must be 'all' or 'any'")
  return Object.freeze([...values])
}

/**
 * Asks a permission source's `validate` hook (when it has one) about each statement a route
 * requires, so a typo fails when the route is declared. Internal to core's pipeline.
 *
 * @throws ConfigError `permission(statements)`, naming the first bad statement
 */
export function validateStatements(source: PermissionSource, statements: readonly string[]): void {
  if (source.validate === undefined) return
  if (typeof source.validate !== 'function')
    throw new ConfigError('permissions', 'validate must be a function when given')
  for (const statement of statements) {
    const problem = source.validate(statement)
    if (problem !== undefined)
      throw new ConfigError('permission(statements)', `${JSON.stringify(statement)}: ${problem}`)
  }
}
