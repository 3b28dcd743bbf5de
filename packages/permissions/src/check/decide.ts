import { indexGrants, type GrantIndex } from '../internal/grant-index.js'
import { isRequiredStatement } from '../statements/statement.js'
import type { CheckMode, CheckResult, Grant, StatementDecision } from '../types.js'

/** Whether a grant is in force at `nowMs`: no expiry, or an expiry still in the future. */
export function isActive(grant: Grant, nowMs: number): boolean {
  return grant.expiresAt === null || grant.expiresAt.getTime() > nowMs
}

const NO_GRANTS: readonly (readonly [string, Grant])[] = []

function decideOne(
  index: GrantIndex,
  statement: string,
  nowMs: number,
  validated: boolean,
): StatementDecision {
  let allow: Grant | undefined
  let deny: Grant | undefined
  let expired: Grant[] | undefined
  if (validated || isRequiredStatement(statement)) {
    const colon = statement.indexOf(':')
    const resource = statement.slice(0, colon)
    const action = statement.slice(colon + 1)
    const candidates = index.byResource.get(resource) ?? NO_GRANTS
    for (let i = 0; i < index.everything.length + candidates.length; i++) {
      let grant: Grant
      if (i < index.everything.length) grant = index.everything[i] as Grant
      else {
        const [granted, g] = candidates[i - index.everything.length] as readonly [string, Grant]
        if (granted !== '*' && granted !== action) continue
        grant = g
      }
      if (!isActive(grant, nowMs)) (expired ??= []).push(grant)
      else if (grant.effect === 'deny') deny ??= grant
      else allow ??= grant
    }
  }
  expired ??= []
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
  validated = false,
): CheckResult {
  const decisions = required.map((statement) => decideOne(index, statement, nowMs, validated))
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
