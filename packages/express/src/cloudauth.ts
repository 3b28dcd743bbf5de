import {
  ConfigError,
  type AuthError,
  type JwtClaims,
  type MatchMode,
  type Principal,
  type PrincipalKind,
  type User,
  type VerifiedToken,
  type Verifier,
} from '@cloudauth/core'
import {
  createPipeline,
  type ClaimOutput,
  type ClaimSchema,
  type FetchHandler,
  type Pipeline,
  type PipelineOptions,
  type Step,
  type VerifierSource,
} from '@cloudauth/core/binding'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { requestView } from './internal/request-view.js'
import { sendError } from './internal/send-error.js'
import { mountFetch } from './internal/fetch-bridge.js'

declare global {
  // Express types its request through this global namespace; merging is how middleware adds fields.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * The verified token (claims, header, issuer, scopes, groups), set by every cloudauth
       * middleware; `undefined` on routes without one, and after `optional()` without a token.
       * For the provider's claim type, use the middleware's `.get(req)`.
       */
      auth?: VerifiedToken | undefined
      /** The normalised user, set by cloudauth's `user()`. */
      authUser?: User | undefined
      /** Who made the request, set by cloudauth's `principal()`, `any()` and `permission()`. */
      principal?: Principal | undefined
    }
  }
}

/**
 * What {@link cloudauth} accepts: a provider (`cognito()`, ...), a core verifier, or verifier options.
 *
 * @example
 * ```ts
 * const source: CloudAuthSource<Auth0AccessClaims> = auth0({ domain, audience })
 * ```
 */
export type CloudAuthSource<TClaims extends JwtClaims = JwtClaims> = VerifierSource<TClaims>

/**
 * Options of {@link cloudauth}.
 *
 * @example
 * ```ts
 * cloudauth(provider, { tokenFrom: [bearer(), cookie('access_token')], realm: 'orders' })
 * cloudauth(provider, { passErrors: true }) // then app.use(authErrorHandler())
 * ```
 */
export interface CloudAuthOptions<
  TClaims extends JwtClaims = JwtClaims,
  TAttributes extends object = Readonly<Record<string, unknown>>,
> extends PipelineOptions<TClaims, TAttributes> {
  /**
   * Answers an {@link AuthError} your own way instead of the default RFC 6750 response: send a
   * response, or call `next(...)`. Only auth errors come here; an exception from your handlers
   * goes to Express's error handling as usual.
   */
  readonly onError?: (
    error: AuthError,
    req: Request,
    res: Response,
    next: NextFunction,
  ) => void | Promise<void>
  /**
   * Hand auth errors to `next(err)` instead of answering, for apps that route every error through
   * their own error middleware; mount {@link authErrorHandler} to answer them. Default `false`.
   */
  readonly passErrors?: boolean
}

/**
 * An Express middleware that also reads back, typed, what it put on the request. `get` throws
 * when the middleware has not run for this request (a routing mistake, not a client error), and
 * trusts only values this instance produced.
 *
 * @example
 * ```ts
 * const me: AuthMiddleware<{ sub: string }> = auth.claim(z.object({ sub: z.string() }))
 * app.get('/me', me, (req, res) => res.json(me.get(req)))
 * ```
 */
export type AuthMiddleware<T> = RequestHandler & {
  /** What this middleware established for `req`. */
  readonly get: (req: Request) => T
}

/** A Fetch-API route handler a feature exposes: core's `FetchHandler`, re-exported. */
export type { FetchHandler }

