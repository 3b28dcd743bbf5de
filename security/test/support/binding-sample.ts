import type { AuthError } from '@cloudauth/core'
import { createJwksEndpoint, defaultKey, jwksOf } from '@cloudauth/testing'
import type { HttpHandler } from 'msw'
import { expect } from 'vitest'
import type { AttackRow } from '../corpus/attack-rows.js'
import { mint, type Target } from '../corpus/target.js'

// What the binding tests (Hono, Express) share: which corpus rows go end to end through a
// framework, the exact answer a client must see for each, and an issuer whose key set is down.

/** The corpus rows run through every binding: one or two of each family, and each target's own. */
export const BINDING_SAMPLE: readonly string[] = [
  'alg-none',
  'alg-NONE',
  'hs256-rsa-pem-spki',
  'hs256-rsa-jwk-json-as-published',
  'ps256-header-rs256-key',
  'signature-other-key-same-kid',
  'kid-path-traversal',
  'kid-sql-injection',
  'kid-of-other-issuer',
  'jku',
  'x5c',
  'crit-unknown',
  'b64-false',
  'nested-cty-jwt',
  'jwe',
  'dup-payload-sub',
  'exp-expired',
  'exp-overflow',
  'nbf-future',
  'aud-empty-array',
  'client-id-other',
  'iss-cyrillic',
  'iss-trailing-slash',
  'size-just-over',
  'from-core',
  'from-auth0',
  'cognito-id-token-as-access',
  'cognito-access-token-as-id',
  'firebase-emulator-token',
]

/** The sampled rows of `rows` and of the target's own rows that apply to `target`. */
export function bindingRows(rows: readonly AttackRow[], target: Target): AttackRow[] {
  return [...rows, ...(target.extraRows ?? [])].filter(
    (row) => BINDING_SAMPLE.includes(row.id) && (row.applies?.(target) ?? true),
  )
}

/** `Cache-Control: no-store` and the exact RFC 6750 §3 `invalid_token` challenge for `error`. */
function expectChallenge(response: Response, error: AuthError): void {
  expect(response.headers.get('cache-control')).toBe('no-store')
  const description = error.description.replace(/["\\]/g, '\\$&')
  expect(response.headers.get('www-authenticate')).toBe(
    `Bearer realm="api", error="invalid_token", error_description="${description}"`,
  )
}

/**
 * The whole answer a client sees for a refused token: `status`, the challenge of
 * {@link expectChallenge}, and the JSON body with the same error and description.
 */
export async function expectRefusal(
  response: Response,
  status: number,
  error: AuthError,
): Promise<void> {
  expect(response.status).toBe(status)
  expectChallenge(response, error)
  expect(await response.json()).toEqual({
    error: 'invalid_token',
    error_description: error.description,
  })
}

/** An issuer whose key set answers 500: no key can be had, so a binding must answer 503. */
export const DOWN_ISSUER = 'https://down.cloudauth.test/'
export const DOWN_JWKS = 'https://down.cloudauth.test/.well-known/jwks.json'

/** The msw handler of {@link DOWN_JWKS}, failing every request. */
export function downJwksHandler(): HttpHandler {
  const down = createJwksEndpoint(DOWN_JWKS, jwksOf(defaultKey()))
  down.fail(500)
  return down.handler
}

/** A token from {@link DOWN_ISSUER} for audience `api`, well formed, signed by the default key. */
export function downToken(target: Target): string {
  return mint({
    ...target,
    claims: () => ({
      iss: DOWN_ISSUER,
      aud: 'api',
      exp: Math.floor(Date.now() / 1000) + 60,
    }),
    header: () => ({ alg: 'RS256', kid: defaultKey().kid }),
  })
}

/** Asserts the 503 of an IdP outage: `Retry-After`, no challenge (never a 401), and the body. */
export async function expectUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503)
  expect(response.headers.get('retry-after')).toMatch(/^\d+$/)
  expect(response.headers.get('www-authenticate')).toBeNull()
  expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' })
}
