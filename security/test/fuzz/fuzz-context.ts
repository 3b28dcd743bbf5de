import { createVerifier, type Verifier } from '@cloudauth/core'
import { defaultKey, forgeToken, jwksOf, type TestKey } from '@cloudauth/testing'

/** The fixed clock of every property, in seconds: verdicts never depend on the wall clock. */
export const FUZZ_NOW = 1_800_000_000
export const FUZZ_ISSUER = 'https://fuzz.cloudauth.test/'
export const FUZZ_AUDIENCE = 'https://api.fuzz.cloudauth.test'
export const FUZZ_TOLERANCE = 5

/** What the properties share: one verifier (as a server has), its keys, and valid tokens. */
export interface FuzzContext {
  /** Core with a fixed key set (no network), RS256 and ES256, the fixed clock. */
  readonly verifier: Verifier
  readonly rsaKey: TestKey
  readonly ecKey: TestKey
  /** Valid tokens, one per key: the seeds the mutations start from. */
  readonly tokens: readonly string[]
  /** Valid claims at the fixed clock. */
  claims(overrides?: Readonly<Record<string, unknown>>): Record<string, unknown>
  /** Signs `claims` as they are, with `key` (default the EC key: the fastest to sign). */
  sign(claims: unknown, key?: TestKey): string
}

/**
 * Builds the context and checks its valid tokens verify: without that check, "never accepted"
 * would hold trivially for a broken setup.
 *
 * @throws Error when a valid token does not verify
 */
export async function createFuzzContext(): Promise<FuzzContext> {
  const rsaKey = defaultKey('RS256')
  const ecKey = defaultKey('ES256')
  const verifier = createVerifier({
    issuers: { issuer: FUZZ_ISSUER, jwks: jwksOf(rsaKey, ecKey), audience: FUZZ_AUDIENCE },
    algorithms: ['RS256', 'ES256'],
    clockTolerance: FUZZ_TOLERANCE,
    now: () => FUZZ_NOW * 1000,
  })
  const claims = (overrides: Readonly<Record<string, unknown>> = {}) => ({
    iss: FUZZ_ISSUER,
    sub: 'fuzz-user',
    aud: FUZZ_AUDIENCE,
    iat: FUZZ_NOW - 10,
    exp: FUZZ_NOW + 600,
    scope: 'read:users write:users',
    ...overrides,
  })
  const sign = (payload: unknown, key: TestKey = ecKey) =>
    forgeToken({ header: { alg: key.alg, kid: key.kid, typ: 'JWT' }, payload, key })
  const tokens = [sign(claims(), rsaKey), sign(claims(), ecKey)]
  for (const token of tokens) await verifier.verify(token)
  return { verifier, rsaKey, ecKey, tokens, claims, sign }
}
