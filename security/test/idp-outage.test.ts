import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { setupServer } from 'msw/node'
import {
  AuthError,
  createVerifier,
  toErrorResponse,
  type PublicJwk,
  type VerifierEvent,
} from '@cloudauth/core'
import {
  createJwksEndpoint,
  defaultKey,
  generateTestKey,
  jwksOf,
  signToken,
  type JwksEndpoint,
  type KeySetFailure,
  type TestKey,
} from '@cloudauth/testing'

// IdP misbehaviour (issue 6), scripted with msw and fake timers: the key set endpoint fails in every
// way, recovers, rotates, and is flooded. The rules: held keys keep verifying (stale-if-error), no
// keys means 503 with Retry-After and never 401, recovery needs no restart, a flood of unknown kids
// costs at most one fetch per cooldown, and a removed key stops verifying once the set is refreshed.

const ISSUER = 'https://idp.outage.test/'
const JWKS_URL = 'https://idp.outage.test/.well-known/jwks.json'
const AUDIENCE = 'https://api.outage.test'
const MAX_AGE_S = 600
// Core's defaults, restated: the test is about them.
const COOLDOWN_MS = 30_000
const ERROR_BACKOFF_MS = 5_000
const TIMEOUT_MS = 5_000
const STALE_IF_ERROR_MS = 86_400_000
const RETRY_AFTER_S = 30

const current = defaultKey('ES256')
const next = defaultKey('ES256', 1)
const endpoint: JwksEndpoint = createJwksEndpoint(JWKS_URL, jwksOf(current), {
  cacheControl: `public, max-age=${MAX_AGE_S}`,
})
const server = setupServer(endpoint.handler)

/** Every way the endpoint fails in these scripts: the testing endpoint's, and a set of bad keys only. */
type Failure = KeySetFailure | 'unusable-keys'
const FAILURES: readonly Failure[] = [
  500,
  503,
  404,
  // A redirect is a failed fetch, never followed (SECURITY.md): held keys serve on, none is a 503.
  302,
  307,
  'timeout',
  'network-error',
  'html',
  'invalid-json',
  'empty',
  'no-keys',
  'unusable-keys',
]

function fail(failure: Failure): void {
  if (failure === 'unusable-keys') {
    // Served with 200: keys that must never be used (an encryption key, a 1024-bit RSA key).
    endpoint.setKeys({
      keys: [
        { ...current.publicJwk, use: 'enc' },
        { kty: 'oct', kid: 'h', k: 'c2VjcmV0' },
      ],
    })
  } else endpoint.fail(failure)
}

function recover(): void {
  endpoint.recover()
  endpoint.setKeys(jwksOf(current))
}

function harness() {
  const events: VerifierEvent[] = []
  const verifier = createVerifier({
    issuers: { issuer: ISSUER, jwksUri: JWKS_URL, audience: AUDIENCE },
    algorithms: ['ES256', 'RS256'],
    onEvent: (event) => events.push(event),
  })
  const token = (key: TestKey = current, header: Record<string, unknown> = {}) =>
    signToken({
      key,
      header,
      claims: { iss: ISSUER, aud: AUDIENCE, sub: 'u1', jti: randomUUID() },
      expiresIn: 7 * 86_400,
    })
  const count = (type: VerifierEvent['type']) =>
    events.filter((event) => event.type === type).length
  return { verifier, events, token, count }
}

/**
 * Waits, without moving the clock, until `condition` holds: background refreshes are promises that
 * msw and (with the WebCrypto backend) key imports settle over several turns of the event loop.
 */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 5000; turn++) {
    if (condition()) return
    await vi.advanceTimersByTimeAsync(0)
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
  throw new Error(`never happened: ${what}`)
}

/** The settled value or error of a verify; `hangs` runs the clock by the fetch timeout first. */
async function outcome(promise: Promise<unknown>, hangs = false): Promise<unknown> {
  const settled = promise.then(
    (value) => value,
    (error: unknown) => error,
  )
  if (hangs) await vi.advanceTimersByTimeAsync(TIMEOUT_MS)
  return settled
}

/** Ends the background refresh a request started (a hanging one at the timeout) and waits for it. */
async function finishRefresh(failure: Failure, failed: () => boolean): Promise<void> {
  if (failure === 'timeout') await vi.advanceTimersByTimeAsync(TIMEOUT_MS)
  await until(failed, 'the refresh failed')
}

