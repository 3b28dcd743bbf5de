import { vi } from 'vitest'
import { createVerifier, type IssuerOptions, type VerifierOptions } from '@cloudauth/core'
import { defaultKey, jwksOf, signToken, type JsonObject } from '@cloudauth/testing'

export const ISSUER = 'https://issuer.test/'
export const AUDIENCE = 'api'
export const JWKS_URI = 'https://issuer.test/.well-known/jwks.json'

export const key = defaultKey()

/** The test issuer with a static key set: no network. */
export const issuer: IssuerOptions = { issuer: ISSUER, jwks: jwksOf(key), audience: AUDIENCE }

/** Verifier options for the test issuer. */
export const options: VerifierOptions = {
  issuers: issuer,
  groupClaims: ['cognito:groups'],
}

/** A token from the test issuer for `api`, with `sub: 'user-1'` unless overridden. */
export function token(claims: JsonObject = {}, expiresIn = 3600): string {
  return signToken({
    key,
    claims: { iss: ISSUER, aud: AUDIENCE, sub: 'user-1', ...claims },
    expiresIn,
  })
}

/** A real verifier whose `verify` is a spy, to count verifications per request. */
export function spyVerifier() {
  const real = createVerifier(options)
  const verify = vi.fn((value: string) => real.verify(value))
  return { verifier: { ...real, verify }, verify }
}

export const bearer = (value: string) => ({ authorization: `Bearer ${value}` })

/** The same header and payload with another token's signature: a valid shape, a wrong signature. */
export function badSignature(): string {
  const [head, body] = token().split('.')
  const other = token({ sub: 'someone-else' }).split('.')[2]
  return `${head}.${body}.${other}`
}

/** `WWW-Authenticate` for a bad token, as RFC 6750 §3 spells it. */
export const invalidToken = (description: string, realm = 'api') =>
  `Bearer realm="${realm}", error="invalid_token", error_description="${description}"`
