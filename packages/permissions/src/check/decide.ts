import { statementCovers } from '../statements/statement.js'
import type { CheckMode, CheckResult, Grant, StatementDecision } from '../types.js'

/** Whether a grant is in force at `nowMs`: no expiry, or an expiry still in the future. */
export function isActive(grant: Grant, nowMs: number): boolean {
  return grant.expiresAt === null || grant.expiresAt.getTime() > nowMs
}

function decideOne(grants: readonly Grant[], statement: string, nowMs: number): StatementDecision {
  let allow: Grant | undefined
  let deny: Grant | undefined
  const expired: Grant[] = []
  for (const grant of grants) {
    if (!statementCovers(grant.statement, statement)) continue
    if (!isActive(grant, nowMs)) {
      expired.push(grant)
      continue
    }
    if (grant.effect === 'deny') deny ??= grant
    else allow ??= grant
  }
  if (deny !== undefined) return { statement, allowed: false, reason: 'deny', grant: deny, expired }
  if (allow !== undefined)
    return { statement, allowed: true, reason: 'allow', grant: allow, expired }
  return { statement, allowed: false, reason: 'none', expired }
}

/**
 * The framework-free decision: whether `grants` allow the `required` statements at `nowMs`.
 *
 * A required statement is allowed when an active allow covers it and no active deny does (a deny
 * overrides any allow, as in AWS IAM). `all` needs every statement allowed, `any` at least one.
 * An empty requirement is refused: a guard that names nothing grants nothing.
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
  const decisions = required.map((statement) => decideOne(grants, statement, nowMs))
  const missing = decisions.filter((d) => !d.allowed).map((d) => d.statement)
  const allowed =
    decisions.length > 0 &&
    (mode === 'all' ? missing.length === 0 : missing.length < decisions.length)
  return { allowed, missing: allowed && mode === 'any' ? [] : missing, decisions }
}
