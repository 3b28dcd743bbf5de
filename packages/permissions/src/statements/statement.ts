import { z } from 'zod'

/**
 * One segment of a statement: letters, digits, `_`, `-` and `.`, 1 to 64 characters.
 * `:` separates segments and `*` is a whole-segment wildcard, so neither can appear inside one.
 */
const SEGMENT = /^[A-Za-z0-9_.-]{1,64}$/

/** Whether a segment is a literal name (never a wildcard, never empty). */
function isName(segment: string | undefined): segment is string {
  return segment !== undefined && SEGMENT.test(segment)
}

/**
 * Whether `value` is a concrete statement a route can require: `resource:action`, two literal
 * segments, no wildcard.
 *
 * @example
 * ```ts
 * isRequiredStatement('orders:read') // true
 * isRequiredStatement('orders:*')    // false: a route requires a concrete permission
 * ```
 */
export function isRequiredStatement(value: string): boolean {
  const parts = value.split(':')
  return parts.length === 2 && isName(parts[0]) && isName(parts[1])
}

/**
 * Whether `value` is a statement a role may grant or deny: `resource:action`, `resource:*` or `*`.
 * Nothing else: no `*:action`, no partial wildcard (`orders:read*`), no third segment.
 *
 * @example
 * ```ts
 * isGrantStatement('orders:*')  // true
 * isGrantStatement('orders*')   // false
 * ```
 */
export function isGrantStatement(value: string): boolean {
  if (value === '*') return true
  const parts = value.split(':')
  if (parts.length !== 2 || !isName(parts[0])) return false
  return parts[1] === '*' || isName(parts[1])
}

/**
 * Whether the grant statement `pattern` covers the required statement `required`, segment by
 * segment and never by substring: `*` covers everything, `orders:*` covers every action of the
 * resource `orders` (not of `orders2`), `orders:read` covers only `orders:read` (not `orders:readAll`).
 * Names compare exactly, case included. A malformed pattern or requirement covers nothing.
 *
 * @example
 * ```ts
 * statementCovers('user:*', 'user:read')     // true
 * statementCovers('user:read', 'user:readAll') // false
 * statementCovers('user:read', 'users:read')   // false
 * ```
 */
export function statementCovers(pattern: string, required: string): boolean {
  if (!isGrantStatement(pattern) || !isRequiredStatement(required)) return false
  if (pattern === '*') return true
  const [patternResource, patternAction] = pattern.split(':')
  const [resource, action] = required.split(':')
  return patternResource === resource && (patternAction === '*' || patternAction === action)
}

/** zod schema of a grant statement, as roles store them (checked on every write). */
export const grantStatementSchema = z.string().max(129).refine(isGrantStatement, {
  message:
    'a statement is `resource:action`, `resource:*` or `*`; segments use letters, digits, _ - . (1 to 64)',
})

/** zod schema of a required statement, as a route or a check names it. */
export const requiredStatementSchema = z.string().max(129).refine(isRequiredStatement, {
  message: 'a required statement is `resource:action` with no wildcard',
})
