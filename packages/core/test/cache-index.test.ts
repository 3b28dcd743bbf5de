import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Clock,
  KeyServer,
  assertNoLeaks,
  expectCode,
  makeKey,
  mint,
  segment,
  standardClaims,
  track,
  verifierOn,
  type TestKey,
} from './helpers.js'

let key: TestKey

beforeAll(async () => {
  key = await makeKey('RS256', 'key-1')
})
afterAll(assertNoLeaks)

// The token cache is indexed by a token's tail (its last 32 characters, inside the signature) for
// speed; these pin that a hit still needs the whole token, and that a look-alike evicts nothing.
describe('verified-token cache index', () => {
  it('never serves a token that only shares the cached token tail, and keeps the cached one', async () => {
    const clock = new Clock()
    let full = 0
    const verifier = verifierOn(new KeyServer(key), {
      now: clock.now,
      validate: () => {
        full++
      },
    })
    const token = mint(key, { scope: 'read' }, { now: clock.seconds })
    const first = await verifier.verify(token)
    const [header, , signature] = token.split('.') as [string, string, string]
    const admin = segment({ ...standardClaims(clock.seconds), scope: 'admin' })
    const lookAlike = track(`${header}.${admin}.${signature}`)
    expect(lookAlike.slice(-32)).toBe(token.slice(-32))
    await expectCode(verifier.verify(lookAlike), 'invalid_signature')
    await expectCode(verifier.verify(lookAlike), 'invalid_signature')
    expect(await verifier.verify(token)).toBe(first)
    expect(full).toBe(1)
  })

  it('serves a token equal to the cached one but held in another string', async () => {
    const clock = new Clock()
    let full = 0
    const verifier = verifierOn(new KeyServer(key), {
      now: clock.now,
      validate: () => {
        full++
      },
    })
    const token = mint(key, {}, { now: clock.seconds })
    const first = await verifier.verify(token)
    const copy = Buffer.from(token, 'latin1').toString('latin1')
    expect(await verifier.verify(copy)).toBe(first)
    expect(full).toBe(1)
  })
})
