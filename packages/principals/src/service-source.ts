import type { ServicePrincipalEvent } from './service-principal-event.js'

/**
 * A service principal's stored credential: SHA-256 digests of the tokens it may present (two
 * while a rotation is under way), never a token itself.
 *
 * @example
 * ```ts
 * const credential: ServiceCredential = { id: 'billing', digests: [digest], groups: [], scopes: [], attributes: {} }
 * ```
 */
export interface ServiceCredential {
  readonly id: string
  /** SHA-256 digests (32 bytes each) of the accepted tokens. */
  readonly digests: readonly Uint8Array[]
  readonly groups: readonly string[]
  readonly scopes: readonly string[]
  readonly attributes: Readonly<Record<string, unknown>>
}

/** What a source may use while looking a credential up. */
export interface ServiceLookupContext {
  /** Reports something an operator should know (a malformed secret, an outage). */
  emit(event: ServicePrincipalEvent): void
}

/**
 * Where {@link servicePrincipals} finds credentials: {@link staticSource}, {@link envSource},
 * {@link secretsManagerSource}, or your own.
 *
 * @example
 * ```ts
 * const source: ServiceSource = { kind: 'mine', lookup: async (identifier) => credentials.get(identifier) }
 * ```
 */
export interface ServiceSource {
  /** Names the source in events. */
  readonly kind: string
  /**
   * The credential for an identifier, or `undefined` when the identifier is unknown or its stored
   * secret is unusable (malformed: report it through `context.emit`; the request is refused).
   *
   * @throws AuthError `principal_unavailable` when the store cannot answer
   */
  lookup(identifier: string, context: ServiceLookupContext): Promise<ServiceCredential | undefined>
  /**
   * Optional: look again after a token did not match, for a rotation that began after the
   * credential was cached. Returns `undefined` when it did not look again (too soon).
   *
   * @throws AuthError `principal_unavailable` when the store cannot answer
   */
  refresh?(
    identifier: string,
    context: ServiceLookupContext,
  ): Promise<{ credential: ServiceCredential | undefined } | undefined>
}