async function expectUnavailable(promise: Promise<unknown>, hangs = false): Promise<void> {
  const error = await outcome(promise, hangs)
  expect(error).toBeInstanceOf(AuthError)
  const authError = error as AuthError
  expect({
    code: authError.code,
    status: authError.status,
    retryAfter: authError.retryAfter,
  }).toEqual({
    code: 'jwks_unavailable',
    status: 503,
    retryAfter: RETRY_AFTER_S,
  })
  const response = toErrorResponse(authError)
  expect(response.status).toBe(503)
  expect(response.headers['retry-after']).toBe(String(RETRY_AFTER_S))
  // RFC 6750 §3 has no challenge for an outage: the client must not discard its token.
  expect(response.headers['www-authenticate']).toBeUndefined()
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => {
  // setImmediate stays real: `until` yields through it while the clock stands still.
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  })
  vi.setSystemTime(new Date('2026-06-01T00:00:00Z'))
  endpoint.reset()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('held keys keep verifying while the key set cannot be refreshed (stale-if-error)', () => {
  it.each(FAILURES.map((failure) => [String(failure), failure] as const))(
    '%s, then recovery',
    async (_, failure) => {
      const { verifier, token, count } = harness()
      await verifier.verify(token())
      expect(endpoint.hits).toBe(1)

      // Past freshness, with the endpoint failing: the held key answers at once, a refresh runs behind.
      vi.advanceTimersByTime(MAX_AGE_S * 1000 + 1)
      fail(failure)
      await expect(verifier.verify(token())).resolves.toMatchObject({ issuer: ISSUER })
      await finishRefresh(failure, () => count('jwks_refresh_failed') === 1)
      expect(endpoint.hits).toBe(2)
      expect(count('jwks_refresh_failed')).toBe(1)

      // Within the error backoff no request reaches the IdP, however many tokens arrive.
      for (let i = 0; i < 20; i++) await verifier.verify(token())
      expect(endpoint.hits).toBe(2)
      expect(count('stale_keys_served')).toBe(1)

      // After the backoff, one more attempt; still failing, still serving.
      vi.advanceTimersByTime(ERROR_BACKOFF_MS)
      await expect(verifier.verify(token())).resolves.toMatchObject({ issuer: ISSUER })
      await finishRefresh(failure, () => count('jwks_refresh_failed') === 2)
      expect(endpoint.hits).toBe(3)

      // Recovery, without a restart: the next attempt fetches the set again.
      recover()
      vi.advanceTimersByTime(ERROR_BACKOFF_MS)
      await verifier.verify(token())
      await until(() => count('jwks_fetched') === 2, 'the set was fetched again')
      expect(endpoint.hits).toBe(4)
      await verifier.verify(token())
      expect(endpoint.hits).toBe(4)
    },
  )

  it('stops serving held keys after staleIfErrorMs, and answers 503, not 401', async () => {
    const { verifier, token } = harness()
    await verifier.verify(token())
    endpoint.fail(500)
    vi.advanceTimersByTime(MAX_AGE_S * 1000 + STALE_IF_ERROR_MS)
    await expectUnavailable(verifier.verify(token()))
    recover()
    vi.advanceTimersByTime(ERROR_BACKOFF_MS)
    await expect(verifier.verify(token())).resolves.toMatchObject({ issuer: ISSUER })
  })

  it('emits events that carry no token and no key material', async () => {
    const { verifier, token, events, count } = harness()
    const sent = token()
    await verifier.verify(sent)
    vi.advanceTimersByTime(MAX_AGE_S * 1000 + 1)
    endpoint.fail('html')
    await verifier.verify(token())
    await until(() => count('jwks_refresh_failed') === 1, 'the refresh failed')
    await verifier.verify(token())
    const text = JSON.stringify(events, (_, value: unknown) =>
      value instanceof Error ? value.message : value,
    )
    for (const part of sent.split('.')) expect(text).not.toContain(part)
    // Key set events; each verify adds its own token_verified (checked in core's verify-events test).
    expect(events.map((event) => event.type).filter((type) => !type.startsWith('token_'))).toEqual([
      'jwks_fetched',
      'jwks_refresh_failed',
      'stale_keys_served',
    ])
    expect(events.filter((event) => event.type === 'token_verified')).toHaveLength(3)
  })
})

