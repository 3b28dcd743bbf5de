import { generateKeyPairSync } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import {
  createVerifier,
  toErrorResponse,
  type PublicJwk,
  type VerifierEvent,
} from '@cloudauth/core'
import {
  AUDIENCE,
  Clock,
  ISSUER,
  JWKS_URI,
  KeyServer,
  T0,
  assertNoLeaks,
  expectCode,
  jwksOf,
  makeKey,
  mint,
  randomKid,
  recordError,
  recordEvents,
  segment,
  settle,
  verifierOn,
  withKid,
  type Mode,
  type TestKey,
} from './helpers.js'

let keyA: TestKey
let keyB: TestKey

beforeAll(async () => {
  ;[keyA, keyB] = await Promise.all([makeKey('RS256', 'key-a'), makeKey('RS256', 'key-b')])
})
afterEach(() => {
  vi.useRealTimers()
})
afterAll(assertNoLeaks)

const MINUTE = 60_000
const HOUR = 60 * MINUTE

function ofType<T extends VerifierEvent['type']>(events: readonly VerifierEvent[], type: T) {
  return events.filter((event): event is Extract<VerifierEvent, { type: T }> => event.type === type)
}

describe('single flight', () => {
  it('makes exactly one request for 100 concurrent verifies on a cold cache', async () => {
    const server = new KeyServer(keyA)
    const verifier = verifierOn(server)
    const tokens = Array.from({ length: 100 }, (_, i) => mint(keyA, { sub: `user-${i}` }))
    const results = await Promise.all(tokens.map((token) => verifier.verify(token)))
    expect(results.map((result) => result.claims.sub)).toEqual(tokens.map((_, i) => `user-${i}`))
    expect(server.calls).toBe(1)
  })

  it('makes exactly one request for 100 concurrent verifies of the same token', async () => {
    const server = new KeyServer(keyA)
    const verifier = verifierOn(server)
    const token = mint(keyA)
    await Promise.all(Array.from({ length: 100 }, () => verifier.verify(token)))
    expect(server.calls).toBe(1)
  })

  it('shares one failed request among concurrent callers, all answered jwks_unavailable', async () => {
    const server = new KeyServer(keyA)
    server.mode = 'http-500'
    const verifier = verifierOn(server)
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => verifier.verify(mint(keyA, { sub: `u${i}` }))),
    )
    expect(server.calls).toBe(1)
    for (const result of results) {
      expect(result.status).toBe('rejected')
      const reason: unknown = recordError((result as PromiseRejectedResult).reason as unknown)
      expect(reason).toMatchObject({ code: 'jwks_unavailable', status: 503 })
    }
  })
})

describe('unknown kid', () => {
  /** A token for `kid`: header and payload of a real token, its signature (never reached). */
  function withRandomKid(template: string, kid: string): string {
    const [, payload, signature] = template.split('.') as [string, string, string]
    return `${segment({ alg: 'RS256', kid, typ: 'JWT' })}.${payload}.${signature}`
  }

  it('1,000 tokens with random kids inside one cooldown make at most 1 extra request, each unknown_key', async () => {
    const clock = new Clock()
    const server = new KeyServer(keyA)
    const verifier = verifierOn(server, { now: clock.now })
    const good = mint(keyA, {}, { now: clock.seconds })
    await verifier.verify(good)
    expect(server.calls).toBe(1)

    // Half at once, half one by one, spread over 25 s of the 30 s cooldown.
    const burst = Array.from({ length: 500 }, () =>
      verifier.verify(withRandomKid(good, randomKid())),
    )
    const settled = await Promise.allSettled(burst)
    for (let i = 0; i < 500; i++) {
      clock.advance(50)
      settled.push(
        await verifier.verify(withRandomKid(good, randomKid())).then(
          (value) => ({ status: 'fulfilled', value }) as const,
          (reason: unknown) => ({ status: 'rejected', reason }) as const,
        ),
      )
    }
    expect(settled).toHaveLength(1000)
    for (const result of settled) {
      expect(result.status).toBe('rejected')
      expect(recordError((result as PromiseRejectedResult).reason)).toMatchObject({
        code: 'unknown_key',
        status: 401,
      })
    }
    expect(server.calls - 1).toBeLessThanOrEqual(1)
    // The known key kept working throughout.
    await expect(
      verifier.verify(mint(keyA, { sub: 'x' }, { now: clock.seconds })),
    ).resolves.toBeDefined()
  })

  it('refetches again for an unknown kid once the cooldown (default 30 s) has passed', async () => {
    const clock = new Clock()
    const server = new KeyServer(keyA)
    const verifier = verifierOn(server, { now: clock.now })
    const good = mint(keyA, {}, { now: clock.seconds })
    await verifier.verify(good)
    await expectCode(verifier.verify(withRandomKid(good, randomKid())), 'unknown_key')
    expect(server.calls).toBe(2)
    clock.advance(29_999)
    await expectCode(verifier.verify(withRandomKid(good, randomKid())), 'unknown_key')
    expect(server.calls).toBe(2)
    clock.advance(1)
    await expectCode(verifier.verify(withRandomKid(good, randomKid())), 'unknown_key')
    expect(server.calls).toBe(3)
  })

  it('honours a custom cooldownMs', async () => {
    const clock = new Clock()
    const server = new KeyServer(keyA)
    const verifier = verifierOn(server, { now: clock.now, jwks: { cooldownMs: 1_000 } })
    const good = mint(keyA, {}, { now: clock.seconds })
    await verifier.verify(good)
    await expectCode(verifier.verify(withRandomKid(good, randomKid())), 'unknown_key')
    clock.advance(999)
    await expectCode(verifier.verify(withRandomKid(good, randomKid())), 'unknown_key')
    expect(server.calls).toBe(2)
    clock.advance(1)
    await expectCode(verifier.verify(withRandomKid(good, randomKid())), 'unknown_key')
    expect(server.calls).toBe(3)
  })
})

