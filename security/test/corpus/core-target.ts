import { createVerifier, type PublicJwk } from '@cloudauth/core'
import { DEFAULTS } from '@cloudauth/core/provider'
import { createJwksEndpoint, defaultKey, jwksOf } from '@cloudauth/testing'
import type { Target } from './target.js'

export const CORE_ISSUER = 'https://issuer.cloudauth.test/'
export const CORE_OTHER_ISSUER = 'https://other-issuer.cloudauth.test/'
export const CORE_AUDIENCE = 'https://api.cloudauth.test'
export const CORE_JWKS_URL = 'https://issuer.cloudauth.test/.well-known/jwks.json'
export const CORE_OTHER_JWKS_URL = 'https://other-issuer.cloudauth.test/.well-known/jwks.json'

/**
 * Core configured directly, with two issuers and the widest algorithm list a careful app would
 * use (RS256, PS256, ES256), so the confusion rows reach the key and signature layers instead of
 * stopping at the allow-list.
 */
export function coreTarget(): Target {
  const key = defaultKey('RS256')
  const ecKey = defaultKey('ES256')
  // Published without alg under its own kid: the RS256 key of slot 2, otherwise unused here.
  const unbound = defaultKey('RS256', 2)
  const otherIssuerKey = defaultKey('RS256', 1)
  const unboundJwk = Object.fromEntries(
    Object.entries(unbound.publicJwk).filter(([name]) => name !== 'alg'),
  ) as PublicJwk
  const jwks = createJwksEndpoint(CORE_JWKS_URL, {
    keys: [key.publicJwk, ecKey.publicJwk, unboundJwk],
  })
  const other = createJwksEndpoint(CORE_OTHER_JWKS_URL, jwksOf(otherIssuerKey))
  const algorithms = ['RS256', 'PS256', 'ES256'] as const
  return {
    name: 'core',
    issuer: CORE_ISSUER,
    key,
    ecKey,
    unboundRsaKey: unbound,
    otherIssuerKey,
    algorithms,
    audience: { claim: 'aud', value: CORE_AUDIENCE },
    maxTokenBytes: DEFAULTS.maxTokenBytes,
    handlers: [jwks.handler, other.handler],
    verifier: (overrides = {}) =>
      createVerifier({
        issuers: [
          { issuer: CORE_ISSUER, jwksUri: CORE_JWKS_URL, audience: CORE_AUDIENCE },
          { issuer: CORE_OTHER_ISSUER, jwksUri: CORE_OTHER_JWKS_URL, audience: CORE_AUDIENCE },
        ],
        algorithms,
        ...overrides,
      }),
    claims: (overrides = {}) => {
      const now = Math.floor(Date.now() / 1000)
      return {
        iss: CORE_ISSUER,
        sub: 'user-1',
        aud: CORE_AUDIENCE,
        iat: now,
        exp: now + 600,
        scope: 'read:users',
        ...overrides,
      }
    },
    header: (signer = key) => ({ alg: signer.alg, kid: signer.kid, typ: 'JWT' }),
  }
}
