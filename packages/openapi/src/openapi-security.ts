import { ConfigError } from '@cloudauth/core'
import type { RouteSecurity, SecurityRequirement } from './route-security.js'

/** Options of {@link openApiSecurity}. */
export interface OpenApiSecurityOptions {
  /**
   * Where users log in (`cloudauthFromEnv().login`, or the Cognito Hosted UI / Auth0 endpoints):
   * users are then an OAuth2 authorization-code scheme. Without it, a bearer JWT scheme.
   */
  readonly login?: {
    readonly authorizationUrl: string
    readonly tokenUrl: string
    readonly refreshUrl?: string
    /** Descriptions of scopes; scopes the routes use are listed anyway. */
    readonly scopes?: Readonly<Record<string, string>>
  }
  /** The service principals (`servicePrincipals()`): their two headers become apiKey schemes. */
  readonly services?: {
    readonly schemes: readonly { readonly name: string; readonly header: string }[]
  }
  /** The name of the users' scheme. Default `'user'`. */
  readonly userScheme?: string
}

/** An OpenAPI 3.1 Security Scheme Object (§4.8.27), as this package makes them. */
export type SecurityScheme =
  | {
      readonly type: 'http'
      readonly scheme: 'bearer'
      readonly bearerFormat: 'JWT'
      readonly description: string
    }
  | {
      readonly type: 'apiKey'
      readonly in: 'header'
      readonly name: string
      readonly description: string
    }
  | {
      readonly type: 'oauth2'
      readonly description: string
      readonly flows: {
        readonly authorizationCode: {
          readonly authorizationUrl: string
          readonly tokenUrl: string
          readonly refreshUrl?: string
          readonly scopes: Record<string, string>
        }
      }
    }

/** Security schemes and per-operation requirements for one app; made by {@link openApiSecurity}. */
export interface OpenApiSecurity {
  /**
   * `components.securitySchemes`. The OAuth2 scheme's `scopes` is a live object: it gains each
   * scope a route requires as {@link OpenApiSecurity.requirements} sees it, so registering the
   * schemes before or after the routes gives the same document.
   */
  readonly securitySchemes: Readonly<Record<string, SecurityScheme>>
  /**
   * The `security` of an operation whose middleware carry these requirements (all must pass), or
   * `undefined` when none requires a credential.
   */
  requirements(steps: readonly RouteSecurity[]): SecurityRequirement[] | undefined
}

const KINDS = ['user', 'service', 'anonymous'] as const

function cartesian(lists: readonly (readonly string[])[]): string[][] {
  return lists.reduce<string[][]>(
    (acc, list) => acc.flatMap((prefix) => list.map((value) => [...prefix, value])),
    [[]],
  )
}

/**
 * OpenAPI 3.1 security for cloudauth routes, framework-neutral: users as an OAuth2
 * authorization-code scheme pointing at the provider's login (Swagger UI's Authorize button runs
 * it with PKCE, RFC 7636, when `usePkceWithAuthorizationCodeGrant` is on) or, without a login, as
 * an HTTP bearer JWT scheme (RFC 6750); service principals as two `apiKey` header schemes that an
 * operation requires together. An operation's `security` lists the alternatives (OpenAPI §4.8.30:
 * one of the objects must be satisfied, every scheme within one): the user with the scopes of its
 * `scope()` steps (one object per choice of an `'any'` list), the service, and `{}` when the
 * credential is optional.
 *
 * @example
 * ```ts
 * const api = openApiSecurity({ login: cloudauthFromEnv().login, services })
 * api.requirements([{ credentials: 'principal', kinds: ['user', 'service'], scopes: { values: ['read'], mode: 'all' } }])
 * // [{ user: ['read'] }, { serviceId: [], serviceToken: [] }]
 * ```
 * @throws ConfigError for a login URL that is not absolute, or a services object without schemes
 */
export function openApiSecurity(options: OpenApiSecurityOptions = {}): OpenApiSecurity {
  const userScheme = options.userScheme ?? 'user'
  const schemes: Record<string, SecurityScheme> = {}
  const scopes: Record<string, string> = { ...(options.login?.scopes ?? {}) }
  const login = options.login
  if (login !== undefined) {
    for (const key of ['authorizationUrl', 'tokenUrl'] as const) {
      if (!URL.canParse(login[key]))
        throw new ConfigError(`login.${key}`, 'must be an absolute URL')
    }
    schemes[userScheme] = {
      type: 'oauth2',
      description: 'Sign in: OAuth 2.0 authorization code with PKCE (RFC 7636, S256).',
      flows: {
        authorizationCode: {
          authorizationUrl: login.authorizationUrl,
          tokenUrl: login.tokenUrl,
          ...(login.refreshUrl === undefined ? {} : { refreshUrl: login.refreshUrl }),
          scopes,
        },
      },
    }
  } else {
    schemes[userScheme] = {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'A JWT access or ID token in `Authorization: Bearer` (RFC 6750).',
    }
  }
  const serviceSchemes = options.services?.schemes
  if (options.services !== undefined && !Array.isArray(serviceSchemes))
    throw new ConfigError('services', 'must be service principals (with schemes)')
  for (const { name, header } of serviceSchemes ?? []) {
    schemes[name] = {
      type: 'apiKey',
      in: 'header',
      name: header,
      description: `Service principal: the ${header} header (sent with the other service header).`,
    }
  }
  const serviceRequirement: SecurityRequirement | undefined =
    serviceSchemes === undefined || serviceSchemes.length === 0
      ? undefined
      : Object.fromEntries(serviceSchemes.map(({ name }) => [name, []]))

  return {
    securitySchemes: schemes,
    requirements(steps) {
      const relevant = steps.filter((step) => step.credentials !== 'none')
      if (relevant.length === 0) return undefined
      const kinds = KINDS.filter((kind) => relevant.every((step) => step.kinds.includes(kind)))
      const all = new Set<string>()
      const choices: string[][] = []
      for (const step of relevant) {
        const values = step.scopes?.values ?? []
        if (step.scopes?.mode === 'any' && values.length > 1) choices.push([...values])
        else for (const value of values) all.add(value)
      }
      for (const value of [...all, ...choices.flat()]) scopes[value] ??= ''
      const out: SecurityRequirement[] = []
      if (kinds.includes('user'))
        for (const choice of cartesian(choices))
          out.push({ [userScheme]: [...new Set([...all, ...choice])] })
      if (kinds.includes('service') && serviceRequirement !== undefined)
        out.push(serviceRequirement)
      if (kinds.includes('anonymous')) out.push({})
      return out
    },
  }
}
