import { describe, expect, expectTypeOf, it } from 'vitest'
import { pickTuning, type JwtClaims, type VerifierTuning } from '@cloudauth/core'

describe('pickTuning()', () => {
  it('copies every tuning option that is set, and nothing else', () => {
    const fetch = (() => Promise.reject(new Error('no network'))) as typeof globalThis.fetch
    const isRevoked = () => false
    const onEvent = () => undefined
    const now = () => 0
    const picked = pickTuning({
      clockTolerance: 0,
      maxTokenBytes: 4096,
      isRevoked,
      fetch,
      jwks: { timeoutMs: 1 },
      cache: false,
      onEvent,
      now,
      provider: 'not tuning',
      issuer: 'https://not.tuning/',
    } as VerifierTuning)
    expect(picked).toStrictEqual({
      clockTolerance: 0,
      maxTokenBytes: 4096,
      isRevoked,
      fetch,
      jwks: { timeoutMs: 1 },
      cache: false,
      onEvent,
      now,
    })
  })

  it('leaves unset and undefined members out', () => {
    // Plain JavaScript callers can pass undefined where the types say absent.
    const picked = pickTuning({
      clockTolerance: undefined,
      now: undefined,
    } as unknown as VerifierTuning)
    expect(picked).toStrictEqual({})
    expect(Object.keys(pickTuning({}))).toEqual([])
  })

  it('keeps the claims type of isRevoked', () => {
    interface MyClaims extends JwtClaims {
      readonly tenant: string
    }
    const picked = pickTuning<MyClaims>({ isRevoked: (verified) => verified.claims.tenant === '' })
    expectTypeOf(picked).toEqualTypeOf<VerifierTuning<MyClaims>>()
  })
})
