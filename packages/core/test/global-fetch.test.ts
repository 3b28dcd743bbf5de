import { afterEach, describe, expect, it, vi } from 'vitest'
import { createVerifier } from '@cloudauth/core'
import { AUDIENCE, ISSUER, JWKS_URI, jwksOf, makeKey, mint, standardClaims } from './helpers.js'

describe('the default fetch', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('is looked up when keys are fetched, not when the verifier is built', async () => {
    const key = await makeKey()
    // Built before fetch is patched, as an app built before a test's msw server starts.
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
    })
    const calls: string[] = []
    vi.stubGlobal('fetch', async (input: string | URL | Request) => {
      calls.push(input instanceof Request ? input.url : input.toString())
      return Response.json(jwksOf(key))
    })
    const verified = await verifier.verify(mint(key, standardClaims()))
    expect(verified.issuer).toBe(ISSUER)
    expect(calls).toEqual([JWKS_URI])
  })
})