describe('key rotation', () => {
  it('fetches a new kid once and verifies it; the old key keeps verifying while published', async () => {
    const clock = new Clock()
    const server = new KeyServer(keyA)
    const verifier = verifierOn(server, { now: clock.now })
    await verifier.verify(mint(keyA, {}, { now: clock.seconds }))
    server.keys = [keyA, keyB]
    clock.advance(1_000)
    await expect(verifier.verify(mint(keyB, {}, { now: clock.seconds }))).resolves.toMatchObject({
      header: { kid: 'key-b' },
    })
    expect(server.calls).toBe(2)
    await verifier.verify(mint(keyB, { sub: 'another' }, { now: clock.seconds }))
    await verifier.verify(mint(keyA, { sub: 'another' }, { now: clock.seconds }))
    expect(server.calls).toBe(2)
  })

  it('stops verifying a removed key once the set is refreshed, a token in the verified-token cache included', async () => {
    const clock = new Clock()
    const server = new KeyServer(keyA)
    const verifier = verifierOn(server, { now: clock.now })
    const tokenA = mint(keyA, {}, { now: clock.seconds, expiresIn: 2 * 3600 })
    await verifier.verify(tokenA)
    await verifier.verify(tokenA)
    expect(server.calls).toBe(1)

    server.keys = [keyB] // A is rotated out
    clock.advance(10 * MINUTE) // the held set is no longer fresh
    await verifier.verify(mint(keyB, {}, { now: clock.seconds }))
    await settle()
    expect(server.calls).toBe(2)
    await expectCode(verifier.verify(tokenA), 'unknown_key')
  })

  it('stops verifying a cached token of a removed key even when no other token arrives', async () => {
    const clock = new Clock()
    const server = new KeyServer(keyA)
    const verifier = verifierOn(server, { now: clock.now })
    const tokenA = mint(keyA, {}, { now: clock.seconds, expiresIn: 2 * 3600 })
    await verifier.verify(tokenA)

    server.keys = [keyB]
    clock.advance(10 * MINUTE)
    // Stale-while-revalidate: this answer may still come from the held keys, but it starts a refresh.
    await verifier.verify(tokenA).catch(() => undefined)
    await settle()
    expect(server.calls).toBe(2)
    await expectCode(verifier.verify(tokenA), 'unknown_key')
  })

  it('answers a new kid with jwks_unavailable, not unknown_key, while the key set cannot be fetched', async () => {
    const clock = new Clock()
    const server = new KeyServer(keyA)
    const verifier = verifierOn(server, { now: clock.now })
    await verifier.verify(mint(keyA, {}, { now: clock.seconds }))
    server.mode = 'http-500'
    server.keys = [keyA, keyB]
    // A rotation during an outage: the client's token may be good; a 401 would log it out.
    const tokenB = mint(keyB, {}, { now: clock.seconds })
    const error = await expectCode(verifier.verify(tokenB), 'jwks_unavailable')
    expect(error.status).toBe(503)
    expect(server.calls).toBe(2)
    await expect(
      verifier.verify(mint(keyA, { sub: 'held' }, { now: clock.seconds })),
    ).resolves.toBeDefined()
    server.mode = 'ok'
    clock.advance(30_000)
    await expect(verifier.verify(tokenB)).resolves.toBeDefined()
    expect(server.calls).toBe(3)
  })

  it('refuses a removed key at once when a rotation is found through an unknown kid', async () => {
    const clock = new Clock()
    const server = new KeyServer(keyA)
    const verifier = verifierOn(server, { now: clock.now })
    const tokenA = mint(keyA, {}, { now: clock.seconds })
    await verifier.verify(tokenA)
    server.keys = [keyB]
    await verifier.verify(mint(keyB, {}, { now: clock.seconds }))
    await expectCode(verifier.verify(tokenA), 'unknown_key')
  })
})

