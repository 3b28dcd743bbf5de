import {
  AuthError,
  ConfigError,
  extractToken,
  isAuthError,
  parseClaims,
  resolveRealm,
  resolveRequired,
  resolveSources,
  resolveVerifier,
  requireGroups,
  requireScopes,
  type JwtClaims,
  type MatchMode,
  type TokenSource,
  type User,
  type VerifiedToken,
  type Verifier,
  type VerifierSource,
} from '@cloudauth/core'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { ClaimOutput, ClaimSchema } from './claim-schema.js'
import { sendError } from './internal/send-error.js'

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
export interface CloudAuthOptions {
  /** Where to look for the token, in order (RFC 6750 §2). Default `[bearer()]`. */
  readonly tokenFrom?: readonly TokenSource[]
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
  /** The protection space named in `WWW-Authenticate` (RFC 6750 §3). Default `'api'`. */
  readonly realm?: string
}

/**
 * An Express middleware that also reads back, typed, what it put on the request. `get` throws
 * when the middleware has not run for this request (a routing mistake, not a client error).
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

/**
 * The middleware factories of one {@link cloudauth} instance.
 *
 * @example
 * ```ts
 * const auth: CloudAuth<CognitoAccessClaims> = cloudauth(cognito({ userPoolId, clientId, tokenUse: 'access' }))
 * app.get('/users', auth.scope(['read:users']), (req, res) => res.json(req.auth?.claims))
 * ```
 */
export interface CloudAuth<TClaims extends JwtClaims = JwtClaims> {
  /** The verifier every helper of this instance shares (one JWKS cache, one token cache). */
  readonly verifier: Verifier<TClaims>
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
}

type Check<TClaims extends JwtClaims> = (
  verified: VerifiedToken<TClaims>,
  req: Request,
) => void | Promise<void>

// The request as this module reads and writes it. Going through this view rather than the merged
// `Request` keeps the provider's claim type, and leaves a single type error at the declaration
// above, not one per use, in a program that also holds another library's `Request.auth`
// (express-jwt, express-oauth2-jwt-bearer declare it with their own types).
interface Carrier<TClaims extends JwtClaims> {
  auth?: VerifiedToken<TClaims> | undefined
  authUser?: User<TClaims> | undefined
}

// Where claim() keeps its output: one symbol per claim() call, so two schemas on a route do not clash.
type ClaimSlots = Record<symbol, unknown>

function notRun(helper: string): Error {
  return new Error(`cloudauth: ${helper} middleware has not run for this request`)
}

