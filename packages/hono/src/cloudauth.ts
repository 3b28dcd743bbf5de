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
  toErrorResponse,
  type JwtClaims,
  type MatchMode,
  type TokenSource,
  type User,
  type VerifiedToken,
  type Verifier,
  type VerifierSource,
} from '@cloudauth/core'
import type { Context, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type {
  AuthVariables,
  ClaimsVariables,
  OptionalAuthVariables,
  UserVariables,
} from './auth-variables.js'
import type { ClaimOutput, ClaimSchema } from './claim-schema.js'
import { tokenRequest } from './internal/token-request.js'

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
export interface CloudAuthOptions {
  /** Where to look for the token, in order (RFC 6750 §2). Default `[bearer()]`. */
  readonly tokenFrom?: readonly TokenSource[]
  /**
   * Answers an {@link AuthError} your own way instead of the default RFC 6750 response. Only auth
   * errors come here; an exception from your handlers goes to `app.onError` as usual.
   */
  readonly onError?: (error: AuthError, c: Context) => Response | Promise<Response>
  /** The protection space named in `WWW-Authenticate` (RFC 6750 §3). Default `'api'`. */
  readonly realm?: string
}

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
export interface CloudAuth<TClaims extends JwtClaims = JwtClaims> {
  /** The verifier every helper of this instance shares (one JWKS cache, one token cache). */
  readonly verifier: Verifier<TClaims>
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
}

// The variables as the implementation sees them: each may be unset until a helper sets it.
type Internal<TClaims extends JwtClaims> = {
  Variables: {
    auth: VerifiedToken<TClaims> | undefined
    claims: unknown
    user: User<TClaims> | undefined
  }
}

type Check<TClaims extends JwtClaims> = (
  verified: VerifiedToken<TClaims>,
  c: Context<Internal<TClaims>>,
) => void | Promise<void>

/**
 * Hono middleware that verifies tokens from AWS Cognito, Auth0, Firebase or any JWKS issuer.
 *
 * One verifier is built here, not per request. Every helper verifies the token itself when nothing
 * earlier in the request did, and never twice: the result is kept on the context as `auth`, so
 * `app.use('/api/*', auth.verify())` followed by `auth.scope([...])` and `auth.claim(schema)` on a
 * route costs one verification. Failures answer with the status, `WWW-Authenticate` (RFC 6750 §3),
 * `Cache-Control: no-store`, `Retry-After` on 503, and `{ error, error_description }`.
 * The binding uses only web APIs, so it runs wherever Hono runs.
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
export function cloudauth<TClaims extends JwtClaims = JwtClaims>(
  source: CloudAuthSource<TClaims>,
  options: CloudAuthOptions = {},
): CloudAuth<TClaims> {
  const verifier = resolveVerifier(source)
  const sources = resolveSources(options.tokenFrom)
  const responseOptions = { realm: resolveRealm(options.realm) }
  const onError = options.onError
  if (onError !== undefined && typeof onError !== 'function') {
    throw new ConfigError('onError', 'must be a function')
  }

  function reject(error: unknown, c: Context): Response | Promise<Response> {
    // Not an auth failure: a bug in a custom token source or hook. Hono's onError owns it.
    if (!isAuthError(error)) throw error
    if (onError !== undefined) return onError(error, c)
    const { status, headers, body } = toErrorResponse(error, responseOptions)
    return c.body(JSON.stringify(body), status as ContentfulStatusCode, headers)
  }

  // Results this instance verified. The memo on the context is trusted only when it is one of
  // them: an `auth` set by another cloudauth instance (another issuer or audience), by another
  // library or by the app was never checked against this verifier's configuration.
  const verifiedHere = new WeakSet<VerifiedToken<TClaims>>()

  // The check closure is made once per route, not per request: the request path allocates none.
  function guard(check: Check<TClaims> | undefined): MiddlewareHandler<Internal<TClaims>> {
    return async (c, next) => {
      let verified = c.get('auth')
      try {
        if (verified === undefined || !verifiedHere.has(verified)) {
          verified = await verifier.verify(extractToken(tokenRequest(c), sources))
          verifiedHere.add(verified)
          c.set('auth', verified)
        }
        if (check !== undefined) {
          const pending = check(verified, c)
          if (pending !== undefined) await pending
        }
      } catch (error) {
        return reject(error, c)
      }
      await next()
      return undefined
    }
  }

  const verifyOnly = guard(undefined)

  const optional: MiddlewareHandler<Internal<TClaims>> = async (c, next) => {
    const memo = c.get('auth')
    if (memo === undefined || !verifiedHere.has(memo)) {
      try {
        const verified = await verifier.verify(extractToken(tokenRequest(c), sources))
        verifiedHere.add(verified)
        c.set('auth', verified)
      } catch (error) {
        // No token at all is the anonymous case; a malformed header or a bad token is not.
        if (!(isAuthError(error) && error.code === 'missing_token')) return reject(error, c)
        if (memo !== undefined) c.set('auth', undefined)
      }
    }
    await next()
    return undefined
  }

  const setUser = guard((verified, c) => {
    try {
      c.set('user', verifier.user(verified))
    } catch (error) {
      throw asClaimsError(error, 'the token claims do not map to a user')
    }
  })

  // Each helper hands back a middleware typed for the variables it guarantees.
  const typed = <TEnv extends { Variables: object }>(
    middleware: MiddlewareHandler<Internal<TClaims>>,
  ) => middleware as unknown as MiddlewareHandler<TEnv>

  return Object.freeze({
    verifier,
    verify: () => typed<{ Variables: AuthVariables<TClaims> }>(verifyOnly),
    scope(scopes: readonly string[], mode: MatchMode = 'all') {
      const required = resolveRequired('scope(scopes)', scopes, mode)
      return typed<{ Variables: AuthVariables<TClaims> }>(
        guard((verified) => requireScopes(verified, required, mode)),
      )
    },
    groups(groups: readonly string[], mode: MatchMode = 'all') {
      const required = resolveRequired('groups(groups)', groups, mode)
      return typed<{ Variables: AuthVariables<TClaims> }>(
        guard((verified) => requireGroups(verified, required, mode)),
      )
    },
    claim<TSchema extends ClaimSchema>(schema: TSchema) {
      if (typeof (schema as Partial<ClaimSchema> | null)?.['~standard']?.validate !== 'function') {
        throw new ConfigError(
          'claim(schema)',
          'must be a Standard Schema (zod 4, valibot, arktype)',
        )
      }
      return typed<{ Variables: ClaimsVariables<ClaimOutput<TSchema>, TClaims> }>(
        guard(async (verified, c) => {
          try {
            c.set('claims', await parseClaims(verified, schema))
          } catch (error) {
            throw asClaimsError(error, 'the token claims could not be validated')
          }
        }),
      )
    },
    user: () => typed<{ Variables: UserVariables<TClaims> }>(setUser),
    optional: () => typed<{ Variables: OptionalAuthVariables<TClaims> }>(optional),
  })
}

// A schema or user mapping that throws on odd claims rejects the token (401); it must not become a 500.
function asClaimsError(error: unknown, description: string): AuthError {
  if (isAuthError(error)) return error
  return new AuthError('invalid_claims', description, { cause: error })
}