describe('freshness: Cache-Control max-age within [60 s, 24 h], default 10 min', () => {
  it.each([
    ['max-age=120', 120_000],
    ['public, max-age=300, must-revalidate', 300_000],
    ['max-age=10 (below the 60 s floor)', 60_000],
    ['max-age=0', 60_000],
    ['max-age=172800 (above the 24 h ceiling)', 24 * HOUR],
    ['no-store', 60_000],
    ['no-cache', 60_000],
    ['max-age=soon (unreadable)', 10 * MINUTE],
    [undefined, 10 * MINUTE],
  ])('Cache-Control %s keeps the set fresh for %i ms', async (header, freshMs) => {
    const clock = new Clock()
    const server = new KeyServer(keyA)
    server.cacheControl = header?.replace(/ \(.*\)$/, '')
    const events: VerifierEvent[] = []
    const verifier = verifierOn(server, { now: clock.now, cache: false }, events)
    const token = mint(keyA, {}, { now: clock.seconds, expiresIn: 3 * 24 * 3600 })
    await verifier.verify(token)
    expect(ofType(events, 'jwks_fetched')).toEqual([
      { type: 'jwks_fetched', issuer: ISSUER, keys: 1, maxAgeMs: freshMs },
    ])

    clock.advance(freshMs - 1)
    await verifier.verify(token)
    await settle()
    expect(server.calls).toBe(1)

    clock.advance(1)
    // The held key answers at once; the refresh runs behind it (stale-while-revalidate).
    await expect(verifier.verify(token)).resolves.toBeDefined()
    expect(server.calls).toBe(2)
    await settle()
    expect(ofType(events, 'jwks_fetched')).toHaveLength(2)
    await verifier.verify(token)
    expect(server.calls).toBe(2)
  })

  it('honours custom bounds and default', async () => {
    const clock = new Clock()
    const events: VerifierEvent[] = []
    const jwks = { minMaxAgeMs: 1_000, maxMaxAgeMs: 5_000, defaultMaxAgeMs: 2_000 }
    for (const [header, expected] of [
      ['max-age=0', 1_000],
      ['max-age=3', 3_000],
      ['max-age=100', 5_000],
      [undefined, 2_000],
    ] as const) {
      const server = new KeyServer(keyA)
      server.cacheControl = header
      const verifier = verifierOn(server, { now: clock.now, jwks }, events)
      await verifier.warm()
      expect(ofType(events, 'jwks_fetched').at(-1)?.maxAgeMs).toBe(expected)
    }
  })
})