/**
 * Express middleware that verifies tokens from AWS Cognito, Auth0, Firebase or any JWKS issuer.
 * Works with Express 5 and 4 (errors are caught inside, so Express 4's lack of promise handling
 * does not matter).
 *
 * One verifier is built here, not per request. Every helper verifies the token itself when nothing
 * earlier in the request did, and never twice: the result is kept on `req.auth`, so
 * `app.use('/api', auth.verify())` followed by `auth.scope([...])` and `auth.claim(schema)` on a
 * route costs one verification. By default a failure is answered directly with the status,
 * `WWW-Authenticate` (RFC 6750 §3), `Cache-Control: no-store`, `Retry-After` on 503, and
 * `{ error, error_description }`; see `onError` and `passErrors` for the alternatives.
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
export function cloudauth<TClaims extends JwtClaims = JwtClaims>(
  source: CloudAuthSource<TClaims>,
  options: CloudAuthOptions = {},
): CloudAuth<TClaims> {
  const verifier = resolveVerifier(source)
  const sources = resolveSources(options.tokenFrom)
  const responseOptions = { realm: resolveRealm(options.realm) }
  const { onError, passErrors = false } = options
  if (onError !== undefined && typeof onError !== 'function') {
    throw new ConfigError('onError', 'must be a function')
  }
  if (typeof passErrors !== 'boolean') throw new ConfigError('passErrors', 'must be a boolean')
  if (onError !== undefined && passErrors) {
    throw new ConfigError('passErrors', 'choose onError or passErrors, not both')
  }

  function fail(error: unknown, req: Request, res: Response, next: NextFunction): void {
    // Not an auth failure (a bug in a custom token source or hook): Express's error handling owns it.
    if (!isAuthError(error) || passErrors || res.headersSent) {
      next(error)
      return
    }
    if (onError === undefined) {
      sendError(res, error, responseOptions)
      return
    }
    try {
      const pending = onError(error, req, res, next)
      if (pending instanceof Promise) pending.catch(next)
    } catch (thrown) {
      next(thrown)
    }
  }

  // Results this instance verified. `req.auth` is trusted only when it is one of them: one set by
  // another cloudauth instance (another issuer or audience), by another library (express-jwt and
  // express-oauth2-jwt-bearer use the same name) or by the app was never checked by this verifier.
  const verifiedHere = new WeakSet<object>()

  // The check closure is made once per route, not per request: the request path allocates none.
  function guard(check: Check<TClaims> | undefined): RequestHandler {
    return async (req, res, next) => {
      const carrier = req as unknown as Carrier<TClaims>
      let verified = carrier.auth
      try {
        if (verified === undefined || !verifiedHere.has(verified)) {
          verified = await verifier.verify(extractToken(req, sources))
          verifiedHere.add(verified)
          carrier.auth = verified
        }
        if (check !== undefined) {
          const pending = check(verified, req)
          if (pending !== undefined) await pending
        }
      } catch (error) {
        fail(error, req, res, next)
        return
      }
      next()
    }
  }

  const optional: RequestHandler = async (req, res, next) => {
    const carrier = req as unknown as Carrier<TClaims>
    const memo = carrier.auth
    if (memo === undefined || !verifiedHere.has(memo)) {
      try {
        const verified = await verifier.verify(extractToken(req, sources))
        verifiedHere.add(verified)
        carrier.auth = verified
      } catch (error) {
        // No token at all is the anonymous case; a malformed header or a bad token is not.
        if (!(isAuthError(error) && error.code === 'missing_token')) {
          fail(error, req, res, next)
          return
        }
        if (memo !== undefined) carrier.auth = undefined
      }
    }
    next()
  }

  const getAuth = (req: Request): VerifiedToken<TClaims> => {
    const verified = (req as unknown as Carrier<TClaims>).auth
    if (verified === undefined || !verifiedHere.has(verified)) throw notRun('verify()')
    return verified
  }
  const getOptional = (req: Request): VerifiedToken<TClaims> | undefined => {
    const verified = (req as unknown as Carrier<TClaims>).auth
    return verified !== undefined && verifiedHere.has(verified) ? verified : undefined
  }
  const getUser = (req: Request): User<TClaims> => {
    const user = (req as unknown as Carrier<TClaims>).authUser
    if (user === undefined) throw notRun('user()')
    return user
  }

  const withGet = <T>(middleware: RequestHandler, get: (req: Request) => T): AuthMiddleware<T> =>
    Object.assign(middleware, { get })

  const setUser: Check<TClaims> = (verified, req) => {
    try {
      ;(req as unknown as Carrier<TClaims>).authUser = verifier.user(verified)
    } catch (error) {
      throw asClaimsError(error, 'the token claims do not map to a user')
    }
  }

  return Object.freeze({
    verifier,
    verify: () => withGet(guard(undefined), getAuth),
    scope(scopes: readonly string[], mode: MatchMode = 'all') {
      const required = resolveRequired('scope(scopes)', scopes, mode)
      return withGet(
        guard((verified) => requireScopes(verified, required, mode)),
        getAuth,
      )
    },
    groups(groups: readonly string[], mode: MatchMode = 'all') {
      const required = resolveRequired('groups(groups)', groups, mode)
      return withGet(
        guard((verified) => requireGroups(verified, required, mode)),
        getAuth,
      )
    },
    claim<TSchema extends ClaimSchema>(schema: TSchema) {
      if (typeof (schema as Partial<ClaimSchema> | null)?.['~standard']?.validate !== 'function') {
        throw new ConfigError(
          'claim(schema)',
          'must be a Standard Schema (zod 4, valibot, arktype)',
        )
      }
      const slot = Symbol('cloudauth.claims')
      return withGet(
        guard(async (verified, req) => {
          try {
            ;(req as unknown as ClaimSlots)[slot] = await parseClaims(verified, schema)
          } catch (error) {
            throw asClaimsError(error, 'the token claims could not be validated')
          }
        }),
        (req): ClaimOutput<TSchema> => {
          if (!(slot in req)) throw notRun('claim()')
          return (req as unknown as ClaimSlots)[slot] as ClaimOutput<TSchema>
        },
      )
    },
    user: () => withGet(guard(setUser), getUser),
    optional: () => withGet(optional, getOptional),
  })
}

// A schema or user mapping that throws on odd claims rejects the token (401); it must not become a 500.
function asClaimsError(error: unknown, description: string): AuthError {
  if (isAuthError(error)) return error
  return new AuthError('invalid_claims', description, { cause: error })
}
