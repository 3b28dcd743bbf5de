import { AuthError, ConfigError } from '@cloudauth/core'
import { createAdminHandler, type AdminOptions } from './admin/admin-handler.js'
import { decideIndexed, isActive } from './check/decide.js'
import { indexGrants, type GrantIndex } from './internal/grant-index.js'
import { GrantCache } from './internal/grant-cache.js'
import { isRequiredStatement } from './statements/statement.js'
import type { AdminStore } from './stores/admin-store.js'
import type {
  CheckMode,
  CheckResult,
  Grant,
  PermissionPrincipal,
  PermissionStore,
  PrincipalRef,
} from './types.js'

/** Options of {@link permissions}. */
export interface PermissionsOptions {
  /** Where roles and assignments live: {@link staticStore}, {@link pgliteStore}, {@link postgresStore}. */
  readonly store: PermissionStore
  /**
   * How long a principal's grants are reused, in ms. Default 5000; `0` turns the cache off (each
   * request still loads a principal at most once). An entry never outlives a grant's expiry.
   */
  readonly cacheTtlMs?: number
  /** Principals held in the cache at most (oldest out first). Default 10 000. */
  readonly maxCacheEntries?: number
  /** `Retry-After` seconds on `permissions_unavailable`. Default 5. */
  readonly retryAfter?: number
  /** The clock, in epoch ms (tests). Default `Date.now`. */
  readonly now?: () => number
}

/** The per-request memo a binding provides (`RequestView.memo` of `@cloudauth/core/binding`). */
export interface MemoView {
  readonly memo: Map<unknown, unknown>
}

/** A principal's effective permissions: every grant it holds, in force or expired, with its source. */
export interface EffectivePermissions {
  readonly principal: { readonly kind: string; readonly id: string | null }
  readonly groups: readonly string[]
  readonly grants: readonly (Grant & { readonly active: boolean })[]
}

/** The permission source: checks, explanations, cache control and the admin API. */
export interface Permissions {
  /**
   * Whether `principal` holds the `statements` (`all` of them, or `any`), with the decision on each
   * and why. Pass the request's view to load a principal once per request.
   *
   * @throws AuthError `permissions_unavailable` (503, `Retry-After`) when the store cannot answer.
   * @throws ConfigError when a statement is not a concrete `resource:action`.
   */
  check(
    principal: PermissionPrincipal,
    statements: readonly string[],
    mode?: CheckMode,
    view?: MemoView,
  ): Promise<CheckResult>
  /**
   * Why `statement` is not one a route can require (`resource:action`, no wildcard), or `undefined`
   * when it is. The bindings ask it when `auth.permission([...])` is declared, so a typo is a
   * `ConfigError` at startup rather than at the first request.
   *
   * @example
   * ```ts
   * perms.validate('orders:read') // undefined
   * perms.validate('orders:*')    // 'each required statement is `resource:action` ...'
   * ```
   */
  validate(statement: string): string | undefined
  /** Every grant of `principal`, active or expired, with the role and group each comes through. */
  explain(principal: PermissionPrincipal, view?: MemoView): Promise<EffectivePermissions>
  /** Drops every cached grant of this process (admin writes through this instance do it themselves). */
  invalidate(): void
  /** The admin API as a Fetch handler (needs a SQL store). */
  admin(options: AdminOptions): (request: Request) => Promise<Response | undefined>
  /** Resolves once the store's change subscription (PostgreSQL `LISTEN`) is in place. */
  readonly ready: Promise<void>
  /** Stops listening for changes. The store's connection stays the app's to close. */
  close(): Promise<void>
}

const NOTHING = indexGrants([])
const REQUIRED_STATEMENT =
  'each required statement is `resource:action` (letters, digits, _ - .), no wildcard'

function nonNegativeInteger(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ConfigError(option, 'must be a non-negative integer')
  return value
}

function storeRef(principal: PermissionPrincipal): PrincipalRef | undefined {
  if (principal.kind === 'anonymous' || principal.id === null || principal.id === '')
    return undefined
  return { kind: principal.kind, id: principal.id }
}

function tokenGroups(principal: PermissionPrincipal): readonly string[] {
  const groups = principal.groups
  // Most principals carry none or one group: no set, no sort.
  if (groups.length === 0) return groups
  if (groups.length === 1) return typeof groups[0] === 'string' && groups[0] !== '' ? groups : []
  return [...new Set(groups.filter((g) => typeof g === 'string' && g !== ''))].sort()
}

function hasAdmin(store: PermissionStore): store is AdminStore {
  return typeof (store as Partial<AdminStore>).createRole === 'function'
}

