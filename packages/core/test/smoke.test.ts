import { describe, it, expect } from 'vitest'
import { SignJWT, generateKeyPair, exportJWK } from 'jose'
import { createVerifier } from '@cloudauth/core'

describe('smoke', () => {
  it('verifies', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256')
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
    const token = await new SignJWT({ scope: 'a b' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://i/')
      .setAudience('api')
      .setExpirationTime('1h')
      .setIssuedAt()
      .sign(privateKey)
    let calls = 0
    const v = createVerifier({
      issuers: { issuer: 'https://i/', jwksUri: 'https://i/jwks', audience: 'api' },
      fetch: async () => {
        calls++
        return new Response(JSON.stringify({ keys: [jwk] }))
      },
    })
    const r = await Promise.all(Array.from({ length: 100 }, () => v.verify(token)))
    expect(r[0]!.scopes).toEqual(['a', 'b'])
    expect(calls).toBe(1)
    await expect(v.verify(token.slice(0, -3) + 'AAA')).rejects.toMatchObject({
      code: 'invalid_signature',
    })
  })
})