describe('fetch timeout (default 5 s)', () => {
  it('aborts a fetch that does not answer within 5 s: jwks_unavailable, and an event', async () => {
    vi.useFakeTimers()
    const server = new KeyServer(keyA)
    server.mode = 'hang'
    const events: VerifierEvent[] = []
    const verifier = verifierOn(server, {}, events)
    let done = false
    const outcome = expectCode(
      verifier.verify(mint(keyA)).finally(() => {
        done = true
      }),
      'jwks_unavailable',
    )
    await vi.advanceTimersByTimeAsync(4_999)
    expect(done).toBe(false)
    expect(server.signals[0]?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const error = await outcome
    expect(error.status).toBe(503)
    expect(error.retryAfter).toBe(30)
    expect(server.signals[0]?.aborted).toBe(true)
    const failed = ofType(events, 'jwks_refresh_failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]?.issuer).toBe(ISSUER)
    expect(failed[0]?.reason).toMatch(/timed out after 5000 ms/)
  })

  it('honours a custom timeoutMs', async () => {
    vi.useFakeTimers()
    const server = new KeyServer(keyA)
    server.mode = 'hang'
    const verifier = verifierOn(server, { jwks: { timeoutMs: 1_000 } })
    let done = false
    const outcome = expectCode(
      verifier.verify(mint(keyA)).finally(() => {
        done = true
      }),
      'jwks_unavailable',
    )
    await vi.advanceTimersByTimeAsync(999)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await outcome
  })

  it('times out even a fetch that ignores the abort signal', async () => {
    vi.useFakeTimers()
    let calls = 0
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
      fetch: () => {
        calls++
        return new Promise<Response>(() => undefined)
      },
      onEvent: recordEvents(),
    })
    const outcome = expectCode(verifier.verify(mint(keyA)), 'jwks_unavailable')
    await vi.advanceTimersByTimeAsync(5_000)
    await outcome
    expect(calls).toBe(1)
  })

  it('times out a response whose body never ends, even when the fetch ignores the signal', async () => {
    vi.useFakeTimers()
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
      fetch: async () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('{"keys":'))
            },
          }),
          { status: 200 },
        ),
      onEvent: recordEvents(),
    })
    const outcome = expectCode(verifier.verify(mint(keyA)), 'jwks_unavailable')
    await vi.advanceTimersByTimeAsync(5_000)
    await outcome
  })
})

const FAILURES: readonly Mode[] = [
  'http-500',
  'hang',
  'invalid-json',
  'html',
  'no-usable-keys',
  'empty-keys',
  'not-an-object',
  'network-error',
]

