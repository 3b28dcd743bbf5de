import { type EnvSource, type Provider } from '@cloudauth/core'
import { ConfigProblems, readEnv } from '@cloudauth/core/provider'
import {
  cognito,
  type CognitoClaimsFor,
  type CognitoOptions,
  type CognitoPoolOptions,
  type CognitoTokenUse,
  type CognitoVerifierOptions,
} from './cognito.js'
import { LOCAL_PLACEHOLDER, parseEndpoint } from './internal/config-rules.js'
import { resolvePool } from './internal/resolve-pool.js'

/** Environment variables, as `process.env` holds them. */
export type CognitoEnv = EnvSource

/** What {@link cognitoFromEnv} takes from code rather than from the environment. */
export type CognitoFromEnvOptions<TTokenUse extends CognitoTokenUse = CognitoTokenUse> =
  CognitoVerifierOptions<TTokenUse> &
    Pick<
      CognitoOptions,
      'scopeClaims' | 'groupClaims' | 'userId' | 'maxTokenLifetime' | 'validate'
    > & {
      /**
       * The token the code is written for: `'access'`, `'id'`, or `null` for either. Given, it
       * types the provider's claims as `cognito({ tokenUse })` does, and `COGNITO_TOKEN_USE`
       * becomes optional (when set, it must agree). Left out, `COGNITO_TOKEN_USE` is required and
       * the claims are the union `CognitoClaims`.
       */
      readonly tokenUse?: TTokenUse
    }

/** Options the environment gives, and the variable that gives each. */
const FROM_ENV: Readonly<Record<string, string>> = {
  userPoolId: 'COGNITO_USER_POOL_ID',
  clientId: 'COGNITO_CLIENT_ID',
  region: 'COGNITO_REGION',
  endpoint: 'COGNITO_ENDPOINT',
  pools: 'COGNITO_SECONDARY_USER_POOL_ID',
}

const TOKEN_USE: Readonly<Record<string, CognitoTokenUse>> = {
  access: 'access',
  id: 'id',
  any: null,
}

/**
 * A Cognito provider configured from environment variables, for twelve-factor deployments. Each
 * variable is `COGNITO_` and the option's name in upper snake case, as in every provider:
 *
 * | variable | meaning |
 * |---|---|
 * | `COGNITO_USER_POOL_ID` | required: the user pool id |
 * | `COGNITO_CLIENT_ID` | required: the app client id, or several separated by commas |
 * | `COGNITO_TOKEN_USE` | `access`, `id` or `any`; required unless `options.tokenUse` is given, and then it must agree |
 * | `COGNITO_REGION` | optional: defaults to the prefix of the pool id |
 * | `COGNITO_ENDPOINT` | optional: an emulator's or local issuer's base URL (cognito-local, or `cloudauth-dev serve` at `http://127.0.0.1:9400`) |
 * | `COGNITO_SECONDARY_USER_POOL_ID`, `COGNITO_SECONDARY_CLIENT_ID`, `COGNITO_SECONDARY_REGION` | optional: a second pool; pool id and client id go together |
 *
 * Empty values count as unset. Every missing or invalid variable is reported at once, in one
 * `ConfigError` whose `problems` lists them; values are never echoed. An option the environment
 * gives (`userPoolId`, `clientId`, `region`, `endpoint`, `pools`) is refused in `options`.
 *
 * @example
 * ```ts
 * const auth = cloudauth(cognitoFromEnv())                    // Provider<CognitoClaims>
 * const api = cognitoFromEnv(process.env, { tokenUse: 'access' }) // Provider<CognitoAccessClaims>
 * const custom = cognitoFromEnv(process.env, { scopeClaims: 'cognito:groups', clockTolerance: 10 })
 * ```
 * @throws ConfigError listing every missing or invalid variable (`problems`), including a
 *   `COGNITO_TOKEN_USE` that disagrees with `options.tokenUse`
 */
