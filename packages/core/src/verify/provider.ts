import type { JwtClaims, VerifierOptions } from './types.js'

/**
 * What a provider factory (`cognito()`, `auth0()`, `firebase()`) returns: verifier options with
 * the provider's issuers, algorithms, checks, scope and group claims and user mapping filled in.
 * Pass it to {@link createVerifier} or straight to a binding's `cloudauth()`.
 */
export interface Provider<TClaims extends JwtClaims = JwtClaims> extends VerifierOptions<TClaims> {
  readonly kind: 'provider'
  readonly provider: string
}

/**
 * Builds a {@link Provider} from verifier options; used by provider packages.
 *
 * @example
 * ```ts
 * const myIdp = defineProvider({ provider: 'my-idp', issuers: { issuer, jwksUri, audience: 'api' } })
 * ```
 */
export function defineProvider<TClaims extends JwtClaims>(
  options: VerifierOptions<TClaims> & { readonly provider: string },
): Provider<TClaims> {
  return Object.freeze({ ...options, kind: 'provider' as const })
}