/**
 * Builds the permission source of an app: grants resolved from the store per principal (its own
 * roles, and the roles of every group it belongs to, from its token and from the store), memoised
 * per request and cached briefly per principal, invalidated at once by admin writes here and, for
 * PostgreSQL stores, in every other process through `LISTEN/NOTIFY`.
 *
 * Fails closed: when the store cannot answer, `check` throws `permissions_unavailable` (503), never
 * a refusal and never a grant.
 *
 * @example
 * ```ts
 * const perms = permissions({ store: pgliteStore(db), cacheTtlMs: 5_000 })
 * const { allowed, missing } = await perms.check(principal, ['orders:read'], 'all')
 * ```
 *
 * @throws ConfigError when `store` is missing or an option is out of range.
 */
export function permissions(options: PermissionsOptions): Permissions {
  const store = options.store as PermissionStore | undefined
  if (store === undefined || typeof (store as Partial<PermissionStore>).load !== 'function')
    throw new ConfigError(
      'store',
      'must be a permission store (staticStore, pgliteStore, postgresStore)',
    )
  const ttl = nonNegativeInteger('cacheTtlMs', options.cacheTtlMs, 5_000)
  const maxEntries = nonNegativeInteger('maxCacheEntries', options.maxCacheEntries, 10_000)
  if (maxEntries === 0) throw new ConfigError('maxCacheEntries', 'must be at least 1')
  const retryAfter = nonNegativeInteger('retryAfter', options.retryAfter, 5)
  const now = options.now ?? Date.now
  const cache = new GrantCache(ttl, maxEntries, now)
  const memoKey = Symbol('cloudauth.permissions')
  const checkedLists = new WeakSet<readonly string[]>()

  let unsubscribe: (() => Promise<void>) | undefined
  const ready: Promise<void> =
    store.subscribe === undefined
      ? Promise.resolve()
      : store
          .subscribe(() => cache.invalidate())
          .then((stop) => {
            unsubscribe = stop
          })
  // A failed subscription surfaces through `ready`; it must not become an unhandled rejection.
  ready.catch(() => undefined)

  async function loadFromStore(
    ref: PrincipalRef,
    groups: readonly string[],
  ): Promise<readonly Grant[]> {
    try {
      return await (store as PermissionStore).load(ref, groups)
    } catch (cause) {
      throw new AuthError('permissions_unavailable', 'the permission store cannot answer', {
        cause,
        retryAfter,
      })
    }
  }

  function grantsOf(principal: PermissionPrincipal, view?: MemoView): Promise<GrantIndex> {
    const ref = storeRef(principal)
    if (ref === undefined) return Promise.resolve(NOTHING)
    const groups = tokenGroups(principal)
    const key = JSON.stringify([ref.kind, ref.id, groups])
    const load = () => cache.get(key, () => loadFromStore(ref, groups))
    if (view === undefined) return load()
    let memo = view.memo.get(memoKey) as Map<string, Promise<GrantIndex>> | undefined
    if (memo === undefined) {
      memo = new Map()
      view.memo.set(memoKey, memo)
    }
    let grants = memo.get(key)
    if (grants === undefined) {
      grants = load()
      memo.set(key, grants)
    }
    return grants
  }

  const self: Permissions = {
    async check(principal, statements, mode = 'all', view) {
      // A route hands the same array on every request: it is checked once.
      if (!checkedLists.has(statements)) {
        for (const statement of statements) {
          if (self.validate(statement) !== undefined)
            throw new ConfigError('statements', REQUIRED_STATEMENT)
        }
        checkedLists.add(statements)
      }
      if (mode !== 'all' && mode !== 'any') throw new ConfigError('mode', "must be 'all' or 'any'")
      const grants = await grantsOf(principal, view)
      return decideIndexed(grants, statements, mode, now(), true)
    },
    validate: (statement) =>
      typeof statement === 'string' && isRequiredStatement(statement)
        ? undefined
        : REQUIRED_STATEMENT,
    async explain(principal, view) {
      const { grants } = await grantsOf(principal, view)
      const at = now()
      return {
        principal: { kind: principal.kind, id: principal.id },
        groups: [...tokenGroups(principal)],
        grants: grants.map((grant) => ({ ...grant, active: isActive(grant, at) })),
      }
    },
    invalidate: () => cache.invalidate(),
    admin(adminOptions) {
      if (!hasAdmin(store)) throw new ConfigError('store', 'the admin API needs a SQL store')
      return createAdminHandler(self, store, adminOptions)
    },
    ready,
    async close() {
      await ready.catch(() => undefined)
      const stop = unsubscribe
      unsubscribe = undefined
      if (stop !== undefined) await stop()
    },
  }
  return self
}
