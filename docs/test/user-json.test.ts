import { describe, expect, it } from 'vitest'
import { type VerifiedToken } from '@cloudauth/core'
import { userFromClaims } from '@cloudauth/core/provider'

describe('userFromClaims serialised', () => {
  const verified = {
    token: 'not-a-real-token',
    header: { alg: 'RS256', kid: 'k1' },
    claims: {
      sub: 'u1',
      iss: 'https://idp.example/',
      nickname: 'ada',
      email: 'ada@example.com',
      email_verified: true,
      name: 'Ada',
      picture: 'https://img.example/ada.png',
      'https://example.com/secret': 'internal',
    },
    issuer: 'https://idp.example/',
    scopes: [],
    groups: ['admin'],
  } as unknown as VerifiedToken

  it('is exactly the documented shape: no kind, no raw claims', () => {
    const user = userFromClaims(verified, { provider: 'idp', usernameClaims: ['nickname'] })
    expect(JSON.parse(JSON.stringify(user))).toEqual({
      id: 'u1',
      username: 'ada',
      email: 'ada@example.com',
      emailVerified: true,
      name: 'Ada',
      picture: 'https://img.example/ada.png',
      groups: ['admin'],
      provider: 'idp',
    })
    expect(JSON.stringify(user)).not.toContain('internal')
  })

  it('keeps kind and claims readable in code, and toJSON out of the keys', () => {
    const user = userFromClaims(verified, { provider: 'idp' })
    expect(user.kind).toBe('user')
    expect(user.claims['https://example.com/secret']).toBe('internal')
    expect(Object.keys(user)).not.toContain('toJSON')
    expect(Object.isFrozen(user)).toBe(true)
    // Equality (the provider suites compare users with toEqual) sees the fields only.
    expect(user).toStrictEqual({
      kind: 'user',
      id: 'u1',
      email: 'ada@example.com',
      emailVerified: true,
      name: 'Ada',
      picture: 'https://img.example/ada.png',
      groups: ['admin'],
      provider: 'idp',
      claims: verified.claims,
    })
  })
})
