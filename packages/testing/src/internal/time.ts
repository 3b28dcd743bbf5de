/**
 * The current time in whole seconds (NumericDate, RFC 7519 §2), read from `Date.now()` so that
 * `vi.useFakeTimers()` / `vi.setSystemTime()` move it; an explicit `now` wins.
 */
export function nowSeconds(now?: number): number {
  return now ?? Math.floor(Date.now() / 1000)
}

/** Default lifetime of minted tokens, in seconds. */
export const DEFAULT_EXPIRES_IN = 3600

/**
 * A copy of `claims` with `iat` (RFC 7519 §4.1.6) and `exp` (§4.1.4) added unless present as own
 * members; present ones, `undefined` included, are kept as given so tests can remove or break them.
 */
export function withTimes(
  claims: Readonly<Record<string, unknown>> | undefined,
  now: number | undefined,
  expiresIn: number | undefined,
): Record<string, unknown> {
  const at = nowSeconds(now)
  const payload: Record<string, unknown> = { ...claims }
  if (!Object.hasOwn(payload, 'iat')) payload['iat'] = at
  if (!Object.hasOwn(payload, 'exp')) payload['exp'] = at + (expiresIn ?? DEFAULT_EXPIRES_IN)
  return payload
}
