import type { JwtClaims, Principal, User, VerifiedToken } from '@cloudauth/core'

/**
 * The context variables a verifying middleware (`verify()`, `scope()`, `groups()`) sets, typed
 * through Hono's generics as Hono's own `JwtVariables` are: a route that uses the middleware sees
 * `c.get('auth')` typed, a route that does not gets a type error. No global `ContextVariableMap`
 * augmentation, so two `cloudauth()` instances with different claim types do not collide.
 *
 * `auth` is the whole {@link VerifiedToken}: the raw claims, the JOSE header, the issuer, scopes
 * and groups (fastapi-cloudauth's `claim(None)`).
 *
 * @example
 * ```ts
 * const app = new Hono<{ Variables: AuthVariables<CognitoClaims> }>()
 * app.use('/api/*', auth.verify())
 * app.get('/api/raw', (c) => c.json(c.get('auth').claims))
 * ```
 */
export type AuthVariables<TClaims extends JwtClaims = JwtClaims> = {
  auth: VerifiedToken<TClaims>
}

/**
 * The variables `optional()` sets: `auth` is `undefined` when the request carried no token.
 *
 * @example
 * ```ts
 * app.get('/maybe', auth.optional(), (c) => c.text(c.get('auth')?.claims.sub ?? 'anonymous'))
 * ```
 */
export type OptionalAuthVariables<TClaims extends JwtClaims = JwtClaims> = {
  auth: VerifiedToken<TClaims> | undefined
}

/**
 * The variables `claim(schema)` sets: `claims` is the schema's output, typed.
 *
 * @example
 * ```ts
 * app.get('/me', auth.claim(z.object({ sub: z.string() })), (c) => c.text(c.get('claims').sub))
 * ```
 */
export type ClaimsVariables<
  TOutput,
  TClaims extends JwtClaims = JwtClaims,
> = AuthVariables<TClaims> & {
  claims: TOutput
}

/**
 * The variables `user()` sets: `user` is the provider's normalised {@link User}.
 *
 * @example
 * ```ts
 * app.get('/user', auth.user(), (c) => c.json({ id: c.get('user').id }))
 * ```
 */
export type UserVariables<TClaims extends JwtClaims = JwtClaims> = AuthVariables<TClaims> & {
  user: User<TClaims>
}

/**
 * The variables `principal()`, `any()` and `permission()` set: `principal` is who made the request
 * (a user, a service, or anonymous where `any('anonymous', ...)` lets one through); `auth` is the
 * verified token when the principal is a user. `principal.attributes` is typed as the `enrich`
 * option's result.
 *
 * @example
 * ```ts
 * app.get('/jobs', auth.any('user', 'service'), (c) => c.text(c.get('principal').kind))
 * ```
 */
export type PrincipalVariables<
  TClaims extends JwtClaims = JwtClaims,
  TAttributes extends object = Readonly<Record<string, unknown>>,
> = {
  principal: Principal<TClaims, TAttributes>
  auth: VerifiedToken<TClaims> | undefined
}
