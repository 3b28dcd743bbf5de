import { auth0, type Auth0Options } from '@cloudauth/auth0'
import { cognito, type CognitoPoolOptions } from '@cloudauth/cognito'
import {
  ConfigError,
  bearer,
  cookie,
  defineProvider,
  header,
  type EnvSource,
  type IssuerOptions,
  type Provider,
  type TokenSource,
} from '@cloudauth/core'
import { ConfigProblems, insecureUrlProblem } from '@cloudauth/core/provider'
import { firebase } from '@cloudauth/firebase'
import {
  envSource,
  secretsManagerSource,
  servicePrincipals,
  type SecretsManagerSourceOptions,
  type ServicePrincipalEvent,
  type ServicePrincipals,
  type ServiceSource,
} from '@cloudauth/principals'
import type { z } from 'zod'
import { envSchema, KNOWN_NAMES, type EnvConfig } from './internal/env-schema.js'
import { envTree, type EnvTree } from './internal/env-tree.js'
import { nearestName } from './internal/nearest-name.js'
import { prefixedHeader } from './internal/prefixed-header.js'

/** Options of {@link cloudauthFromEnv}. */
export interface CloudauthFromEnvOptions {
  /** The names' common start. Default `'CLOUDAUTH__'`; smac users might pick `'APP__AUTH__'`. */
  readonly prefix?: string
  /** The variables. Default `process.env`. */
  readonly env?: EnvSource
  /** The Secrets Manager client to use (tests, custom retries); default one from the SDK's chain. */
  readonly secretsManagerClient?: SecretsManagerSourceOptions['client']
  /** Service principal events (malformed secrets, outages); see `servicePrincipals()`. */
  readonly onServiceEvent?: (event: ServicePrincipalEvent) => void
}

/** Where a provider's users log in, for OpenAPI's OAuth2 authorization-code flow (with PKCE). */
export interface LoginEndpoints {
  readonly authorizationUrl: string
  readonly tokenUrl: string
  /** The app client Swagger UI should log in as. */
  readonly clientId?: string
}

/** What {@link cloudauthFromEnv} builds: the arguments of a binding's `cloudauth(source, options)`. */
export interface CloudauthFromEnv {
  /** The provider (Cognito with its pools, Auth0 with its tenants, or Firebase). */
  readonly source: Provider
  readonly options: {
    readonly tokenFrom: readonly TokenSource[]
    readonly realm?: string
    readonly services?: ServicePrincipals
  }
  /** The claim holding the user's id (`USER_ID`), when set. */
  readonly userId?: string
  /** The login endpoints, when a Cognito pool has a `DOMAIN` or an Auth0 tenant a `DOMAIN`. */
  readonly login?: LoginEndpoints
}

type Problems = ConfigProblems

const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i

