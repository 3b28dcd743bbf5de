import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVerifier, type VerifiedToken } from '@cloudauth/core'
import {
  AUDIENCE,
  Clock,
  ISSUER,
  KeyServer,
  assertNoLeaks,
  expectCode,
  makeKey,
  mint,
  recordEvents,
  segment,
  settle,
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

/** A verifier on `clock` whose `validate` hook counts the full verifications. */
function counting(clock: Clock, options: Parameters<typeof verifierOn>[1] = {}) {
  const server = new KeyServer(key)
  const counter = { full: 0 }
  const verifier = verifierOn(server, {
    now: clock.now,
    validate: () => {
      counter.full++
    },
    ...options,
  })
  return { verifier, counter, server }
}

describe('verified-token cache (on by default)', () => {
  it('answers a repeated token from the cache, skipping signature and claim checks', async () => {
    const clock = new Clock()
    const { verifier, counter, server } = counting(clock)
    const token = mint(key, {}, { now: clock.seconds })
    const first = await verifier.verify(token)
    const second = await verifier.verify(token)
    expect(second).toBe(first)
    expect(counter.full).toBe(1)
    expect(server.calls).toBe(1)
  })

  it('never serves an entry past the token exp', async () => {
    const clock = new Clock()
    const { verifier, counter } = counting(clock)
    const token = mint(key, {}, { now: clock.seconds, expiresIn: 60 })
    const first = await verifier.verify(token)
    clock.advance(59_999)
    expect(await verifier.verify(token)).toBe(first)
    expect(counter.full).toBe(1)
    clock.advance(1) // at exp: the entry is dropped; the clock tolerance is for fresh checks only
    const again = await verifier.verify(token)
    expect(again).not.toBe(first)
    expect(counter.full).toBe(2)
    clock.advance(5_000) // exp + 5 s: beyond the tolerance
    await expectCode(verifier.verify(token), 'token_expired')
    expect(counter.full).toBe(2)
  })

  it('is keyed by the whole token: another signature or payload is never a hit', async () => {
    const clock = new Clock()
    const { verifier } = counting(clock)
    const token = mint(key, { scope: 'read' }, { now: clock.seconds })
    await verifier.verify(token)
    const [h, p, s] = token.split('.') as [string, string, string]
    const otherSig = `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`
    await expectCode(verifier.verify(track(`${h}.${p}.${otherSig}`)), 'invalid_signature')
    const admin = segment({ ...standardClaims(clock.seconds), scope: 'admin' })
    await expectCode(verifier.verify(track(`${h}.${admin}.${s}`)), 'invalid_signature')
  })

  it('does not keep a rejected token', async () => {
    const clock = new Clock()
    let reject = true
    const { verifier, counter } = counting(clock, {
      validate: () => {
        counter.full++
        if (reject) throw new Error('not yet')
      },
    })
    const token = mint(key, {}, { now: clock.seconds })
    await expectCode(verifier.verify(token), 'invalid_claims')
    reject = false
    await expect(verifier.verify(token)).resolves.toBeDefined()
    expect(counter.full).toBe(2)
  })

  it('is switched off by cache: false', async () => {
    const clock = new Clock()
    const { verifier, counter } = counting(clock, { cache: false })
    const token = mint(key, {}, { now: clock.seconds })
    const first = await verifier.verify(token)
    const second = await verifier.verify(token)
    expect(second).not.toBe(first)
    expect(second).toEqual(first)
    expect(counter.full).toBe(2)
  })

  it('holds at most cache.maxEntries tokens, evicting the least recently used', async () => {
    const clock = new Clock()
    const { verifier, counter } = counting(clock, { cache: { maxEntries: 2 } })
    const [a, b, c] = ['a', 'b', 'c'].map((sub) => mint(key, { sub }, { now: clock.seconds })) as [
      string,
      string,
      string,
    ]
    await verifier.verify(a)
    await verifier.verify(b)
    await verifier.verify(a) // hit: a becomes the most recently used
    expect(counter.full).toBe(2)
    await verifier.verify(c) // evicts b
    expect(counter.full).toBe(3)
    await verifier.verify(a)
    await verifier.verify(c)
    expect(counter.full).toBe(3)
    await verifier.verify(b)
    expect(counter.full).toBe(4)
  })

  it('keeps hits across a key set refresh that still publishes the key', async () => {
    const clock = new Clock()
    const { verifier, counter, server } = counting(clock)
    const token = mint(key, {}, { now: clock.seconds, expiresIn: 7200 })
    const first = await verifier.verify(token)
    clock.advance(11 * 60_000)
    await verifier.verify(mint(key, { sub: 'other' }, { now: clock.seconds }))
    await settle()
    expect(server.calls).toBe(2)
    expect(await verifier.verify(token)).toBe(first)
    expect(counter.full).toBe(2)
  })
})

describe('isRevoked', () => {
  it('runs on every verify, cache hits included', async () => {
    const clock = new Clock()
    const seen: VerifiedToken[] = []
    let revoked = false
    const { verifier, counter } = counting(clock, {
      isRevoked: (verified) => {
        seen.push(verified)
        return revoked
      },
    })
    const token = mint(key, { jti: 'id-1' }, { now: clock.seconds })
    await verifier.verify(token)
    await verifier.verify(token)
    await verifier.verify(token)
    expect(seen).toHaveLength(3)
    expect(counter.full).toBe(1)
    expect(seen[0]?.claims.jti).toBe('id-1')
    revoked = true
    const error = await expectCode(verifier.verify(token), 'token_revoked')
    expect(error.status).toBe(401)
    expect(counter.full).toBe(1)
  })

  it('fails closed as a 503 when the revocation check itself fails', async () => {
    const clock = new Clock()
    const { verifier } = counting(clock, {
      isRevoked: async () => {
        throw new Error('store down')
      },
    })
    const error = await expectCode(
      verifier.verify(mint(key, {}, { now: clock.seconds })),
      'revocation_unavailable',
    )
    expect(error.status).toBe(503)
    expect(error.retryAfter).toBe(30)
  })
})

describe('unsafeUnsigned: emulator tokens', () => {
  const unsigned = (header: Record<string, unknown>, signature = '') =>
    track(`${segment({ alg: 'none', ...header })}.${segment(standardClaims())}.${signature}`)

  it('accepts exactly alg none with an empty signature, never caches it, and refuses the rest', async () => {
    let full = 0
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, audience: AUDIENCE, unsafeUnsigned: 'emulator' },
      validate: () => {
        full++
      },
      onEvent: recordEvents(),
    })
    const token = unsigned({})
    const first = await verifier.verify(token)
    expect(first.claims.iss).toBe(ISSUER)
    expect(await verifier.verify(token)).not.toBe(first)
    expect(full).toBe(2)
    await expectCode(verifier.verify(unsigned({ alg: 'None' })), 'unsupported_algorithm')
    await expectCode(verifier.verify(unsigned({}, 'AAAA')), 'invalid_signature')
  })

  it('is per issuer: another issuer still refuses alg none', async () => {
    const verifier = createVerifier({
      issuers: [
        { issuer: 'https://emulator.test/', audience: AUDIENCE, unsafeUnsigned: 'emulator' },
        { issuer: ISSUER, jwks: { keys: [key.jwk] }, audience: AUDIENCE },
      ],
      onEvent: recordEvents(),
    })
    await expectCode(verifier.verify(unsigned({})), 'unsupported_algorithm')
  })
})