/**
 * The middleware factories of one {@link cloudauth} instance.
 *
 * @example
 * ```ts
 * const auth: CloudAuth<CognitoAccessClaims> = cloudauth(cognito({ userPoolId, clientId, tokenUse: 'access' }))
 * app.get('/users', auth.scope(['read:users']), (req, res) => res.json(req.auth?.claims))
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
  /** Requires a valid token; sets `req.auth`. */
  verify(): AuthMiddleware<VerifiedToken<TClaims>>
  /** Requires a valid token holding the scopes (all by default, or any one); sets `req.auth`. */
  scope(scopes: readonly string[], mode?: MatchMode): AuthMiddleware<VerifiedToken<TClaims>>
  /** Requires a valid token in the groups (the provider's group claim); sets `req.auth`. */
  groups(groups: readonly string[], mode?: MatchMode): AuthMiddleware<VerifiedToken<TClaims>>
  /** Requires a valid token whose claims pass a Standard Schema; `.get(req)` returns its output. */
  claim<TSchema extends ClaimSchema>(schema: TSchema): AuthMiddleware<ClaimOutput<TSchema>>
  /** Requires a valid token; sets `req.authUser`, the provider's normalised user. */
  user(): AuthMiddleware<User<TClaims>>
  /** Lets a request without a token through (`req.auth` undefined); a bad token is still rejected. */
  optional(): AuthMiddleware<VerifiedToken<TClaims> | undefined>
  /** Requires a user or a service; sets `req.principal`. */
  principal(): AuthMiddleware<Principal<TClaims, TAttributes>>
  /** Requires a principal of one of the kinds; sets `req.principal`. */
  any(...kinds: readonly PrincipalKind[]): AuthMiddleware<Principal<TClaims, TAttributes>>
  /** Requires a principal holding the permissions (needs the `permissions` option). */
  permission(
    statements: readonly string[],
    mode?: MatchMode,
  ): AuthMiddleware<Principal<TClaims, TAttributes>>
  /** Runs any pipeline step (`auth.pipeline.step(fn)`, a feature's); `.get(req)` returns its value. */
  step<T>(step: Step<T>): AuthMiddleware<T>
  /** Serves a feature's Fetch-API routes; a request it does not answer goes on to `next()`. */
  mount(handler: FetchHandler): RequestHandler
}

// The request as this module reads and writes it. Going through this view rather than the merged
// `Request` keeps the provider's claim type, and leaves a single type error at the declaration
// above, not one per use, in a program that also holds another library's `Request.auth`
// (express-jwt, express-oauth2-jwt-bearer declare it with their own types).
interface Carrier<TClaims extends JwtClaims, TAttributes extends object = object> {
  auth?: VerifiedToken<TClaims> | undefined
  authUser?: User<TClaims> | undefined
  principal?: Principal<TClaims, TAttributes> | undefined
}

// Where a step without a request field (claim(), step()) keeps its value: one symbol per call.
type Slots = Record<symbol, unknown>

type Store<TClaims extends JwtClaims> = (
  carrier: Carrier<TClaims>,
  value: unknown,
  token: VerifiedToken<TClaims> | undefined,
) => void

function notRun(helper: string): Error {
  return new Error(`cloudauth: ${helper} middleware has not run for this request`)
}

