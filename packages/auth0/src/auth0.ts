import { AuthError, ConfigError, defineProvider, parseClaims } from '@cloudauth/core'
import {
  ConfigProblems,
  checkLifetime,
  claimNames,
  pickTuning,
  requireUserId,
  tokenLifetime,
  unknownOptions,
  userFromClaims,
  userIdClaim,
} from '@cloudauth/core/provider'
import type {
  Algorithm,
  ClaimsCheck,
  JwtClaims,
  Provider,
  User,
  VerifiedToken,
  VerifierTuning,
} from '@cloudauth/core'
import { auth0AccessClaims, type Auth0AccessClaims } from './auth0-access-claims.js'
import { auth0IdClaims, type Auth0IdClaims } from './auth0-id-claims.js'
import {
  domainProblem,
  issuerProblem,
  jwksUriOf,
  listProblem,
  toList,
} from './internal/config-rules.js'

/**
 * Where the tenant is: its `domain`, or an explicit `issuer` (a custom domain, or a local issuer
 * such as oidc-provider in tests). One of the two is required.
 */
export type Auth0Tenant =
  | { readonly domain: string; readonly issuer?: string }
  | { readonly domain?: string; readonly issuer: string }

/** Options shared by access-token and ID-token verification. */
export interface Auth0CommonOptions<TClaims extends JwtClaims> extends VerifierTuning<TClaims> {
  /** Where the signing keys are. Default `https://{domain}/.well-known/jwks.json`, or `{issuer}.well-known/jwks.json`. */
  readonly jwksUri?: string
  /** Accepted algorithms. Default `['RS256']` (Auth0's default); add `'PS256'` if the tenant signs with it. */
  readonly algorithms?: readonly Algorithm[]
  /** Claims that hold scopes (a name or a list). Default `['scope', 'permissions']`; `[]` for none. */
  readonly scopeClaims?: string | readonly string[]
  /** Claims that hold groups (a name or a list), for example a namespaced roles claim. Default none. */
  readonly groupClaims?: string | readonly string[]
  /** The claim that holds the user's id (`user.id`), required in every token. Default `'sub'`. */
  readonly userId?: string
  /**
   * The longest lifetime (`exp - iat`, seconds) accepted; longer is `invalid_claims`. Default
   * 2,592,000 (30 days, the longest Auth0 issues); `null` switches the ceiling off.
   */
  readonly maxTokenLifetime?: number | null
  /** An extra check, run after the provider's own. Throw an `AuthError` to reject. */
  readonly validate?: ClaimsCheck
}

/** Options of {@link auth0} for access tokens (the default). */
export type Auth0AccessOptions = Auth0Tenant &
  Auth0CommonOptions<Auth0AccessClaims> & {
    readonly tokenUse?: 'access'
    /** The API identifier(s): `aud` must name at least one. Required. */
    readonly audience: string | readonly string[]
    /** When set, only tokens issued to these applications (`azp`, or `client_id` in RFC 9068 tokens). */
    readonly clientId?: string | readonly string[]
    readonly nonce?: never
  }

/** Options of {@link auth0} for ID tokens. */
export type Auth0IdOptions = Auth0Tenant &
  Auth0CommonOptions<Auth0IdClaims> & {
    readonly tokenUse: 'id'
    /** The application's client id(s): an ID token's `aud` (OIDC Core §2). Required. */
    readonly clientId: string | readonly string[]
    /** When set, the `nonce` claim must equal it (OIDC Core §3.1.3.7). */
    readonly nonce?: string
    readonly audience?: never
  }

/** Options of {@link auth0}. */
export type Auth0Options = Auth0AccessOptions | Auth0IdOptions

const DEFAULT_SCOPE_CLAIMS = ['scope', 'permissions'] as const
// RFC 9068 §2.1 names `at+jwt`; RFC 7515 §4.1.9 lets `application/` be left out, so both spellings.
const ACCESS_TYP = ['JWT', 'at+jwt', 'application/at+jwt', null] as const
// An `at+jwt` token is an access token and must never pass as an ID token (RFC 9068 §4).
const ID_TYP = ['JWT', null] as const
/** Auth0's longest token lifetime: 2,592,000 s (30 days), for access and ID tokens alike. */
const MAX_LIFETIME = 2_592_000

/** Every option `auth0()` knows besides core's tuning options. */
const OPTIONS = [
  'domain',
  'issuer',
  'jwksUri',
  'algorithms',
  'scopeClaims',
  'groupClaims',
  'userId',
  'maxTokenLifetime',
  'validate',
  'tokenUse',
  'audience',
  'clientId',
  'nonce',
] as const