describe('a failed refresh keeps the held keys working (stale-if-error, default 24 h)', () => {
  it.each(FAILURES)('when the endpoint fails with %s', async (mode) => {
    vi.useFakeTimers({ now: T0 })
    const server = new KeyServer(keyA)
    const events: VerifierEvent[] = []
    const verifier = verifierOn(server, { cache: false }, events)
    const token = mint(keyA, {}, { expiresIn: 3 * 24 * 3600 })
    await verifier.verify(token)

    server.mode = mode
    vi.setSystemTime(T0 + 10 * MINUTE) // no longer fresh: the next verify refreshes
    await expect(verifier.verify(token)).resolves.toBeDefined()
    expect(server.calls).toBe(2)
    await vi.advanceTimersByTimeAsync(5_000) // lets a hanging fetch time out
    await settle()
    const failed = ofType(events, 'jwks_refresh_failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ issuer: ISSUER, reason: expect.any(String) as string })

    await expect(verifier.verify(token)).resolves.toBeDefined()
    const stale = ofType(events, 'stale_keys_served')
    expect(stale).toHaveLength(1)
    expect(stale[0]).toMatchObject({ type: 'stale_keys_served', issuer: ISSUER })
    expect(stale[0]?.staleForMs).toBeGreaterThanOrEqual(5_000)

    // Still good just before the held keys are 24 h past their freshness...
    vi.setSystemTime(T0 + 10 * MINUTE + 24 * HOUR - 1_000)
    await expect(verifier.verify(token)).resolves.toBeDefined()
    await vi.advanceTimersByTimeAsync(5_000)
    await settle()
    // ...and unavailable after: an outage of the IdP is a 503, never a 401.
    vi.setSystemTime(T0 + 10 * MINUTE + 24 * HOUR + 5_000)
    const outcome = expectCode(verifier.verify(token), 'jwks_unavailable')
    await vi.advanceTimersByTimeAsync(5_000)
    const error = await outcome
    const response = toErrorResponse(error)
    expect(response.status).toBe(503)
    expect(response.headers['retry-after']).toBe('30')
    expect(response.headers['www-authenticate']).toBeUndefined()

    // Recovery without a restart.
    server.mode = 'ok'
    await vi.advanceTimersByTimeAsync(5_000)
    await expect(verifier.verify(token)).resolves.toBeDefined()
  })

  it('honours a custom staleIfErrorMs', async () => {
    const clock = new Clock()
    const server = new KeyServer(keyA)
    const verifier = verifierOn(server, {
      now: clock.now,
      cache: false,
      jwks: { staleIfErrorMs: MINUTE },
    })
    const token = mint(keyA, {}, { now: clock.seconds, expiresIn: 3 * 3600 })
    await verifier.verify(token)
    server.mode = 'http-500'
    clock.advance(10 * MINUTE + MINUTE - 1)
    await expect(verifier.verify(token)).resolves.toBeDefined()
    await settle()
    clock.advance(1)
    await expectCode(verifier.verify(token), 'jwks_unavailable')
  })

  it('announces stale keys once per failed refresh, not once per request', async () => {
    const clock = new Clock()
    const server = new KeyServer(keyA)
    const events: VerifierEvent[] = []
    const verifier = verifierOn(server, { now: clock.now, cache: false }, events)
    const token = mint(keyA, {}, { now: clock.seconds, expiresIn: 3 * 3600 })
    await verifier.verify(token)
    server.mode = 'http-500'
    clock.advance(10 * MINUTE)
    await verifier.verify(token)
    await settle()
    for (let i = 0; i < 10; i++) await verifier.verify(token)
    expect(ofType(events, 'stale_keys_served')).toHaveLength(1)
    // Retries wait errorBackoffMs (default 5 s) between attempts.
    expect(server.calls).toBe(2)
    clock.advance(5_000)
    await verifier.verify(token)
    await settle()
    expect(server.calls).toBe(3)
    await verifier.verify(token)
    expect(ofType(events, 'stale_keys_served')).toHaveLength(2)
  })
})

describe('no keys held and none to be had', () => {
  it.each(FAILURES)(
    'answers jwks_unavailable (503, Retry-After) when the endpoint fails with %s',
    async (mode) => {
      vi.useFakeTimers()
      const server = new KeyServer(keyA)
      server.mode = mode
      const events: VerifierEvent[] = []
      const verifier = verifierOn(server, {}, events)
      const outcome = expectCode(verifier.verify(mint(keyA)), 'jwks_unavailable')
      await vi.advanceTimersByTimeAsync(5_000)
      const error = await outcome
      expect(error.status).toBe(503)
      expect(error.retryAfter).toBe(30)
      expect(ofType(events, 'jwks_refresh_failed')).toHaveLength(1)
    },
  )

  it('waits errorBackoffMs (default 5 s) before asking again, then recovers', async () => {
    const clock = new Clock()
    const server = new KeyServer(keyA)
    server.mode = 'http-500'
    const verifier = verifierOn(server, { now: clock.now })
    const token = mint(keyA, {}, { now: clock.seconds })
    await expectCode(verifier.verify(token), 'jwks_unavailable')
    clock.advance(4_999)
    await expectCode(verifier.verify(token), 'jwks_unavailable')
    expect(server.calls).toBe(1)
    clock.advance(1)
    await expectCode(verifier.verify(token), 'jwks_unavailable')
    expect(server.calls).toBe(2)
    server.mode = 'ok'
    clock.advance(5_000)
    await expect(verifier.verify(token)).resolves.toBeDefined()
    expect(server.calls).toBe(3)
  })

  it('uses a custom retryAfterSeconds', async () => {
    const server = new KeyServer(keyA)
    server.mode = 'http-500'
    const verifier = verifierOn(server, { jwks: { retryAfterSeconds: 12 } })
    const error = await expectCode(verifier.verify(mint(keyA)), 'jwks_unavailable')
    expect(toErrorResponse(error).headers['retry-after']).toBe('12')
  })

  it('refuses a key set larger than jwks.maxBytes', async () => {
    const server = new KeyServer(keyA)
    const events: VerifierEvent[] = []
    const verifier = verifierOn(server, { jwks: { maxBytes: 200 } }, events)
    await expectCode(verifier.verify(mint(keyA)), 'jwks_unavailable')
    expect(ofType(events, 'jwks_refresh_failed')[0]?.reason).toMatch(/too large/)
  })
})

describe('key set contents', () => {
  it('skips unusable keys with an event and serves the good ones', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 })
    const smallJwk = { ...small.publicKey.export({ format: 'jwk' }), kid: 'small', alg: 'RS256' }
    const server = new KeyServer(keyA)
    server.extra = [
      { ...keyB.jwk, kid: 'enc', use: 'enc' },
      { ...keyB.jwk, kid: 'ops', key_ops: ['encrypt'] },
      { ...keyB.jwk, kid: 'private', d: 'AAAA' },
      { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' },
      { ...keyB.jwk, kid: undefined },
      { ...keyB.jwk, kid: 'rs512', alg: 'RS512' },
      smallJwk,
      { ...keyB.jwk, kid: 'twice' },
      { ...keyA.jwk, kid: 'twice' },
      'not a key',
    ] as Record<string, unknown>[]
    const events: VerifierEvent[] = []
    const verifier = verifierOn(server, {}, events)
    await verifier.verify(mint(keyA))
    const skipped = ofType(events, 'jwks_key_skipped').map((event) => event.kid)
    expect(skipped).toEqual(
      expect.arrayContaining(['enc', 'ops', 'private', 'hmac', 'rs512', 'small', 'twice']),
    )
    expect(ofType(events, 'jwks_fetched')[0]?.keys).toBe(1)
    // Keys under a duplicated kid are trusted under neither spelling.
    await expectCode(verifier.verify(mint(withKid(keyB, 'twice'))), 'unknown_key')
    await expectCode(verifier.verify(mint(withKid(keyA, 'twice'))), 'unknown_key')
    await expectCode(verifier.verify(mint(withKid(keyB, 'enc'))), 'unknown_key')
  })

  it('trusts no key under a kid listed three times (an odd count must not re-admit one)', async () => {
    const server = new KeyServer(
      withKid(keyA, 'thrice'),
      withKid(keyB, 'thrice'),
      withKid(keyA, 'thrice'),
    )
    server.extra = [keyB.jwk]
    const verifier = verifierOn(server)
    await expectCode(verifier.verify(mint(withKid(keyA, 'thrice'))), 'unknown_key')
    await expectCode(verifier.verify(mint(withKid(keyB, 'thrice'))), 'unknown_key')
  })

  it('uses a fixed jwks with no network at all', async () => {
    const server = new KeyServer(keyA)
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwks: jwksOf(keyA), audience: AUDIENCE },
      fetch: server.fetch,
      onEvent: recordEvents(),
    })
    await expect(verifier.verify(mint(keyA))).resolves.toBeDefined()
    await expectCode(verifier.verify(mint(keyB)), 'unknown_key')
    expect(server.calls).toBe(0)
  })

  it('keeps working when the onEvent hook throws', async () => {
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
      fetch: new KeyServer(keyA).fetch,
      onEvent: () => {
        throw new Error('hook failure')
      },
    })
    await expect(verifier.verify(mint(keyA))).resolves.toBeDefined()
  })
})

