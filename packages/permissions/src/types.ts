/** Whether a statement of a role allows or denies what it covers. Deny wins over any allow. */
export type Effect = 'allow' | 'deny'

/** The kinds of principal a role can be assigned to directly. */
export type PrincipalKind = 'user' | 'service'

/**
 * What the permission check needs of a principal: its kind and id (for roles and groups assigned in
 * the store) and the groups its credentials carry (a token's group claim).
 * `@cloudauth/core`'s `Principal` satisfies it.
 */
export interface PermissionPrincipal {
  readonly kind: PrincipalKind | 'anonymous'
  readonly id: string | null
  readonly groups: readonly string[]
}

/** How a principal holds a role. */
export type GrantVia =
  | { readonly kind: 'user' | 'service' }
  | { readonly kind: 'group'; readonly group: string; readonly source: 'token' | 'store' }

/**
 * One statement a principal holds, with where it comes from: the statement, its effect, the role
 * that carries it, and how the principal holds the role. `expiresAt` is the earliest expiry on the
 * way (the role assignment, and for a group held in the store, the membership); `null` never expires.
 */
export interface Grant {
  readonly statement: string
  readonly effect: Effect
  readonly role: string
  readonly via: GrantVia
  readonly expiresAt: Date | null
}

/** The verdict on one required statement, and why. */
export interface StatementDecision {
  readonly statement: string
  /** True when an active allow covers it and no active deny does. */
  readonly allowed: boolean
  /**
   * `allow`: granted by `grant`; `deny`: refused by `grant` (a deny statement, which overrides any
   * allow); `none`: no active grant covers it.
   */
  readonly reason: 'allow' | 'deny' | 'none'
  /** The deciding grant: the deny for `deny`, an allow for `allow`. */
  readonly grant?: Grant
  /** Grants that would have covered the statement but have expired. */
  readonly expired: readonly Grant[]
}

/** The result of a check: the verdict, the statements missing, and the decision on each. */
export interface CheckResult {
  readonly allowed: boolean
  /** The required statements not allowed (in `any` mode: all of them when none is allowed). */
  readonly missing: readonly string[]
  readonly decisions: readonly StatementDecision[]
}

/** How several required statements combine: `all` of them, or `any` one. */
export type CheckMode = 'all' | 'any'

/**
 * Where grants come from. `load` answers every grant of one principal, in ONE round trip: the roles
 * assigned to it, and the roles of every group it belongs to (those its credentials carry, and those
 * the store assigns), expired ones included so a decision can name them. Throw when the store
 * cannot answer.
 */
export interface PermissionStore {
  load(principal: PrincipalRef, tokenGroups: readonly string[]): Promise<readonly Grant[]>
  /**
   * Subscribes to changes made by any process (PostgreSQL `LISTEN`). `onChange` runs after each
   * change and whenever the subscription (re)connects, since changes may have been missed.
   * Resolves to an unsubscribe function.
   */
  subscribe?(onChange: () => void): Promise<() => Promise<void>>
}

/** A principal as the store keys it. */
export interface PrincipalRef {
  readonly kind: PrincipalKind
  readonly id: string
}
