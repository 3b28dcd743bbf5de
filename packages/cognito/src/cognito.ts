import {
  ConfigError,
  defineProvider,
  type ClaimsCheck,
  type IssuerOptions,
  type Provider,
  type VerifierTuning,
} from '@cloudauth/core'
import {
  ConfigProblems,
  claimNames,
  pickTuning,
  tokenLifetime,
  unknownOptions,
  userIdClaim,
} from '@cloudauth/core/provider'
import type { CognitoAccessClaims } from './cognito-access-claims.js'
import type { CognitoClaims } from './cognito-claims.js'
import type { CognitoIdClaims } from './cognito-id-claims.js'
import { cognitoCheck } from './internal/cognito-check.js'
import { LOCAL_PLACEHOLDER, parseEndpoint } from './internal/config-rules.js'
import { resolvePool, type PoolInput, type ResolvedPool } from './internal/resolve-pool.js'
import { toCognitoUser } from './internal/to-cognito-user.js'

/** Which Cognito token a verifier accepts: `'access'`, `'id'`, or `null` for either. */
export type CognitoTokenUse = 'access' | 'id' | null

/**
 * The claims type a verifier hands out for a `tokenUse`: access claims, ID claims, or the union
 * discriminated on `token_use` when either is accepted (as aws-jwt-verify types its payloads).
 */
export type CognitoClaimsFor<TTokenUse extends CognitoTokenUse> = [TTokenUse] extends ['access']
  ? CognitoAccessClaims
  : [TTokenUse] extends ['id']
    ? CognitoIdClaims
    : CognitoClaims

/** One user pool and the app clients whose tokens it accepts. */
export interface CognitoPoolOptions {
  /** The user pool id, `{region}_{id}` such as `us-east-1_AbCdEf123` (`local_...` with an `endpoint`). */
  readonly userPoolId: string
  /**
   * The app client id, or several: checked against `client_id` (access tokens) or `aud` (ID tokens).
   */
  readonly clientId: string | readonly string[]
  /** The pool's region. Default: the prefix of `userPoolId`, which on AWS always is the region. */
  readonly region?: string
}

/** Verifier options a Cognito provider passes through to core unchanged (core's `VerifierTuning`). */
export type CognitoVerifierOptions<TTokenUse extends CognitoTokenUse> = VerifierTuning<
  CognitoClaimsFor<TTokenUse>
>

/** Options shared by the one-pool and the several-pools forms of {@link CognitoOptions}. */
export interface CognitoCommonOptions<
  TTokenUse extends CognitoTokenUse,
> extends CognitoVerifierOptions<TTokenUse> {
  /**
   * The token the API accepts: `'access'` (an API called by a client), `'id'` (who signed in), or
   * `null` for either. Required: accepting both must be a choice, not a default.
   */
  readonly tokenUse: TTokenUse
  /** Claim(s) holding scopes. Default `'scope'`. `'cognito:groups'` reproduces fastapi-cloudauth. */
  readonly scopeClaims?: string | readonly string[]
  /** Claim(s) holding groups. Default `'cognito:groups'`. */
  readonly groupClaims?: string | readonly string[]
  /**
   * The claim that holds the user's id (`user.id`), required in every token: `'email'` (an ID
   * token claim) or `'username'` (an access token claim), say. Default `'sub'`.
   */
  readonly userId?: string
  /**
   * The longest lifetime (`exp - iat`, seconds) accepted; longer is `invalid_claims`. Default
   * 86,400 (1 day, the longest Cognito issues access and ID tokens for); `null` switches it off.
   */
  readonly maxTokenLifetime?: number | null
  /** More user pools (a secondary pool, say), each with its own clients; the token's `iss` picks one. */
  readonly pools?: readonly CognitoPoolOptions[]
  /**
   * An emulator's base URL (cognito-local: `http://127.0.0.1:9229`) in place of AWS: the issuer
   * becomes `{endpoint}/{userPoolId}`. https, or http on loopback only.
   */
  readonly endpoint?: string
  /** An extra check, run after the Cognito checks passed. Throw an `AuthError` to reject. */
  readonly validate?: ClaimsCheck
}

/**
 * Options of {@link cognito}: one pool given at the top level (`userPoolId`, `clientId`, `region`),
 * optionally with more in `pools`, or all of them in `pools`.
 */
export type CognitoOptions<TTokenUse extends CognitoTokenUse = CognitoTokenUse> =
  CognitoCommonOptions<TTokenUse> &
    (
      | CognitoPoolOptions
      | {
          readonly pools: readonly [CognitoPoolOptions, ...CognitoPoolOptions[]]
          readonly userPoolId?: never
          readonly clientId?: never
          readonly region?: never
        }
    )

const TOKEN_USES: readonly unknown[] = ['access', 'id', null]
/** Cognito's longest access and ID token lifetime: 86,400 s (1 day). */
const MAX_LIFETIME = 86_400
/** The options of one pool, at the top level or in `pools`. */
const POOL_OPTIONS = ['userPoolId', 'clientId', 'region'] as const
/** Every option `cognito()` knows besides core's tuning options. */
const OPTIONS = [
  ...POOL_OPTIONS,
  'tokenUse',
  'scopeClaims',
  'groupClaims',
  'userId',
  'maxTokenLifetime',
  'pools',
  'endpoint',
  'validate',
] as const

