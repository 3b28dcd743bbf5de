import { type EnvSource, type Provider } from '@cloudauth/core'
import { ConfigProblems, insecureUrlProblem, readEnv } from '@cloudauth/core/provider'
import type { Auth0AccessClaims } from './auth0-access-claims.js'
import type { Auth0IdClaims } from './auth0-id-claims.js'
import { auth0, type Auth0CommonOptions, type Auth0Options, type Auth0Tenant } from './auth0.js'
import { domainProblem, issuerProblem } from './internal/config-rules.js'

/** Options of {@link auth0FromEnv} for access tokens: everything but what the environment gives. */
export type Auth0AccessFromEnvOptions = Auth0CommonOptions<Auth0AccessClaims> & {
  readonly tokenUse?: 'access'
  /** Restrict to these applications (`azp`); see `auth0()`. Not read from the environment. */
  readonly clientId?: string | readonly string[]
}

/** Options of {@link auth0FromEnv} for ID tokens. */
export type Auth0IdFromEnvOptions = Auth0CommonOptions<Auth0IdClaims> & {
  readonly tokenUse: 'id'
  readonly nonce?: string
}

/** Environment variables, as `process.env` holds them. */
export type Auth0Env = EnvSource

/**
 * {@link auth0} configured from the environment (`env`, default `process.env`); `options` takes
 * the code-side options of {@link auth0} (`tokenUse`, `scopeClaims`, `groupClaims`, `userId`,
 * `validate`, ...). Each variable is `AUTH0_` and the option's name in upper snake case, as in
 * every provider:
 *
 * | variable | |
 * |---|---|
 * | `AUTH0_DOMAIN` | the tenant host, e.g. `acme.eu.auth0.com`; required unless `AUTH0_ISSUER` is set |
 * | `AUTH0_AUDIENCE` | API identifier(s), comma-separated; required for access tokens |
 * | `AUTH0_CLIENT_ID` | client id(s), comma-separated; required for ID tokens (`tokenUse: 'id'`), not read otherwise |
 * | `AUTH0_ISSUER` | an explicit issuer (custom domain), e.g. `https://login.acme.com/`, or a local one such as `cloudauth-dev serve` (`http://127.0.0.1:9400/`) |
 * | `AUTH0_JWKS_URI` | optional: where the keys are (`jwksUri`); default `{issuer}.well-known/jwks.json` |
 *
 * Blank variables count as unset. Every problem, with the variables and with `options`, is
 * reported at once, in one `ConfigError`; an option
 * the environment gives (`domain`, `issuer`, `audience`, and `clientId` for ID tokens) is refused
 * in `options`, and `jwksUri` may come from one side only.
 *
 * @example
 * ```ts
 * const api = auth0FromEnv()                                        // AUTH0_DOMAIN, AUTH0_AUDIENCE
 * const ids = auth0FromEnv(process.env, { tokenUse: 'id' })          // AUTH0_DOMAIN, AUTH0_CLIENT_ID
 * const test = auth0FromEnv({ AUTH0_DOMAIN: 'acme.eu.auth0.com', AUTH0_AUDIENCE: 'api' })
 * ```
 * @throws ConfigError whose `problems` lists every missing or invalid variable, one line each
 *   (`AUTH0_AUDIENCE: is required`); and any error of {@link auth0} for the other options.
 */
export function auth0FromEnv(
  env: Auth0Env | undefined,
  options: Auth0IdFromEnvOptions,
): Provider<Auth0IdClaims>
export function auth0FromEnv(
  env?: Auth0Env,
  options?: Auth0AccessFromEnvOptions,
): Provider<Auth0AccessClaims>
export function auth0FromEnv(
  env?: Auth0Env,
  options: Auth0AccessFromEnvOptions | Auth0IdFromEnvOptions = {},
): Provider<Auth0AccessClaims> | Provider<Auth0IdClaims> {
  const rest = options
  const vars = readEnv(env)
  const problems = new ConfigProblems()
  const fromEnv: Record<string, string> = {
    domain: 'AUTH0_DOMAIN',
    issuer: 'AUTH0_ISSUER',
    ...(rest.tokenUse === 'id' ? { clientId: 'AUTH0_CLIENT_ID' } : { audience: 'AUTH0_AUDIENCE' }),
  }
  for (const [option, variable] of Object.entries(fromEnv)) {
    if ((rest as Record<string, unknown>)[option] !== undefined)
      problems.add(option, `is read from ${variable}, not from options`)
  }
  const jwksUri = vars.text('AUTH0_JWKS_URI')
  if (jwksUri !== undefined) {
    problems.add('AUTH0_JWKS_URI', insecureUrlProblem(jwksUri))
    if (rest.jwksUri !== undefined)
      problems.add('AUTH0_JWKS_URI', 'is set while jwksUri is given in code: keep one')
  }
  const domain = vars.text('AUTH0_DOMAIN')
  const issuer = vars.text('AUTH0_ISSUER')
  if (issuer === undefined || domain !== undefined)
    problems.add(
      'AUTH0_DOMAIN',
      domain === undefined ? 'is required (or set AUTH0_ISSUER)' : domainProblem(domain),
    )
  if (issuer !== undefined) problems.add('AUTH0_ISSUER', issuerProblem(issuer))
  const tenant = {
    ...(domain === undefined ? {} : { domain }),
    ...(issuer === undefined ? {} : { issuer }),
    ...(jwksUri === undefined ? {} : { jwksUri }),
  } as Auth0Tenant & { readonly jwksUri?: string }

  // Stand-ins for what the environment gives, to check the code-side options along with the
  // variables when these failed, so that one ConfigError lists every problem.
  const code = (extra: Record<string, unknown>) =>
    ({
      ...Object.fromEntries(
        Object.entries(rest).filter(([name]) => !['domain', 'issuer', 'jwksUri'].includes(name)),
      ),
      domain: 'stand-in.auth0.com',
      ...extra,
    }) as unknown as Auth0Options
  if (rest.tokenUse === 'id') {
    const clientId = vars.list('AUTH0_CLIENT_ID')
    if (clientId === undefined) problems.add('AUTH0_CLIENT_ID', 'is required for ID tokens')
    if (problems.size > 0)
      problems.collect(() => auth0(code({ clientId: 'x', audience: undefined })))
    problems.throwIfAny()
    return auth0({ ...rest, ...tenant, clientId: clientId ?? [] })
  }
  const audience = vars.list('AUTH0_AUDIENCE')
  if (audience === undefined) problems.add('AUTH0_AUDIENCE', 'is required')
  if (problems.size > 0) problems.collect(() => auth0(code({ audience: 'x' })))
  problems.throwIfAny()
  return auth0({ ...rest, ...tenant, audience: audience ?? [] })
}
