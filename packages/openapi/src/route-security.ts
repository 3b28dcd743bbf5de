import type { StepSecurity } from '@cloudauth/core/binding'

/**
 * What one pipeline step requires: core's `StepSecurity`. Every middleware a binding makes from a
 * step carries it as its `security` property.
 *
 * @example
 * ```ts
 * const security: RouteSecurity = { credentials: 'token', kinds: ['user'], scopes: { values: ['read:users'], mode: 'all' } }
 * ```
 */
export type RouteSecurity = StepSecurity

/** An OpenAPI 3.1 Security Requirement Object (§4.8.30): scheme name to scopes or roles. */
export type SecurityRequirement = Record<string, string[]>

/** A route as a framework lists it, with the security of each of its middleware, in order. */
export interface RouteInfo {
  /** Upper case: `GET`, `POST`, ... */
  readonly method: string
  /** The path in OpenAPI form: `/users/{id}`. */
  readonly path: string
  readonly security: readonly RouteSecurity[]
}
