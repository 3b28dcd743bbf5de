/** Core's service principal (the `service` case of its principal model), re-exported. */
export type { ServicePrincipal } from '@cloudauth/core'

/**
 * What {@link servicePrincipals} reads from a request: core's `RequestView` satisfies it, and so
 * does any object with these two methods.
 *
 * @example
 * ```ts
 * const request: ServiceRequest = { header: (n) => headers.get(n) ?? undefined, headerCount: (n) => (headers.has(n) ? 1 : 0) }
 * ```
 */
export interface ServiceRequest {
  /** One header's value, several occurrences joined by `, ` (as `Headers.get`). */
  header(name: string): string | undefined
  /** How many times the header field occurred. */
  headerCount(name: string): number
}
