import type {
  AuthError,
  JwtClaims,
  MatchMode,
  PrincipalKind,
  VerifiedToken,
  Verifier,
} from '@cloudauth/core'
import {
  createPipeline,
  type ClaimOutput,
  type ClaimSchema,
  type FetchHandler,
  type ErrorAnswer,
  type Pipeline,
  type PipelineOptions,
  type Step,
  type VerifierSource,
} from '@cloudauth/core/binding'
import { ConfigError } from '@cloudauth/core'
import type { Context, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type {
  AuthVariables,
  ClaimsVariables,
  OptionalAuthVariables,
  PrincipalVariables,
  UserVariables,
} from './auth-variables.js'
import { requestView } from './internal/request-view.js'

/**
 * What {@link cloudauth} accepts: a provider (`cognito()`, ...), a core verifier, or verifier options.
 *
 * @example
 * ```ts
 * const source: CloudAuthSource<CognitoAccessClaims> = cognito({ userPoolId, clientId, tokenUse: 'access' })
 * ```
 */
export type CloudAuthSource<TClaims extends JwtClaims = JwtClaims> = VerifierSource<TClaims>

/**
 * Options of {@link cloudauth}.
 *
 * @example
 * ```ts
 * cloudauth(provider, { tokenFrom: [bearer(), cookie('access_token')], realm: 'orders' })
 * ```
 */
export interface CloudAuthOptions<
  TClaims extends JwtClaims = JwtClaims,
  TAttributes extends object = Readonly<Record<string, unknown>>,
> extends PipelineOptions<TClaims, TAttributes> {
  /**
   * Answers an {@link AuthError} your own way instead of the default RFC 6750 response. Only auth
   * errors come here; an exception from your handlers goes to `app.onError` as usual.
   */
  readonly onError?: (error: AuthError, c: Context) => Response | Promise<Response>
}

/** A Fetch-API route handler a feature exposes: core's `FetchHandler`, re-exported. */
export type { FetchHandler }

/**
 * The middleware factories of one {@link cloudauth} instance. Each call returns a middleware
 * typed for the variables it sets; see {@link AuthVariables}.
 *
 * @example
 * ```ts
 * const auth: CloudAuth<Auth0AccessClaims> = cloudauth(auth0({ domain, audience }))
 * app.get('/users', auth.scope(['read:users']), (c) => c.json(c.get('auth').claims))
 * ```
 */
export interface CloudAuth<
  TClaims extends JwtClaims = JwtClaims,
  TAttributes extends object = Readonly<Record<string, unknown>>,
> {
  /** The verifier every helper of this instance shares (one JWKS cache, one token cache). */
  readonly verifier: Verifier<TClaims>
  /** The framework-neutral pipeline under the helpers, for custom steps (`pipeline.step(fn)`). */
  readonly pipeline: Pipeline<TClaims, TAttributes>
  /** Requires a valid token; sets `auth`. */
  verify(): MiddlewareHandler<{ Variables: AuthVariables<TClaims> }>
  /** Requires a valid token holding the scopes (all by default, or any one); sets `auth`. */
  scope(
    scopes: readonly string[],
    mode?: MatchMode,
  ): MiddlewareHandler<{ Variables: AuthVariables<TClaims> }>
  /** Requires a valid token in the groups (the provider's group claim); sets `auth`. */
  groups(
    groups: readonly string[],
    mode?: MatchMode,
  ): MiddlewareHandler<{ Variables: AuthVariables<TClaims> }>
  /** Requires a valid token whose claims pass a Standard Schema; sets `auth` and `claims`. */
  claim<TSchema extends ClaimSchema>(
    schema: TSchema,
  ): MiddlewareHandler<{ Variables: ClaimsVariables<ClaimOutput<TSchema>, TClaims> }>
  /** Requires a valid token; sets `auth` and `user`, the provider's normalised user. */
  user(): MiddlewareHandler<{ Variables: UserVariables<TClaims> }>
  /** Lets a request without a token through (`auth` undefined); a bad token is still rejected. */
  optional(): MiddlewareHandler<{ Variables: OptionalAuthVariables<TClaims> }>
  /** Requires a user or a service; sets `principal`. */
  principal(): MiddlewareHandler<{ Variables: PrincipalVariables<TClaims, TAttributes> }>
  /** Requires a principal of one of the kinds; sets `principal`. */
  any(
    ...kinds: readonly PrincipalKind[]
  ): MiddlewareHandler<{ Variables: PrincipalVariables<TClaims, TAttributes> }>
  /** Requires a principal holding the permissions (needs the `permissions` option); sets `principal`. */
  permission(
    statements: readonly string[],
    mode?: MatchMode,
  ): MiddlewareHandler<{ Variables: PrincipalVariables<TClaims, TAttributes> }>
  /** Runs any pipeline step (`auth.pipeline.step(fn)`, a feature's), setting its value as `variable`. */
  step<T, TName extends string>(
    step: Step<T>,
    variable: TName,
  ): MiddlewareHandler<{ Variables: { [K in TName]: T } }>
  /** Serves a feature's Fetch-API routes; a request it does not answer goes on to the next handler. */
  mount(handler: FetchHandler): MiddlewareHandler
}

// The variables as the implementation sees them: each may be unset until a helper sets it.
type Vars = Record<string, unknown>
type Internal = { Variables: Vars }
type Store = (c: Context<Internal>, value: unknown, token: VerifiedToken | undefined) => void

const setAuth: Store = (c, _value, token) => c.set('auth', token)

/**
 * Hono middleware that verifies tokens from AWS Cognito, Auth0, Firebase or any JWKS issuer: an
 * adapter over core's request pipeline (`@cloudauth/core/binding`), which decides everything.
 *
 * One verifier is built here, not per request. Every helper verifies the token itself when nothing
 * earlier in the request did, and never twice, so `app.use('/api/*', auth.verify())` followed by
 * `auth.scope([...])` and `auth.claim(schema)` on a route costs one verification. Failures answer
 * with the status, `WWW-Authenticate` (RFC 6750 §3), `Cache-Control: no-store`, `Retry-After` on
 * 503, and `{ error, error_description }`. An exception that is not an auth error (a bug) goes to
 * `app.onError`. The binding uses only web APIs, so it runs wherever Hono runs.
 *
 * @example
 * ```ts
 * const auth = cloudauth(cognito({ region, userPoolId, clientId, tokenUse: 'access' }))
 * const app = new Hono()
 * app.get('/', auth.scope(['read:users']), (c) => c.text(`hello ${c.get('auth').claims.sub}`))
 * app.get('/me', auth.claim(z.object({ sub: z.string(), email: z.email() })), (c) =>
 *   c.json(c.get('claims')),
 * )
 * ```
 * @throws ConfigError when the source or an option is invalid (at construction, never per request)
 * @returns helpers whose middleware answer `missing_token` (401), `invalid_request` (400), every
 *   token defect (401 `invalid_token`: `malformed_token`, `invalid_signature`, `token_expired`,
 *   `invalid_audience`, `invalid_claims`, ...), `insufficient_scope` (403) and `jwks_unavailable` (503)
 */
export function cloudauth<
  TClaims extends JwtClaims = JwtClaims,
  TAttributes extends object = Readonly<Record<string, unknown>>,
>(
  source: CloudAuthSource<TClaims>,
  options: CloudAuthOptions<TClaims, TAttributes> = {},
): CloudAuth<TClaims, TAttributes> {
  const pipeline = createPipeline(source, options)
  const { onError } = options
  if (onError !== undefined && typeof onError !== 'function') {
    throw new ConfigError('onError', 'must be a function')
  }

  function send(c: Context, { status, headers, body }: ErrorAnswer): Response {
    try {
      return c.body(body, status as ContentfulStatusCode, headers)
    } catch {
      // Core's answers hold only valid header values; should one ever not, the refusal still goes
      // out (without the challenge) rather than an exception from inside the error path.
      return new Response(body, { status, headers: { 'cache-control': 'no-store' } })
    }
  }

  // The middleware is made once per route, not per request.
  function middleware(step: Step<unknown>, store: Store): MiddlewareHandler<Internal> {
    const handler: MiddlewareHandler<Internal> = async (c, next) => {
      const view = requestView(c)
      const result = await step.run(view)
      if (!result.ok)
        return onError === undefined ? send(c, result.answer) : onError(result.error, c)
      store(c, result.value, pipeline.token(view))
      await next()
      return undefined
    }
    // What the step requires, for OpenAPI (`@cloudauth/openapi` reads it from the routes).
    return Object.assign(handler, { security: step.security })
  }

  const setPrincipal: Store = (c, value, token) => {
    c.set('principal', value)
    c.set('auth', token)
  }
  const verifyOnly = middleware(pipeline.verify(), setAuth)
  const optional = middleware(pipeline.optional(), setAuth)
  const setUser = middleware(pipeline.user(), (c, value, token) => {
    c.set('auth', token)
    c.set('user', value)
  })
  const principal = middleware(pipeline.principal(), setPrincipal)

  // Each helper hands back a middleware typed for the variables it guarantees.
  const typed = <TEnv extends { Variables: object }>(handler: MiddlewareHandler<Internal>) =>
    handler as unknown as MiddlewareHandler<TEnv>

  type Auth = { Variables: AuthVariables<TClaims> }
  type Principals = { Variables: PrincipalVariables<TClaims, TAttributes> }
  return Object.freeze({
    verifier: pipeline.verifier,
    pipeline,
    verify: () => typed<Auth>(verifyOnly),
    scope: (scopes: readonly string[], mode: MatchMode = 'all') =>
      typed<Auth>(middleware(pipeline.scope(scopes, mode), setAuth)),
    groups: (groups: readonly string[], mode: MatchMode = 'all') =>
      typed<Auth>(middleware(pipeline.groups(groups, mode), setAuth)),
    claim: <TSchema extends ClaimSchema>(schema: TSchema) =>
      typed<{ Variables: ClaimsVariables<ClaimOutput<TSchema>, TClaims> }>(
        middleware(pipeline.claim(schema), (c, value, token) => {
          c.set('auth', token)
          c.set('claims', value)
        }),
      ),
    user: () => typed<{ Variables: UserVariables<TClaims> }>(setUser),
    optional: () => typed<{ Variables: OptionalAuthVariables<TClaims> }>(optional),
    principal: () => typed<Principals>(principal),
    any: (...kinds: readonly PrincipalKind[]) =>
      typed<Principals>(middleware(pipeline.any(...kinds), setPrincipal)),
    permission: (statements: readonly string[], mode: MatchMode = 'all') =>
      typed<Principals>(middleware(pipeline.permission(statements, mode), setPrincipal)),
    step: <T, TName extends string>(step: Step<T>, variable: TName) =>
      typed<{ Variables: { [K in TName]: T } }>(
        middleware(step, (c, value) => c.set(variable, value)),
      ),
    mount(handler: FetchHandler): MiddlewareHandler {
      if (typeof handler !== 'function')
        throw new ConfigError('mount(handler)', 'must be a function')
      return async (c, next) => {
        const response = await handler(c.req.raw)
        if (response !== undefined) return response
        await next()
        return undefined
      }
    },
  })
}