describe('no keys held: 503 with Retry-After, never 401', () => {
  it.each(FAILURES.map((failure) => [String(failure), failure] as const))(
    '%s, then recovery',
    async (_, failure) => {
      const { verifier, token } = harness()
      fail(failure)
      await expectUnavailable(verifier.verify(token()), failure === 'timeout')
      expect(endpoint.hits).toBe(1)

      // Concurrent requests in the backoff share the verdict and cause no request.
      await Promise.all(
        Array.from({ length: 50 }, () => expectUnavailable(verifier.verify(token()))),
      )
      expect(endpoint.hits).toBe(1)

      recover()
      vi.advanceTimersByTime(ERROR_BACKOFF_MS)
      await expect(verifier.verify(token())).resolves.toMatchObject({ issuer: ISSUER })
      expect(endpoint.hits).toBe(2)
    },
  )

  it('makes one request for 100 concurrent tokens on a cold cache, failing or not', async () => {
    const failing = harness()
    endpoint.fail(500)
    const failed = await Promise.all(
      Array.from({ length: 100 }, () => outcome(failing.verifier.verify(failing.token()))),
    )
    expect(
      failed.every((error) => error instanceof AuthError && error.code === 'jwks_unavailable'),
    ).toBe(true)
    expect(endpoint.hits).toBe(1)

    endpoint.reset()
    const ok = harness()
    await Promise.all(Array.from({ length: 100 }, () => ok.verifier.verify(ok.token())))
    expect(endpoint.hits).toBe(1)
  })

  it('still refuses a bad token first when it can tell without keys (iss, alg), with no request', async () => {
    const { verifier, token } = harness()
    endpoint.fail(500)
    const wrongIssuer = signToken({
      key: current,
      claims: { iss: 'https://other.test/', aud: AUDIENCE },
    })
    await expect(verifier.verify(wrongIssuer)).rejects.toMatchObject({
      code: 'invalid_issuer',
      status: 401,
    })
    await expect(verifier.verify(token(current, { alg: 'none' }))).rejects.toMatchObject({
      code: 'unsupported_algorithm',
    })
    expect(endpoint.hits).toBe(0)
  })
})

