import { indexGrants, type GrantIndex } from '../internal/grant-index.js'
import { isRequiredStatement } from '../statements/statement.js'
import type { CheckMode, CheckResult, Grant, StatementDecision } from '../types.js'

/** Whether a grant is in force at `nowMs`: no expiry, or an expiry still in the future. */
export function isActive(grant: Grant, nowMs: number): boolean {
  return grant.expiresAt === null || grant.expiresAt.getTime() > nowMs
}

function decideOne(index: GrantIndex, statement: string, nowMs: number): StatementDecision {
  let allow: Grant | undefined
  let deny: Grant | undefined
  const expired: Grant[] = []
  const consider = (grant: Grant) => {
    if (!isActive(grant, nowMs)) expired.push(grant)
    else if (grant.effect === 'deny') deny ??= grant
    else allow ??= grant
  }
  if (isRequiredStatement(statement)) {
    const colon = statement.indexOf(':')
    const resource = statement.slice(0, colon)
    const action = statement.slice(colon + 1)
    for (const grant of index.everything) consider(grant)
    for (const [granted, grant] of index.byResource.get(resource) ?? [])
      if (granted === '*' || granted === action) consider(grant)
  }
  if (deny !== undefined) return { statement, allowed: false, reason: 'deny', grant: deny, expired }
  if (allow !== undefined)
    return { statement, allowed: true, reason: 'allow', grant: allow, expired }
  return { statement, allowed: false, reason: 'none', expired }
}

/** {@link decide} on grants already indexed (the cache keeps them so). */
export function decideIndexed(
  index: GrantIndex,
  required: readonly string[],
  mode: CheckMode,
  nowMs: number,
): CheckResult {
  const decisions = required.map((statement) => decideOne(index, statement, nowMs))
  let allowedCount = 0
  for (const d of decisions) if (d.allowed) allowedCount++
  const allowed =
    decisions.length > 0 && (mode === 'all' ? allowedCount === decisions.length : allowedCount > 0)
  const missing =
    allowed && mode === 'any' ? [] : decisions.filter((d) => !d.allowed).map((d) => d.statement)
  return { allowed, missing, decisions }
}

/**
 * The framework-free decision: whether `grants` allow the `required` statements at `nowMs`.
 *
 * A required statement is allowed when an active allow covers it and no active deny does (a deny
 * overrides any allow, as in AWS IAM). `all` needs every statement allowed, `any` at least one.
 * An empty requirement is refused: a guard that names nothing grants nothing. A malformed
 * requirement or grant covers nothing.
 *
 * @example
 * ```ts
 * decide(grants, ['orders:read'], 'all', Date.now()).allowed
 * ```
 */
export function decide(
  grants: readonly Grant[],
  required: readonly string[],
  mode: CheckMode,
  nowMs: number,
): CheckResult {
  return decideIndexed(indexGrants(grants), required, mode, nowMs)
}