/** RFC 9068 §2.2 `client_id`, or Auth0's `azp`: every one present must be an accepted client. */
function checkClient(claims: JwtClaims, clientIds: ReadonlySet<string>): void {
  const named = [claims.azp, claims.client_id].filter((value) => value !== undefined)
  if (named.length === 0)
    throw new AuthError('invalid_audience', 'the token names no client (azp or client_id)')
  if (named.some((value) => typeof value !== 'string' || !clientIds.has(value)))
    throw new AuthError('invalid_audience', 'the token was issued to a client that is not accepted')
}

/** OIDC Core §3.1.3.7 steps 4 and 5, and §3.1.3.7 step 11 for the nonce. */
function checkIdToken(
  claims: JwtClaims,
  clientIds: ReadonlySet<string>,
  nonce: string | undefined,
): void {
  const { aud, azp } = claims
  if (Array.isArray(aud) && aud.length > 1 && azp === undefined)
    throw new AuthError('invalid_audience', 'the token has several audiences but no azp claim')
  if (azp !== undefined && (typeof azp !== 'string' || !clientIds.has(azp)))
    throw new AuthError('invalid_audience', 'the token was issued to another client (azp)')
  if (nonce !== undefined && claims.nonce !== nonce)
    throw new AuthError('invalid_claims', 'the nonce claim does not match')
}

/**
 * The provider's claim check: the schema (so the claims type holds at run time), the lifetime
 * ceiling, the user id claim, then `rules` (client, nonce), then the app's `validate`.
 * Synchronous as long as the app's check is: a zod schema validates synchronously, so no promise
 * is added to a cold verify.
 */
function auth0Check(
  schema: typeof auth0AccessClaims | typeof auth0IdClaims,
  maxLifetime: number | null,
  userId: string,
  rules: (claims: JwtClaims) => void,
  extra: ClaimsCheck | undefined,
): ClaimsCheck {
  return (claims, header, context) => {
    const rest = (): void | Promise<void> => {
      checkLifetime(claims, maxLifetime, context.now)
      requireUserId(claims, userId)
      rules(claims)
      return extra === undefined ? undefined : extra(claims, header, context)
    }
    const parsed = parseClaims({ claims }, schema)
    return parsed instanceof Promise ? parsed.then(rest) : rest()
  }
}

/**
 * An Auth0 tenant as a cloudauth provider: pass it to `createVerifier()` or a binding's
 * `cloudauth()`.
 *
 * Access tokens (the default): `iss` is `https://{domain}/` (trailing slash included), `aud` names
 * one of `audience` (RFC 7519 §4.1.3; an array `aud` with Auth0's `/userinfo` is fine), signed
 * RS256 by a key from the tenant's JWKS, `typ` `JWT`, `at+jwt` (RFC 9068 §2.1) or none, `sub`
 * present. With `clientId`, `azp`/`client_id` must name one of them. Scopes come from `scope` and
 * `permissions` (RBAC); namespaced custom claims pass through untouched.
 *
 * ID tokens (`tokenUse: 'id'`): `aud` names `clientId`; when `aud` lists several, `azp` must be
 * present; `azp`, when present, must be `clientId`; `nonce` must match when one is configured;
 * `typ` `at+jwt` is refused.
 *
 * @example
 * ```ts
 * const api = auth0({ domain: 'acme.eu.auth0.com', audience: 'https://api.acme.com' })
 * const ids = auth0({ domain: 'acme.eu.auth0.com', tokenUse: 'id', clientId: 'Ab12Cd34' })
 * const withRoles = auth0({ domain, audience, groupClaims: 'https://acme.com/roles' })
 * const byEmail = auth0({ domain, audience, userId: 'email' }) // user.id from the email claim
 * const local = auth0({ issuer: 'http://127.0.0.1:4000/', audience: 'https://api.acme.com' })
 * ```
 * Every token's lifetime (`exp - iat`) is at most `maxTokenLifetime` (30 days by default), and
 * the `userId` claim (`sub` by default) is a non-empty string.
 *
 * @throws ConfigError listing every problem at once (`problems`): `domain` not a bare host,
 *   `issuer` not an https (or loopback http) URL, `audience` or `clientId` missing or empty,
 *   `nonce` without `tokenUse: 'id'`, an unknown `tokenUse`, bad claim names, a bad `userId` or
 *   `maxTokenLifetime`, and any option `auth0()` does not know (with the nearest known name:
 *   `groupClaim: ... did you mean groupClaims?`); core's tuning options are checked by core.
 * @returns a provider whose verifier rejects with `invalid_issuer`, `invalid_audience` (another
 *   API, or another or no client), `invalid_header` (`typ`), `invalid_claims` (schema, nonce,
 *   lifetime, user id), and core's other codes.
 */