export function cognitoFromEnv<const TTokenUse extends CognitoTokenUse = CognitoTokenUse>(
  env?: CognitoEnv,
  options: CognitoFromEnvOptions<TTokenUse> = {},
): Provider<CognitoClaimsFor<TTokenUse>> {
  const vars = readEnv(env)
  const problems = new ConfigProblems()
  // What the environment gives is not taken from options too (a second source would add a pool).
  for (const [option, variable] of Object.entries(FROM_ENV)) {
    if ((options as Record<string, unknown>)[option] !== undefined)
      problems.add(option, `is read from ${variable}, not from options`)
  }

  const required = options.tokenUse
  const rawTokenUse = vars.text('COGNITO_TOKEN_USE')
  // Left undefined only along with a problem, which is thrown before cognito() is called.
  let tokenUse: CognitoTokenUse | undefined = required
  if (rawTokenUse === undefined) {
    if (required === undefined)
      problems.add('COGNITO_TOKEN_USE', 'is required: access, id or any (or pass tokenUse)')
  } else if (!Object.hasOwn(TOKEN_USE, rawTokenUse.toLowerCase())) {
    problems.add('COGNITO_TOKEN_USE', 'must be access, id or any')
  } else {
    tokenUse = TOKEN_USE[rawTokenUse.toLowerCase()]
    // The code was typed for one kind of token: a deployment must not widen or swap it.
    if (required !== undefined && tokenUse !== required)
      problems.add(
        'COGNITO_TOKEN_USE',
        `must agree with tokenUse: ${JSON.stringify(required)} given in code (null is any)`,
      )
  }

  const rawEndpoint = vars.text('COGNITO_ENDPOINT')
  let endpoint: string | undefined
  if (rawEndpoint !== undefined) {
    const parsed = parseEndpoint(rawEndpoint)
    if ('problem' in parsed) problems.add('COGNITO_ENDPOINT', parsed.problem)
    else endpoint = parsed.base
  }
  // A bad endpoint is reported once: pool ids are still checked as an emulator's, not as AWS's.
  const poolEndpoint = rawEndpoint === undefined ? undefined : (endpoint ?? LOCAL_PLACEHOLDER)

  const pool = (prefix: 'COGNITO_' | 'COGNITO_SECONDARY_') => {
    const names = {
      userPoolId: `${prefix}USER_POOL_ID`,
      clientId: `${prefix}CLIENT_ID`,
      region: `${prefix}REGION`,
    }
    const userPoolId = vars.text(names.userPoolId)
    // Not vars.list(): a blank item ("a,,b") is reported, as cognito({ clientId }) reports it.
    const clientId = vars
      .text(names.clientId)
      ?.split(',')
      .map((id) => id.trim())
    const region = vars.text(names.region)
    // resolvePool reports a missing id as "is required", so one run lists every problem.
    const resolved = resolvePool({ userPoolId, clientId, region }, names, poolEndpoint, problems)
    if (resolved === undefined) return undefined
    const input: CognitoPoolOptions = {
      userPoolId: resolved.userPoolId,
      clientId: resolved.clients,
      ...(region === undefined ? {} : { region }),
    }
    return { input, issuer: resolved.issuer }
  }

  const primary = pool('COGNITO_')
  // The secondary pool is optional (as in smac), but once any of its variables is set it must be whole.
  const secondarySet = ['USER_POOL_ID', 'CLIENT_ID', 'REGION'].some(
    (name) => vars.text(`COGNITO_SECONDARY_${name}`) !== undefined,
  )
  const secondary = secondarySet ? pool('COGNITO_SECONDARY_') : undefined
  if (primary !== undefined && secondary !== undefined && primary.issuer === secondary.issuer) {
    problems.add(
      'COGNITO_SECONDARY_USER_POOL_ID',
      'names the same user pool as COGNITO_USER_POOL_ID',
    )
  }
  if (problems.size > 0) {
    // Check the code-side options too, with a stand-in pool for what the environment failed to
    // give, so that one ConfigError lists every problem.
    const code = Object.fromEntries(
      Object.entries(options).filter(([name]) => !Object.hasOwn(FROM_ENV, name)),
    )
    problems.collect(() =>
      cognito({
        ...(code as CognitoFromEnvOptions),
        tokenUse: options.tokenUse ?? 'access',
        userPoolId: 'us-east-1_StandIn1',
        clientId: 'standin1',
      }),
    )
  }
  problems.throwIfAny()

  const pools = [primary, secondary].flatMap((p) => (p === undefined ? [] : [p.input]))
  return cognito<TTokenUse>({
    ...options,
    tokenUse: tokenUse as TTokenUse,
    pools: pools as [CognitoPoolOptions, ...CognitoPoolOptions[]],
    ...(endpoint === undefined ? {} : { endpoint }),
  })
}