describe('warm()', () => {
  it('fetches every issuer key set once, then not again while fresh', async () => {
    const server = new KeyServer(keyA)
    const verifier = verifierOn(server)
    await verifier.warm()
    expect(server.calls).toBe(1)
    await verifier.warm()
    await verifier.verify(mint(keyA))
    expect(server.calls).toBe(1)
  })

  it('resolves even when the fetch fails', async () => {
    const server = new KeyServer(keyA)
    server.mode = 'http-500'
    const events: VerifierEvent[] = []
    const verifier = verifierOn(server, {}, events)
    await expect(verifier.warm()).resolves.toBeUndefined()
    expect(ofType(events, 'jwks_refresh_failed')).toHaveLength(1)
  })
})

describe('with the global fetch (msw at the real URL)', () => {
  let requests = 0
  const jwks: { keys: PublicJwk[] } = { keys: [] }
  const mock = setupServer(
    http.get(JWKS_URI, () => {
      requests++
      return HttpResponse.json(jwks, { headers: { 'cache-control': 'max-age=600' } })
    }),
  )
  beforeAll(() => {
    jwks.keys = [keyA.jwk]
    mock.listen({ onUnhandledRequest: 'error' })
  })
  afterAll(() => {
    mock.close()
  })

  it('fetches the key set with globalThis.fetch by default', async () => {
    const events: VerifierEvent[] = []
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
      onEvent: recordEvents(events),
    })
    await Promise.all([verifier.verify(mint(keyA)), verifier.verify(mint(keyA, { sub: 'b' }))])
    expect(requests).toBe(1)
    expect(ofType(events, 'jwks_fetched')[0]?.maxAgeMs).toBe(600_000)
  })
})