describe('a key set with bad keys among good ones', () => {
  it('uses the good key, skips each bad one with an event, and refuses tokens of bad keys as unknown_key', async () => {
    const small = generateTestKey('RS256', { kid: 'rsa-1024', modulusLength: 1024 })
    const twinA = generateTestKey('ES256', { kid: 'twin' })
    const twinB = generateTestKey('ES256', { kid: 'twin' })
    const privateJwk = next.privateKey.export({ format: 'jwk' }) as Record<string, unknown>
    const bad: { key: TestKey; jwk: PublicJwk; why: string }[] = [
      { key: next, jwk: { ...next.publicJwk, use: 'enc' }, why: 'encryption key' },
      {
        key: next,
        jwk: { ...next.publicJwk, key_ops: ['encrypt'] },
        why: 'key_ops without verify',
      },
      {
        key: next,
        jwk: { ...privateJwk, kid: next.kid, kty: 'EC' },
        why: 'private key',
      },
      { key: small, jwk: small.publicJwk, why: '1024-bit RSA' },
      { key: next, jwk: { ...next.publicJwk, alg: 'HS256' }, why: 'alg not allowed' },
      { key: next, jwk: { ...next.publicJwk, x: 'AAAA' }, why: 'not a point' },
      { key: next, jwk: { ...next.publicJwk, crv: 'P-384' }, why: 'wrong curve' },
      { key: next, jwk: { ...next.publicJwk, kty: 'XYZ' }, why: 'unknown kty' },
    ]
    const keys = [
      { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' },
      { kid: 'no-kty' },
      'not an object',
      { ...current.publicJwk, kid: undefined },
      twinA.publicJwk,
      twinB.publicJwk,
      current.publicJwk,
    ]
    for (const { jwk, why } of bad) {
      const { verifier, token, events } = harness()
      endpoint.setKeys({ keys: [...keys, jwk] as unknown as PublicJwk[] })
      await expect(verifier.verify(token()), why).resolves.toMatchObject({ issuer: ISSUER })
      for (const [signer, kid] of [
        [bad.find((b) => b.jwk === jwk)?.key ?? next, jwk.kid ?? next.kid],
        [twinA, 'twin'],
      ] as const) {
        const error = await verifier.verify(token(signer, { kid })).catch((e: unknown) => e)
        expect(error, why).toBeInstanceOf(AuthError)
        expect((error as AuthError).code, why).toBe('unknown_key')
      }
      const skipped = events.filter((event) => event.type === 'jwks_key_skipped')
      expect(skipped.length, why).toBeGreaterThanOrEqual(6)
      expect(JSON.stringify(events)).not.toContain(String(privateJwk.d))
    }
  })
})

describe('rotation', () => {
  it('fetches a new kid once, and stops accepting a removed key once the set is refreshed', async () => {
    const { verifier, token, count } = harness()
    const old = token(current)
    await verifier.verify(old)
    expect(endpoint.hits).toBe(1)

    // A new key appears before tokens signed with it: the unknown kid costs one refetch.
    endpoint.setKeys(jwksOf(current, next))
    await verifier.verify(token(next))
    await verifier.verify(token(next))
    expect(endpoint.hits).toBe(2)

    // The old key is removed. Until the held set is refreshed it is still the issuer's.
    endpoint.setKeys(jwksOf(next))
    await verifier.verify(old)

    // Past freshness the set is refreshed; from then on neither the cached result nor a new token
    // of the old key verifies.
    vi.advanceTimersByTime(MAX_AGE_S * 1000 + 1)
    await verifier.verify(token(next))
    await until(() => count('jwks_fetched') === 3, 'the set was refreshed')
    expect(endpoint.hits).toBe(3)
    await expect(verifier.verify(old)).rejects.toMatchObject({ code: 'unknown_key', status: 401 })
    await expect(verifier.verify(token(current))).rejects.toMatchObject({ code: 'unknown_key' })
    await expect(verifier.verify(token(next))).resolves.toMatchObject({ issuer: ISSUER })
  })
})

describe('a flood of tokens with random kids', () => {
  it('costs at most one fetch per cooldown, refuses each as unknown_key, and keeps verifying good tokens', async () => {
    const { verifier, token } = harness()
    await verifier.verify(token())
    const flood = () =>
      Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          verifier.verify(token(current, { kid: `${randomUUID()}-${i}` })).then(
            () => 'accepted',
            (error: unknown) => (error instanceof AuthError ? error.code : 'untyped'),
          ),
        ),
      )
    const first = await flood()
    expect(new Set(first)).toEqual(new Set(['unknown_key']))
    expect(endpoint.hits).toBeLessThanOrEqual(2)
    await expect(verifier.verify(token())).resolves.toMatchObject({ issuer: ISSUER })

    // Within the same cooldown, another flood: no request at all.
    const hits = endpoint.hits
    vi.advanceTimersByTime(COOLDOWN_MS - 1)
    expect(new Set(await flood())).toEqual(new Set(['unknown_key']))
    expect(endpoint.hits).toBe(hits)

    // Next cooldown: at most one more.
    vi.advanceTimersByTime(1)
    expect(new Set(await flood())).toEqual(new Set(['unknown_key']))
    expect(endpoint.hits).toBeLessThanOrEqual(hits + 1)
    await expect(verifier.verify(token())).resolves.toMatchObject({ issuer: ISSUER })
  })

  it('during an outage, costs one attempt per cooldown, answers 503 for unknown kids, and good tokens verify', async () => {
    const { verifier, token } = harness()
    await verifier.verify(token())
    endpoint.fail(500)
    vi.advanceTimersByTime(COOLDOWN_MS)
    const codes = await Promise.all(
      Array.from({ length: 1000 }, () =>
        verifier.verify(token(current, { kid: randomUUID() })).then(
          () => 'accepted',
          (error: unknown) => (error instanceof AuthError ? error.code : 'untyped'),
        ),
      ),
    )
    // An unknown kid while the set cannot be refreshed may be a rotation we cannot see: 503, not 401.
    expect(new Set(codes)).toEqual(new Set(['jwks_unavailable']))
    expect(endpoint.hits).toBe(2)
    await expect(verifier.verify(token())).resolves.toMatchObject({ issuer: ISSUER })
  })
})