/**
 * A provider for AWS Cognito user pools: pass it to `createVerifier()` or a binding's `cloudauth()`.
 *
 * Every token must be signed RS256 by a key from its pool's JWKS
 * (`https://cognito-idp.{region}.amazonaws.com/{userPoolId}/.well-known/jwks.json`), carry that
 * pool's `iss`, be unexpired (RFC 7519 §4.1.4), have the configured `token_use`, and be issued to
 * one of the pool's app clients: `client_id` for access tokens, `aud` for ID tokens. Scopes come
 * from `scope`, groups from `cognito:groups`. The claims are typed by `tokenUse`.
 *
 * @example
 * ```ts
 * const verifier = createVerifier(
 *   cognito({ userPoolId: 'us-east-1_AbCdEf123', clientId: '1example23456789', tokenUse: 'access' }),
 * )
 * const { claims, scopes, groups } = await verifier.verify(token) // claims: CognitoAccessClaims
 * ```
 * @example Primary and secondary pools
 * ```ts
 * cognito({
 *   tokenUse: 'id',
 *   pools: [
 *     { userPoolId: 'eu-west-1_Primary1', clientId: 'webclient1' },
 *     { userPoolId: 'us-east-1_Second2', clientId: ['webclient2', 'mobileclient2'] },
 *   ],
 * })
 * ```
 * @throws ConfigError naming every bad option at once (`userPoolId`, `clientId`, `region`,
 *   `tokenUse`, `endpoint`, `pools[i].*`, `scopeClaims`, `groupClaims`, `userId`,
 *   `maxTokenLifetime`), and every option it does not know, with the nearest known name
 *   (`scopeClaim: is not an option of cognito(); did you mean scopeClaims?`)
 * @returns a provider whose verifier rejects with `AuthError`: `invalid_token_use` (wrong or no
 *   `token_use`), `invalid_audience` (another app client), `invalid_issuer` (another pool),
 *   `invalid_claims` (claims not shaped like a Cognito token, a lifetime over `maxTokenLifetime`,
 *   no `userId` claim), and core's codes
 *   (`token_expired`, `invalid_signature`, `unknown_key`, `jwks_unavailable`, ...)
 */
export function cognito<const TTokenUse extends CognitoTokenUse>(
  options: CognitoOptions<TTokenUse>,
): Provider<CognitoClaimsFor<TTokenUse>> {
  type TClaims = CognitoClaimsFor<TTokenUse>
  const problems = new ConfigProblems()
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new ConfigError('options', 'must be an object')
  }
  unknownOptions(options, OPTIONS, problems, 'cognito()')
  const tokenUse = options.tokenUse
  if (!TOKEN_USES.includes(tokenUse)) {
    problems.add('tokenUse', "is required: 'access', 'id', or null to accept either")
  }

  let endpoint: string | undefined
  if (options.endpoint !== undefined) {
    const parsed = parseEndpoint(options.endpoint)
    if ('problem' in parsed) problems.add('endpoint', parsed.problem)
    else endpoint = parsed.base
  }

  const inputs: { input: PoolInput; at: string }[] = []
  const top = options as Partial<CognitoPoolOptions>
  if (top.userPoolId !== undefined || top.clientId !== undefined || top.region !== undefined) {
    inputs.push({ input: top as PoolInput, at: '' })
  }
  if (options.pools !== undefined) {
    if (!Array.isArray(options.pools)) {
      problems.add('pools', 'must be a list of { userPoolId, clientId, region? }')
    } else {
      options.pools.forEach((pool: unknown, index) => {
        const at = `pools[${index}].`
        if (typeof pool !== 'object' || pool === null)
          problems.add(`pools[${index}]`, 'must be an object')
        else {
          unknownOptions(pool, POOL_OPTIONS, problems, 'cognito()', at)
          inputs.push({ input: pool as PoolInput, at })
        }
      })
    }
  }
  if (inputs.length === 0 && problems.list.every((p) => !p.option.startsWith('pools'))) {
    problems.add('userPoolId', 'is required (or list the user pools in pools)')
  }

  const pools: ResolvedPool[] = []
  const seen = new Set<string>()
  for (const { input, at } of inputs) {
    const names = {
      userPoolId: `${at}userPoolId`,
      clientId: `${at}clientId`,
      region: `${at}region`,
    }
    // A bad endpoint is reported once: pool ids are still checked as an emulator's, not as AWS's.
    const poolEndpoint =
      options.endpoint === undefined ? undefined : (endpoint ?? LOCAL_PLACEHOLDER)
    const pool = resolvePool(input, names, poolEndpoint, problems)
    if (pool === undefined) continue
    if (seen.has(pool.issuer)) {
      problems.add(names.userPoolId, 'names a user pool configured already')
      continue
    }
    seen.add(pool.issuer)
    pools.push(pool)
  }

  const scopeClaims = claimNames('scopeClaims', options.scopeClaims, ['scope'], problems)
  const groupClaims = claimNames('groupClaims', options.groupClaims, ['cognito:groups'], problems)
  const userId = userIdClaim(options.userId, problems)
  const maxLifetime = tokenLifetime(options.maxTokenLifetime, MAX_LIFETIME, problems)
  if (options.validate !== undefined && typeof options.validate !== 'function')
    problems.add('validate', 'must be a function')
  problems.throwIfAny()

  const issuers: IssuerOptions[] = pools.map((pool) => ({
    issuer: pool.issuer,
    jwksUri: pool.jwksUri,
    // Access tokens have no aud: the app client is checked by cognitoCheck (client_id or aud).
    audience: null,
    validate: cognitoCheck(tokenUse, pool.clients, { maxLifetime, userId }, options.validate),
  }))

  return defineProvider<TClaims>({
    ...pickTuning<TClaims>(options),
    provider: 'cognito',
    issuers,
    // Cognito signs every user pool token with RS256 (RFC 7518 §3.3).
    algorithms: ['RS256'],
    scopeClaims,
    groupClaims,
    toUser: toCognitoUser<TClaims>(userId),
  })
}
