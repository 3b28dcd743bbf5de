import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Clock,
  KeyServer,
  assertNoLeaks,
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

describe('the default user of a verifier without a provider', () => {
  it('maps the OIDC standard claims', async () => {
    const clock = new Clock()
    const verifier = verifierOn(new KeyServer(key), { now: clock.now, groupClaims: ['roles'] })
    const claims = {
      email: 'ada@example.com',
      email_verified: true,
      name: 'Ada',
      picture: 'https://example.com/ada.png',
      roles: ['admin'],
    }
    const verified = await verifier.verify(mint(key, claims, { now: clock.seconds }))
    expect(verifier.user(verified)).toEqual({
      kind: 'user',
      id: 'user-1',
      email: 'ada@example.com',
      emailVerified: true,
      name: 'Ada',
      picture: 'https://example.com/ada.png',
      groups: ['admin'],
      provider: 'jwt',
      claims: verified.claims,
    })
  })

  it('leaves out what the token does not carry', async () => {
    const clock = new Clock()
    const verifier = verifierOn(new KeyServer(key), { now: clock.now })
    const verified = await verifier.verify(mint(key, { email: 42 }, { now: clock.seconds }))
    expect(verifier.user(verified)).toEqual({
      kind: 'user',
      id: 'user-1',
      groups: [],
      provider: 'jwt',
      claims: verified.claims,
    })
  })
})