export function auth0(options: Auth0IdOptions): Provider<Auth0IdClaims>
export function auth0(options: Auth0AccessOptions): Provider<Auth0AccessClaims>
export function auth0(options: Auth0Options): Provider<Auth0AccessClaims> | Provider<Auth0IdClaims>
export function auth0(
  options: Auth0Options,
): Provider<Auth0AccessClaims> | Provider<Auth0IdClaims> {
  if (typeof options !== 'object' || (options as unknown) === null)
    throw new ConfigError('options', 'must be an object')
  const problems = new ConfigProblems()
  unknownOptions(options, OPTIONS, problems, 'auth0()')
  const tokenUse: unknown = options.tokenUse ?? 'access'
  if (tokenUse !== 'access' && tokenUse !== 'id')
    problems.add('tokenUse', 'must be "access" or "id"')

  if (options.issuer === undefined || options.domain !== undefined)
    problems.add('domain', domainProblem(options.domain))
  if (options.issuer !== undefined) problems.add('issuer', issuerProblem(options.issuer))
  const domain = typeof options.domain === 'string' ? options.domain.toLowerCase() : undefined
  const issuer = options.issuer ?? `https://${domain ?? ''}/`
  const jwksUri = options.jwksUri ?? (typeof issuer === 'string' ? jwksUriOf(issuer) : '')
  const scopeClaims = claimNames('scopeClaims', options.scopeClaims, DEFAULT_SCOPE_CLAIMS, problems)
  const groupClaims = claimNames('groupClaims', options.groupClaims, [], problems)
  const userId = userIdClaim(options.userId, problems)
  const maxLifetime = tokenLifetime(options.maxTokenLifetime, MAX_LIFETIME, problems)
  const extra = options.validate
  if (extra !== undefined && typeof extra !== 'function')
    problems.add('validate', 'must be a function')

  const common = {
    provider: 'auth0',
    scopeClaims,
    groupClaims,
    ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
    toUser: <TClaims extends JwtClaims>(verified: VerifiedToken<TClaims>): User<TClaims> =>
      // The OIDC standard claims (OIDC Core §5.1); Auth0's user name is its `nickname`.
      userFromClaims(verified, { provider: 'auth0', usernameClaims: ['nickname'], userId }),
  }

  if (options.tokenUse === 'id') {
    if (options.audience !== undefined)
      problems.add('audience', 'is not used for ID tokens: their aud is the clientId')
    if (options.clientId === undefined)
      problems.add('clientId', 'is required for ID tokens (their aud is the client id)')
    else problems.add('clientId', listProblem(options.clientId))
    const { nonce } = options
    if (nonce !== undefined && (typeof nonce !== 'string' || nonce === ''))
      problems.add('nonce', 'must be a non-empty string')
    problems.throwIfAny()
    const clientIds = new Set(toList(options.clientId))
    const validate = auth0Check(
      auth0IdClaims,
      maxLifetime,
      userId,
      (claims) => checkIdToken(claims, clientIds, nonce),
      extra,
    )
    return defineProvider<Auth0IdClaims>({
      ...common,
      ...pickTuning(options),
      issuers: { issuer, jwksUri, audience: [...clientIds], validate },
      typ: ID_TYP,
    })
  }

  if (options.nonce !== undefined)
    problems.add('nonce', 'applies to ID tokens only (tokenUse: "id")')
  problems.add('audience', listProblem(options.audience))
  if (options.clientId !== undefined) problems.add('clientId', listProblem(options.clientId))
  problems.throwIfAny()
  const clientIds = options.clientId === undefined ? undefined : new Set(toList(options.clientId))
  const validate = auth0Check(
    auth0AccessClaims,
    maxLifetime,
    userId,
    (claims) => {
      if (clientIds !== undefined) checkClient(claims, clientIds)
    },
    extra,
  )
  return defineProvider<Auth0AccessClaims>({
    ...common,
    ...pickTuning(options),
    issuers: { issuer, jwksUri, audience: toList(options.audience), validate },
    typ: ACCESS_TYP,
  })
}
