/**
 * What {@link servicePrincipals} tells the operator through `onEvent`. Events name identifiers
 * and secret names, never a token or a secret's content.
 *
 * - `secret_malformed`: a stored secret is not JSON, or lacks a non-empty string `token`; the
 *   service is refused (fail closed) until the secret is fixed.
 * - `store_unavailable`: the store could not answer; requests got 503 `principal_unavailable`.
 * - `stale_served`: the store could not answer and an expired cached credential was used.
 * - `rejected`: a request was refused; `reason` says why (for logs only: clients get one answer).
 *
 * @example
 * ```ts
 * servicePrincipals({ ..., onEvent: (event) => logger.warn(event, 'service principals') })
 * ```
 */
export type ServicePrincipalEvent =
  | {
      readonly type: 'secret_malformed'
      readonly source: string
      readonly identifier: string
      readonly secretId: string
      readonly stage: string
      readonly reason: string
    }
  | {
      readonly type: 'store_unavailable'
      readonly source: string
      readonly identifier: string
      readonly error: unknown
    }
  | { readonly type: 'stale_served'; readonly source: string; readonly identifier: string }
  | {
      readonly type: 'rejected'
      readonly identifier: string
      readonly reason: 'unknown_identifier' | 'token_mismatch'
    }