/** Pools and tenants in a stable order: PRIMARY, then SECONDARY, then the rest by name. */
function ordered<T>(record: Readonly<Record<string, T>> | undefined): [string, T][] {
  const rank = (name: string) => (name === 'PRIMARY' ? 0 : name === 'SECONDARY' ? 1 : 2)
  return Object.entries(record ?? {}).sort(
    ([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0),
  )
}

/** Reports a factory's ConfigError under environment names. */
function collect(problems: Problems, error: unknown, rename: (option: string) => string): void {
  if (!(error instanceof ConfigError)) throw error
  for (const line of error.problems) {
    const at = line.indexOf(': ')
    const option = at === -1 ? error.option : line.slice(0, at)
    problems.add(rename(option), at === -1 ? line : line.slice(at + 2))
  }
}

function loginBase(problems: Problems, name: string, value: string): string | undefined {
  if (value.includes('://')) {
    let url: URL
    try {
      url = new URL(value)
    } catch {
      problems.add(name, 'must be a host name or an https URL')
      return undefined
    }
    const problem = insecureUrlProblem(url)
    if (problem !== undefined) problems.add(name, problem)
    return problem === undefined ? `${url.origin}${url.pathname.replace(/\/+$/, '')}` : undefined
  }
  if (!HOST.test(value)) {
    problems.add(name, 'must be a host name (such as auth.example.com) or an https URL')
    return undefined
  }
  return `https://${value}`
}

/**
 * The whole cloudauth setup from environment variables under one prefix, for twelve-factor
 * deployments and for apps moving from smac-fastapi-auth (`SMAC__AUTH__...`, mapped in the README):
 * the provider (Cognito with several user pools, Auth0 with several tenants, or Firebase), where
 * tokens are read (a header with a prefix, a cookie), the user-id claim, and service principals
 * (Secrets Manager or static hashes).
 *
 * Everything is checked here, at start: every problem is reported at once in one `ConfigError`
 * (`problems` lists them), names under the prefix that mean nothing are reported with the nearest
 * known name, values of the wrong type are reported, and no value is ever repeated in a message.
 *
 * @example
 * ```ts
 * // APP__AUTH__PROVIDER=cognito
 * // APP__AUTH__COGNITO__TOKEN_USE=access
 * // APP__AUTH__COGNITO__POOLS__PRIMARY__USER_POOL_ID=eu-west-1_AbC123
 * // APP__AUTH__COGNITO__POOLS__PRIMARY__CLIENT_ID=1example23456789
 * // APP__AUTH__SERVICES__ID_HEADER=X-Service-Id
 * // APP__AUTH__SERVICES__TOKEN_HEADER=X-Service-Token
 * // APP__AUTH__SERVICES__SOURCE=secrets-manager
 * // APP__AUTH__SERVICES__SECRETS_MANAGER__PREFIX=prod/services/
 * const { source, options } = cloudauthFromEnv({ prefix: 'APP__AUTH__' })
 * const auth = cloudauth(source, options)
 * app.get('/reports', auth.any('user', 'service'), handler)
 * ```
 * @throws ConfigError listing every problem (`problems`), each under its variable's name
 */
export function cloudauthFromEnv(options: CloudauthFromEnvOptions = {}): CloudauthFromEnv {
  const prefix = options.prefix ?? 'CLOUDAUTH__'
  if (typeof prefix !== 'string' || !/^[A-Za-z0-9_]+$/.test(prefix))
    throw new ConfigError('prefix', 'must be letters, digits and underscores')
  const env: EnvSource =
    options.env ?? (globalThis as { process?: { env?: EnvSource } }).process?.env ?? {}
  const problems = new ConfigProblems()
  const name = (...path: readonly (string | number)[]) => `${prefix}${path.join('__')}`

  const tree = envTree(env, prefix, problems)
  // Each section is parsed on its own, so a mistake in one does not hide the problems of another.
  const failed = new Set<string>()
  const parts: Record<string, unknown> = {}
  const report = (issues: readonly z.core.$ZodIssue[], base: readonly string[]) => {
    for (const issue of issues) {
      const path = [...base, ...issue.path.map(String)]
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) unknownName([...path, key])
        continue
      }
      const at = name(...path)
      if (issue.code === 'invalid_type') {
        if (issue.input === undefined) problems.add(at, 'is required')
        else if (issue.expected === 'object' || issue.expected === 'record')
          problems.add(at, 'is a group of names: set the names under it, not a value')
        else problems.add(at, 'must be a value, not a group of names')
        continue
      }
      problems.add(at, issue.message)
    }
  }
  const unknownName = (path: readonly string[]) => {
    const unknown = path.join('__')
    if (path[path.length - 1] === 'CHECK_EXPIRATION') {
      problems.add(
        name(unknown),
        "is not supported: token expiry is always checked (smac's CHECK_EXPIRATION has no equivalent)",
      )
      return
    }
    const near = nearestName(unknown, KNOWN_NAMES)
    problems.add(
      name(unknown),
      near === undefined
        ? 'is not a name cloudauth knows'
        : `is not a name cloudauth knows; did you mean ${prefix}${near}?`,
    )
  }
  const shape: Readonly<Record<string, z.ZodType>> = envSchema.shape
  for (const key of Object.keys(tree)) if (!Object.hasOwn(shape, key)) unknownName([key])
  for (const [key, schema] of Object.entries(shape)) {
    const result = schema.safeParse(tree[key], { reportInput: true })
    if (result.success) parts[key] = result.data
    else {
      failed.add(key)
      report(result.error.issues, [key])
    }
  }
  // What parsed; sections with problems are left out below, so their problems are not repeated.
  const config = parts as Partial<EnvConfig>
  const raw = tree as Record<string, EnvTree | string | undefined>

  const provider = failed.has('PROVIDER') ? null : config.PROVIDER
  if (provider === undefined)
    problems.add(name('PROVIDER'), 'is required: cognito, auth0 or firebase')
  for (const section of ['COGNITO', 'AUTH0', 'FIREBASE'] as const) {
    if (
      provider !== null &&
      provider !== undefined &&
      section.toLowerCase() !== provider &&
      raw[section] !== undefined
    )
      problems.add(name(section), `names are set, but PROVIDER is ${provider}`)
  }

  const userId = config.USER_ID
  let source: Provider | undefined
  let login: LoginEndpoints | undefined

  if (provider === 'cognito' && !failed.has('COGNITO')) {
    const section = config.COGNITO
    const pools = ordered(section?.POOLS)
    if (section === undefined)
      problems.add(name('COGNITO', 'TOKEN_USE'), 'is required: access, id or any')
    if (pools.length === 0)
      problems.add(
        name('COGNITO', 'POOLS', 'PRIMARY', 'USER_POOL_ID'),
        'is required: at least one user pool (with its CLIENT_ID)',
      )
    if (section !== undefined && pools.length > 0) {
      const rename = (option: string) => {
        const match = /^pools\[(\d+)\]\.(\w+)$/.exec(option)
        if (match !== null) {
          const pool = pools[Number(match[1])]?.[0] ?? 'PRIMARY'
          const field = { userPoolId: 'USER_POOL_ID', clientId: 'CLIENT_ID', region: 'REGION' }[
            match[2] as string
          ]
          return name('COGNITO', 'POOLS', pool, field ?? (match[2] as string))
        }
        const top: Record<string, string> = {
          endpoint: name('COGNITO', 'ENDPOINT'),
          tokenUse: name('COGNITO', 'TOKEN_USE'),
          userId: name('USER_ID'),
        }
        return top[option] ?? name('COGNITO')
      }
      const poolOptions = pools.map(([, pool]): CognitoPoolOptions => ({
        userPoolId: pool.USER_POOL_ID,
        clientId: pool.CLIENT_ID,
        ...(pool.REGION === undefined ? {} : { region: pool.REGION }),
      }))
      try {
        source = cognito({
          tokenUse: section.TOKEN_USE === 'any' ? null : section.TOKEN_USE,
          pools: poolOptions as [CognitoPoolOptions, ...CognitoPoolOptions[]],
          ...(section.ENDPOINT === undefined ? {} : { endpoint: section.ENDPOINT }),
          ...(userId === undefined ? {} : { userId }),
        })
      } catch (error) {
        collect(problems, error, rename)
      }
      const withDomain = pools.find(([, pool]) => pool.DOMAIN !== undefined)
      if (withDomain !== undefined) {
        const [poolName, pool] = withDomain
        const base = loginBase(
          problems,
          name('COGNITO', 'POOLS', poolName, 'DOMAIN'),
          pool.DOMAIN as string,
        )
        if (base !== undefined)
          login = {
            authorizationUrl: `${base}/oauth2/authorize`,
            tokenUrl: `${base}/oauth2/token`,
            ...(pool.CLIENT_ID[0] === undefined ? {} : { clientId: pool.CLIENT_ID[0] }),
          }
      }
    }
  }

  if (provider === 'auth0' && !failed.has('AUTH0')) {
    const section = config.AUTH0
    const tenants = ordered(section?.TENANTS)
    if (tenants.length === 0)
      problems.add(
        name('AUTH0', 'TENANTS', 'PRIMARY', 'DOMAIN'),
        'is required: at least one tenant (with its AUDIENCE, or CLIENT_ID for ID tokens)',
      )
    const built: Provider[] = []
    for (const [tenantName, tenant] of tenants) {
      const at = (field: string) => name('AUTH0', 'TENANTS', tenantName, field)
      const fields: Record<string, string> = {
        domain: at('DOMAIN'),
        issuer: at('ISSUER'),
        audience: at('AUDIENCE'),
        clientId: at('CLIENT_ID'),
        tokenUse: name('AUTH0', 'TOKEN_USE'),
        userId: name('USER_ID'),
      }
      const tenantOptions = {
        ...(tenant.DOMAIN === undefined ? {} : { domain: tenant.DOMAIN }),
        ...(tenant.ISSUER === undefined ? {} : { issuer: tenant.ISSUER }),
        ...(tenant.AUDIENCE === undefined ? {} : { audience: tenant.AUDIENCE }),
        ...(tenant.CLIENT_ID === undefined ? {} : { clientId: tenant.CLIENT_ID }),
        ...(section?.TOKEN_USE === undefined ? {} : { tokenUse: section.TOKEN_USE }),
        ...(userId === undefined ? {} : { userId }),
      } as unknown as Auth0Options
      try {
        built.push(auth0(tenantOptions))
      } catch (error) {
        collect(problems, error, (option) => fields[option] ?? at('DOMAIN'))
      }
      if (login === undefined && tenant.DOMAIN !== undefined && HOST.test(tenant.DOMAIN))
        login = {
          authorizationUrl: `https://${tenant.DOMAIN}/authorize`,
          tokenUrl: `https://${tenant.DOMAIN}/oauth/token`,
          ...(tenant.CLIENT_ID?.[0] === undefined ? {} : { clientId: tenant.CLIENT_ID[0] }),
        }
    }
    const [first] = built
    if (first !== undefined && built.length === tenants.length) {
      // Each tenant's issuer carries its own audience and checks; the rest is the same for all.
      const issuers = built.flatMap((p): IssuerOptions[] => [p.issuers].flat())
      source = built.length === 1 ? first : defineProvider({ ...first, issuers })
    }
  }

  if (provider === 'firebase' && !failed.has('FIREBASE')) {
    const section = config.FIREBASE
    if (section === undefined) problems.add(name('FIREBASE', 'PROJECT_ID'), 'is required')
    else {
      const fields: Record<string, string> = {
        projectId: name('FIREBASE', 'PROJECT_ID'),
        tenantId: name('FIREBASE', 'TENANT_ID'),
        userId: name('USER_ID'),
      }
      try {
        source = firebase({
          projectId: section.PROJECT_ID,
          ...(section.TENANT_ID === undefined ? {} : { tenantId: section.TENANT_ID }),
          ...(userId === undefined ? {} : { userId }),
        })
      } catch (error) {
        collect(problems, error, (option) => fields[option] ?? name('FIREBASE'))
      }
    }
  }

  // Where scopes and groups live, set on the built provider (core's scopeClaims and groupClaims),
  // so the option spelling of each provider factory does not matter.
  const claimSection =
    provider === 'cognito' ? config.COGNITO : provider === 'auth0' ? config.AUTH0 : undefined
  if (source !== undefined && claimSection !== undefined) {
    const { SCOPE_CLAIM: scopeClaims, GROUP_CLAIM: groupClaims } = claimSection
    if (scopeClaims !== undefined || groupClaims !== undefined)
      source = defineProvider({
        ...source,
        ...(scopeClaims === undefined ? {} : { scopeClaims }),
        ...(groupClaims === undefined ? {} : { groupClaims }),
      })
  }

  // Token sources: a header with a prefix (default Authorization: Bearer), then a cookie.
  const tokenFrom: TokenSource[] = []
  if (!failed.has('TOKEN')) {
    const headerName = config.TOKEN?.HEADER?.NAME ?? 'Authorization'
    const headerPrefix = config.TOKEN?.HEADER?.PREFIX ?? 'Bearer'
    try {
      if (headerName.toLowerCase() === 'authorization' && headerPrefix.toLowerCase() === 'bearer')
        tokenFrom.push(bearer())
      else if (headerPrefix.toLowerCase() === 'none') tokenFrom.push(header(headerName))
      else tokenFrom.push(prefixedHeader(headerName, headerPrefix))
      if (config.TOKEN?.COOKIE !== undefined) tokenFrom.push(cookie(config.TOKEN.COOKIE))
    } catch (error) {
      collect(problems, error, () => name('TOKEN', 'HEADER', 'NAME'))
    }
  }

  let services: ServicePrincipals | undefined
  const servicesSection = config.SERVICES
  if (servicesSection !== undefined && !failed.has('SERVICES')) {
    const rawServices = raw.SERVICES as Record<string, unknown>
    let serviceSource: ServiceSource | undefined
    if (servicesSection.SOURCE === 'static') {
      if (rawServices.SECRETS_MANAGER !== undefined)
        problems.add(
          name('SERVICES', 'SECRETS_MANAGER'),
          'names are set, but SERVICES__SOURCE is static',
        )
      if (rawServices.STATIC === undefined)
        problems.add(
          name('SERVICES', 'STATIC', '<KEY>', 'TOKEN_HASH'),
          'is required: at least one service when SERVICES__SOURCE is static',
        )
      try {
        serviceSource = envSource({ prefix: name('SERVICES', 'STATIC', ''), env })
      } catch (error) {
        collect(problems, error, (option) => option)
      }
    } else {
      if (rawServices.STATIC !== undefined)
        problems.add(
          name('SERVICES', 'STATIC'),
          'names are set, but SERVICES__SOURCE is secrets-manager',
        )
      const sm = servicesSection.SECRETS_MANAGER
      const fields: Record<string, string> = {
        prefix: name('SERVICES', 'SECRETS_MANAGER', 'PREFIX'),
        region: name('SERVICES', 'SECRETS_MANAGER', 'REGION'),
        profile: name('SERVICES', 'SECRETS_MANAGER', 'PROFILE'),
      }
      try {
        const seconds = (value: number | undefined) =>
          value === undefined ? undefined : value * 1000
        const ttlMs = seconds(sm?.TTL_SECONDS)
        const negativeTtlMs = seconds(sm?.NEGATIVE_TTL_SECONDS)
        const refreshAfterMs = seconds(sm?.REFRESH_AFTER_SECONDS)
        serviceSource = secretsManagerSource({
          ...(sm?.PREFIX === undefined ? {} : { prefix: sm.PREFIX }),
          ...(options.secretsManagerClient === undefined
            ? {
                ...(sm?.REGION === undefined ? {} : { region: sm.REGION }),
                ...(sm?.PROFILE === undefined ? {} : { profile: sm.PROFILE }),
              }
            : { client: options.secretsManagerClient }),
          ...(ttlMs === undefined ? {} : { ttlMs }),
          ...(negativeTtlMs === undefined ? {} : { negativeTtlMs }),
          ...(refreshAfterMs === undefined ? {} : { refreshAfterMs }),
        })
      } catch (error) {
        collect(problems, error, (option) => fields[option] ?? name('SERVICES', 'SECRETS_MANAGER'))
      }
    }
    if (serviceSource !== undefined) {
      const fields: Record<string, string> = {
        idHeader: name('SERVICES', 'ID_HEADER'),
        tokenHeader: name('SERVICES', 'TOKEN_HEADER'),
      }
      try {
        services = servicePrincipals({
          idHeader: servicesSection.ID_HEADER,
          tokenHeader: servicesSection.TOKEN_HEADER,
          source: serviceSource,
          ...(options.onServiceEvent === undefined ? {} : { onEvent: options.onServiceEvent }),
        })
      } catch (error) {
        collect(problems, error, (option) => fields[option] ?? name('SERVICES'))
      }
    }
  }

  problems.throwIfAny()
  if (source === undefined) throw new ConfigError(name('PROVIDER'), 'is required')
  return Object.freeze({
    source,
    options: Object.freeze({
      tokenFrom: Object.freeze(tokenFrom),
      ...(config.REALM === undefined ? {} : { realm: config.REALM }),
      ...(services === undefined ? {} : { services }),
    }),
    ...(userId === undefined ? {} : { userId }),
    ...(login === undefined ? {} : { login: Object.freeze(login) }),
  })
}
