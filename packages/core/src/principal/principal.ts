import type { JwtClaims, User, VerifiedToken } from '../verify/types.js'

/**
 * A person, authenticated by a verified token.
 *
 * @example
 * ```ts
 * if (principal.kind === 'user') console.log(principal.user.email)
 * ```
 */
export interface UserPrincipal<
  TClaims extends JwtClaims = JwtClaims,
  TAttributes extends object = Readonly<Record<string, unknown>>,
> {
  readonly kind: 'user'
  readonly id: string
  readonly groups: readonly string[]
  readonly scopes: readonly string[]
  readonly token: VerifiedToken<TClaims>
  readonly user: User<TClaims>
  /**
   * What the pipeline's `enrich` hook added (Djognito's `attach_attributes`), typed as its result;
   * `{}` without one.
   */
  readonly attributes: Readonly<TAttributes>
}

/**
 * A machine caller, authenticated by a service credential (an API key, a signed request).
 *
 * @example
 * ```ts
 * if (principal.kind === 'service') console.log(principal.attributes)
 * ```
 */
export interface ServicePrincipal<TAttributes extends object = Readonly<Record<string, unknown>>> {
  readonly kind: 'service'
  readonly id: string
  readonly groups: readonly string[]
  readonly scopes: readonly string[]
  /**
   * The service's own attributes, and what the pipeline's `enrich` hook added, typed as the hook's
   * result when there is one (the service's own keys are still there at run time).
   */
  readonly attributes: Readonly<TAttributes>
}

/**
 * A request that carried no credential, on a route that lets it through.
 *
 * @example
 * ```ts
 * if (principal.kind === 'anonymous') return showLogin()
 * ```
 */
export interface AnonymousPrincipal {
  readonly kind: 'anonymous'
  readonly id: null
  readonly groups: readonly []
  readonly scopes: readonly []
}

/**
 * Who made a request: a user (token), a service (service credential) or nobody.
 *
 * @example
 * ```ts
 * const name = principal.kind === 'anonymous' ? 'guest' : principal.id
 * ```
 */
export type Principal<
  TClaims extends JwtClaims = JwtClaims,
  TAttributes extends object = Readonly<Record<string, unknown>>,
> = UserPrincipal<TClaims, TAttributes> | ServicePrincipal<TAttributes> | AnonymousPrincipal

/** The kinds of {@link Principal}. */
export type PrincipalKind = Principal['kind']
