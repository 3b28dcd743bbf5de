/**
 * A service (a job, another backend) authenticated by an identifier and a token, as
 * {@link servicePrincipals} hands it to the request pipeline. The shape is the `service` case of
 * core's principal model.
 *
 * @example
 * ```ts
 * const principal: ServicePrincipal = { kind: 'service', id: 'billing', groups: [], scopes: ['invoices:write'], attributes: {} }
 * ```
 */
export interface ServicePrincipal {
  readonly kind: 'service'
  /** The principal's id: the secret's `id` field, or the identifier the service sent. */
  readonly id: string
  readonly groups: readonly string[]
  readonly scopes: readonly string[]
  readonly attributes: Readonly<Record<string, unknown>>
}

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
