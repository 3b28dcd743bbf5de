import type { JwtClaims, VerifierOptions } from '@cloudauth/core'

const TUNING_KEYS = [
  'clockTolerance',
  'maxTokenBytes',
  'isRevoked',
  'fetch',
  'jwks',
  'cache',
  'onEvent',
  'now',
] as const

/** Verifier options a provider passes through unchanged: leeway, limits, caches, hooks, clock. */
export type VerifierTuning<TClaims extends JwtClaims> = Pick<
  VerifierOptions<TClaims>,
  (typeof TUNING_KEYS)[number]
>

/** Copies the tuning options that are set (so `exactOptionalPropertyTypes` sees no `undefined`). */
export function pickTuning<TClaims extends JwtClaims>(
  options: VerifierTuning<TClaims>,
): VerifierTuning<TClaims> {
  const picked: Record<string, unknown> = {}
  for (const key of TUNING_KEYS) if (options[key] !== undefined) picked[key] = options[key]
  return picked
}
