import type { JwtClaims, VerifierTuning } from './types.js'

// A Record, not a list: a member added to VerifierTuning and forgotten here fails to compile.
const TUNING: Readonly<Record<keyof VerifierTuning, true>> = {
  clockTolerance: true,
  maxTokenAge: true,
  maxTokenBytes: true,
  isRevoked: true,
  fetch: true,
  jwks: true,
  cache: true,
  onEvent: true,
  now: true,
  revalidate: true,
  devLog: true,
}
export const TUNING_KEYS = Object.keys(TUNING) as readonly (keyof VerifierTuning)[]

/**
 * The {@link VerifierTuning} options (leeway, limits, caches, hooks, clock) picked out of a
 * provider factory's options, so the provider passes them through to core unchanged. Members that
 * are not set stay absent rather than `undefined`, as `exactOptionalPropertyTypes` wants; their
 * values are checked by `createVerifier()`, not here.
 *
 * @example
 * ```ts
 * interface MyIdpOptions extends VerifierTuning<MyClaims> { readonly tenant: string }
 * export function myIdp(options: MyIdpOptions): Provider<MyClaims> {
 *   return defineProvider<MyClaims>({ ...pickTuning(options), provider: 'my-idp', issuers })
 * }
 * ```
 * @throws nothing
 */
export function pickTuning<TClaims extends JwtClaims>(
  options: VerifierTuning<TClaims>,
): VerifierTuning<TClaims> {
  const picked: Record<string, unknown> = {}
  for (const key of TUNING_KEYS) if (options[key] !== undefined) picked[key] = options[key]
  return picked
}