/**
 * Express middleware that verifies tokens from AWS Cognito, Auth0, Firebase or any JWKS issuer: an
 * adapter over core's request pipeline (`@cloudauth/core/binding`), which decides everything.
 * Works with Express 5 and 4 (errors are caught inside, so Express 4's lack of promise handling
 * does not matter).
 *
 * One verifier is built here, not per request. Every helper verifies the token itself when nothing
 * earlier in the request did, and never twice, so `app.use('/api', auth.verify())` followed by
 * `auth.scope([...])` and `auth.claim(schema)` on a route costs one verification. By default a
 * failure is answered directly with the status, `WWW-Authenticate` (RFC 6750 §3),
 * `Cache-Control: no-store`, `Retry-After` on 503, and `{ error, error_description }`; see
 * `onError` and `passErrors` for the alternatives. An exception that is not an auth error (a bug)
 * goes to `next(err)`.
 *
 * @example
 * ```ts
 * const auth = cloudauth(auth0({ domain, audience }))
 * app.get('/', auth.scope(['read:users']), (req, res) => res.send(`hello ${req.auth?.claims.sub}`))
 * const me = auth.claim(z.object({ sub: z.string(), email: z.email() }))
 * app.get('/me', me, (req, res) => res.json(me.get(req)))
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
  const { onError, passErrors = false } = options
  if (onError !== undefined && typeof onError !== 'function') {
    throw new ConfigError('onError', 'must be a function')
  }
  if (typeof passErrors !== 'boolean') throw new ConfigError('passErrors', 'must be a boolean')
  if (onError !== undefined && passErrors) {
    throw new ConfigError('passErrors', 'choose onError or passErrors, not both')
  }

  // The middleware is made once per route, not per request.
  function middleware(step: Step<unknown>, store: Store<TClaims>): RequestHandler {
    const handler: RequestHandler = (req, res, next) => {
      const view = requestView(req, res)
      step.run(view).then((result) => {
        if (result.ok) {
          store(req as unknown as Carrier<TClaims>, result.value, pipeline.token(view))
          next()
        } else if (passErrors || res.headersSent) {
          next(result.error)
        } else if (onError === undefined) {
          sendError(res, result.answer)
        } else {
          try {
            const pending = onError(result.error, req, res, next)
            if (pending instanceof Promise) pending.catch(next)
          } catch (thrown) {
            next(thrown)
          }
        }
      }, next)
    }
    // What the step requires, for OpenAPI (`@cloudauth/openapi` reads it from the routes).
    return Object.assign(handler, { security: step.security })
  }

  const setAuth: Store<TClaims> = (carrier, _value, token) => {
    carrier.auth = token
  }
  const setPrincipal: Store<TClaims> = (carrier, value, token) => {
    carrier.principal = value as Principal<TClaims, TAttributes>
    carrier.auth = token
  }

  // `.get(req)` reads back only what this instance produced: a `req.auth`, `req.authUser` or
  // `req.principal` set by another instance, another library or the app is not trusted.
  const trusted = <T>(value: T | undefined, helper: string): T => {
    if (!pipeline.produced(value)) throw notRun(helper)
    return value as T
  }
  const getAuth = (req: Request) => trusted((req as unknown as Carrier<TClaims>).auth, 'verify()')
  const getOptional = (req: Request): VerifiedToken<TClaims> | undefined => {
    const verified = (req as unknown as Carrier<TClaims>).auth
    return pipeline.produced(verified) ? verified : undefined
  }
  const getPrincipal = (req: Request) =>
    trusted((req as unknown as Carrier<TClaims, TAttributes>).principal, 'principal()')

  const withGet = <T>(handler: RequestHandler, get: (req: Request) => T): AuthMiddleware<T> =>
    Object.assign(handler, { get })

  // A step whose value lives in a slot of its own, read back by `.get(req)`.
  function slotted<T>(step: Step<T>, helper: string, alsoAuth: boolean): AuthMiddleware<T> {
    const slot = Symbol(`cloudauth.${helper}`)
    return withGet(
      middleware(step, (carrier, value, token) => {
        if (alsoAuth) carrier.auth = token
        ;(carrier as unknown as Slots)[slot] = value
      }),
      (req): T => {
        if (!(slot in req)) throw notRun(helper)
        return (req as unknown as Slots)[slot] as T
      },
    )
  }

  const verifyOnly = withGet(middleware(pipeline.verify(), setAuth), getAuth)
  const optional = withGet(middleware(pipeline.optional(), setAuth), getOptional)
  const user = withGet(
    middleware(pipeline.user(), (carrier, value, token) => {
      carrier.auth = token
      carrier.authUser = value as User<TClaims>
    }),
    (req) => trusted((req as unknown as Carrier<TClaims>).authUser, 'user()'),
  )

  return Object.freeze({
    verifier: pipeline.verifier,
    pipeline,
    verify: () => verifyOnly,
    scope: (scopes: readonly string[], mode: MatchMode = 'all') =>
      withGet(middleware(pipeline.scope(scopes, mode), setAuth), getAuth),
    groups: (groups: readonly string[], mode: MatchMode = 'all') =>
      withGet(middleware(pipeline.groups(groups, mode), setAuth), getAuth),
    claim: <TSchema extends ClaimSchema>(schema: TSchema) =>
      slotted(pipeline.claim(schema), 'claim()', true),
    user: () => user,
    optional: () => optional,
    principal: () => withGet(middleware(pipeline.principal(), setPrincipal), getPrincipal),
    any: (...kinds: readonly PrincipalKind[]) =>
      withGet(middleware(pipeline.any(...kinds), setPrincipal), getPrincipal),
    permission: (statements: readonly string[], mode: MatchMode = 'all') =>
      withGet(middleware(pipeline.permission(statements, mode), setPrincipal), getPrincipal),
    step: <T>(step: Step<T>) => slotted(step, 'step()', false),
    mount(handler: FetchHandler): RequestHandler {
      if (typeof handler !== 'function')
        throw new ConfigError('mount(handler)', 'must be a function')
      return mountFetch(handler)
    },
  })
}
