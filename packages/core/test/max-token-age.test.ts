import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '@cloudauth/core'
import {
  Clock,
  KeyServer,
  assertNoLeaks,
  expectCode,
  makeKey,
  mint,
  verifierOn,
  type TestKey,
} from './helpers.js'

let key: TestKey

beforeAll(async () => {
  key = await makeKey('RS256', 'key-1')
})
afterAll(assertNoLeaks)

describe('maxTokenAge', () => {
  it('rejects a token older than the cap even when its exp is far away', async () => {
    const clock = new Clock()
    const verifier = verifierOn(new KeyServer(key), { now: clock.now, maxTokenAge: 600 })
    const token = mint(key, {}, { now: clock.seconds, expiresIn: 30 * 86_400 })
    expect((await verifier.verify(token)).claims.sub).toBe('user-1')
    clock.advance(604_000) // past the cap, within the 5 s tolerance
    await expect(verifier.verify(token)).resolves.toBeDefined()
    clock.advance(1_000)
    await expectCode(verifier.verify(token), 'token_expired')
  })

  it('requires iat when set', async () => {
    const clock = new Clock()
    const verifier = verifierOn(new KeyServer(key), { now: clock.now, maxTokenAge: 600 })
    await expectCode(
      verifier.verify(mint(key, { iat: undefined }, { now: clock.seconds })),
      'invalid_claims',
    )
  })

  it('does not serve a cached token past the cap', async () => {
    const clock = new Clock()
    let checks = 0
    const verifier = verifierOn(new KeyServer(key), {
      now: clock.now,
      maxTokenAge: 60,
      clockTolerance: 0,
      validate: () => {
        checks++
      },
    })
    const token = mint(key, {}, { now: clock.seconds, expiresIn: 3600 })
    await verifier.verify(token)
    await verifier.verify(token)
    expect(checks).toBe(1) // served from the cache
    clock.advance(60_000)
    await expectCode(verifier.verify(token), 'token_expired')
  })

  it('is a ConfigError when not a non-negative number', () => {
    expect(() => verifierOn(new KeyServer(key), { maxTokenAge: -1 })).toThrow(ConfigError)
    expect(() => verifierOn(new KeyServer(key), { maxTokenAge: Number.NaN })).toThrow(/maxTokenAge/)
  })
})
