/**
 * Issue 11 (why was my token refused?) and issue 10 #10: one event per verify, the structured-log
 * adapter, the development log, and `revalidate`, the check that runs on cache hits too.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  AuthError,
  ConfigError,
  type AuthErrorCode,
  createVerifier,
  logEvents,
  type EventLogEntry,
  type VerifierEvent,
  type VerifierOptions,
} from '@cloudauth/core'
import {
  AUDIENCE,
  CANARY,
  Clock,
  ISSUER,
  JWKS_URI,
  KeyServer,
  assertNoLeaks,
  expectCode,
  makeKey,
  mint,
  randomKid,
  verifierOn,
  withKid,
  type TestKey,
} from './helpers.js'

let key: TestKey
let other: TestKey

beforeAll(async () => {
  ;[key, other] = await Promise.all([makeKey('RS256', 'key-1'), makeKey('RS256', 'key-1')])
})
afterEach(() => {
  vi.restoreAllMocks()
})
afterAll(assertNoLeaks)

const MINUTE = 60_000
const anyNumber: unknown = expect.any(Number)

function tokenEvents(events: readonly VerifierEvent[]) {
  return events.filter(
    (event) => event.type === 'token_verified' || event.type === 'token_rejected',
  )
}

describe('revalidate: time-dependent rules on every verify, cache hits included', () => {
  const recentLogin: VerifierOptions['revalidate'] = (claims, _header, { now }) => {
    const authTime = claims['auth_time']
    if (typeof authTime !== 'number' || now - authTime > 300)
      throw new AuthError('invalid_claims', 'a recent login is required')
  }

  it('a now - auth_time <= 300 rule refuses the cached token 20 minutes later', async () => {
    const clock = new Clock()
    const server = new KeyServer(key)
    const events: VerifierEvent[] = []
    const verifier = verifierOn(server, { now: clock.now, revalidate: recentLogin }, events)
    const token = mint(key, { auth_time: clock.seconds }, { now: clock.seconds, expiresIn: 3600 })
    await expect(verifier.verify(token)).resolves.toBeDefined()
    clock.advance(2 * MINUTE)
    await expect(verifier.verify(token)).resolves.toBeDefined()
    clock.advance(18 * MINUTE)
    const error = await expectCode(verifier.verify(token), 'invalid_claims')
    expect(error.description).toBe('a recent login is required')
    // Refused on the cache hit itself: the entry (unexpired, key still published) was served.
    expect(tokenEvents(events).map((event) => [event.type, event.cached])).toEqual([
      ['token_verified', false],
      ['token_verified', true],
      ['token_rejected', true],
    ])
  })

  it('runs once per verify, with the time of that verify; validate runs only on the first', async () => {
    const clock = new Clock()
    const seen: number[] = []
    let validated = 0
    const verifier = verifierOn(new KeyServer(key), {
      now: clock.now,
      validate: () => {
        validated++
      },
      revalidate: (_claims, _header, { now }) => {
        seen.push(now)
      },
    })
    const token = mint(key, {}, { now: clock.seconds })
    for (let i = 0; i < 3; i++) {
      await verifier.verify(token)
      clock.advance(1000)
    }
    expect(validated).toBe(1)
    expect(seen).toEqual([0, 1, 2].map((i) => (clock.ms - (3 - i) * 1000) / 1000))
  })

  it('an async revalidate and a plain throw (invalid_claims, cause kept) work on hits', async () => {
    let fail = false
    const verifier = verifierOn(new KeyServer(key), {
      revalidate: async () => {
        await Promise.resolve()
        if (fail) throw new Error('nope')
      },
    })
    const token = mint(key)
    await verifier.verify(token)
    fail = true
    const error = await expectCode(verifier.verify(token), 'invalid_claims')
    expect((error.cause as Error).message).toBe('nope')
  })

  it('must be a function', () => {
    expect(() =>
      createVerifier({
        issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
        revalidate: 'yes' as never,
      }),
    ).toThrow(ConfigError)
  })
})

describe('token events', () => {
  it('reports verified tokens, fresh then cached, with the issuer, the key and a duration', async () => {
    const events: VerifierEvent[] = []
    const verifier = verifierOn(new KeyServer(key), {}, events)
    const token = mint(key)
    await verifier.verify(token)
    await verifier.verify(token)
    const seen = tokenEvents(events)
    expect(seen).toEqual([
      {
        type: 'token_verified',
        issuer: ISSUER,
        kid: 'key-1',
        durationMs: anyNumber,
        cached: false,
      },
      {
        type: 'token_verified',
        issuer: ISSUER,
        kid: 'key-1',
        durationMs: anyNumber,
        cached: true,
      },
    ])
    for (const event of seen) expect(event.durationMs).toBeGreaterThanOrEqual(0)
  })

  const rejections: readonly (readonly [
    string,
    () => string,
    AuthErrorCode,
    string | undefined,
    string | undefined,
  ])[] = [
    [
      'an unknown issuer',
      () => mint(key, { iss: `https://${CANARY}.test/` }),
      'invalid_issuer',
      undefined,
      undefined,
    ],
    [
      'an expired token',
      () => mint(key, {}, { expiresIn: -600 }),
      'token_expired',
      ISSUER,
      'key-1',
    ],
    ['another key under the same kid', () => mint(other), 'invalid_signature', ISSUER, 'key-1'],
    [
      'a kid the set does not hold',
      () => mint(withKid(key, randomKid())),
      'unknown_key',
      ISSUER,
      undefined,
    ],
    ['a wrong audience', () => mint(key, { aud: CANARY }), 'invalid_audience', ISSUER, 'key-1'],
    ['garbage', () => `${CANARY}.x.y`, 'malformed_token', undefined, undefined],
  ]
  it.each(rejections)(
    'reports %s as token_rejected, with no token value',
    async (_name, build, code, issuer, kid) => {
      const events: VerifierEvent[] = []
      const verifier = verifierOn(new KeyServer(key), {}, events)
      await expectCode(verifier.verify(build()), code)
      expect(tokenEvents(events)).toEqual([
        {
          type: 'token_rejected',
          code,
          issuer,
          kid,
          durationMs: anyNumber,
          cached: false,
        },
      ])
    },
  )

  it('reports a refusal on a cache hit as cached', async () => {
    const events: VerifierEvent[] = []
    let revoked = false
    const verifier = verifierOn(new KeyServer(key), { isRevoked: () => revoked }, events)
    const token = mint(key)
    await verifier.verify(token)
    revoked = true
    await expectCode(verifier.verify(token), 'token_revoked')
    expect(tokenEvents(events).at(-1)).toMatchObject({
      type: 'token_rejected',
      code: 'token_revoked',
      issuer: ISSUER,
      kid: 'key-1',
      cached: true,
    })
  })

  it('without onEvent, reads the clock once per verify, as before, and never performance.now', async () => {
    let reads = 0
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
      fetch: new KeyServer(key).fetch,
      now: () => {
        reads++
        return Date.now()
      },
    })
    const token = mint(key)
    await verifier.verify(token)
    const spy = vi.spyOn(performance, 'now')
    reads = 0
    await verifier.verify(token)
    await expectCode(verifier.verify(`${token}x`), 'malformed_token')
    expect(reads).toBe(2)
    expect(spy).not.toHaveBeenCalled()
  })

  it('a throwing onEvent changes no verdict', async () => {
    const verifier = verifierOn(new KeyServer(key), {
      onEvent: () => {
        throw new Error('logger down')
      },
    })
    await expect(verifier.verify(mint(key))).resolves.toBeDefined()
    await expectCode(verifier.verify(mint(key, { aud: 'other' })), 'invalid_audience')
  })
})

describe('logEvents', () => {
  it('turns each event into one JSON-friendly entry at its level', async () => {
    const lines: { level: string; entry: EventLogEntry }[] = []
    const logger = {
      debug: (entry: EventLogEntry) => lines.push({ level: 'debug', entry }),
      info: (entry: EventLogEntry) => lines.push({ level: 'info', entry }),
      warn: (entry: EventLogEntry) => lines.push({ level: 'warn', entry }),
    }
    const server = new KeyServer(key)
    const verifier = verifierOn(server, { onEvent: logEvents(logger) })
    await verifier.verify(mint(key))
    await expectCode(verifier.verify(mint(key, { aud: CANARY })), 'invalid_audience')
    server.mode = 'http-500'
    await expectCode(
      verifierOn(server, { onEvent: logEvents(logger) }).verify(mint(key)),
      'jwks_unavailable',
    )
    for (const { level, entry } of lines) {
      expect(entry.level).toBe(level)
      expect(JSON.parse(JSON.stringify(entry))).toEqual(entry)
      expect(JSON.stringify(entry)).not.toContain(CANARY)
    }
    expect(lines.map(({ entry }) => [entry.level, entry.event])).toEqual([
      ['info', 'cloudauth.jwks_fetched'],
      ['debug', 'cloudauth.token_verified'],
      ['info', 'cloudauth.token_rejected'],
      ['warn', 'cloudauth.jwks_refresh_failed'],
      ['info', 'cloudauth.token_rejected'],
    ])
    expect(lines[2]?.entry).toMatchObject({
      code: 'invalid_audience',
      issuer: ISSUER,
      kid: 'key-1',
      cached: false,
      message: 'cloudauth: token rejected (invalid_audience)',
    })
    expect(lines[3]?.entry).not.toHaveProperty('error')
    expect(lines[3]?.entry.reason).toMatch(/HTTP 500/)
    expect(lines[4]?.entry).toMatchObject({ code: 'jwks_unavailable', kid: null })
  })

  it('takes a function, and can leave verified tokens out', async () => {
    const entries: EventLogEntry[] = []
    const verifier = verifierOn(new KeyServer(key), {
      onEvent: logEvents((entry) => entries.push(entry), { verified: false }),
    })
    await verifier.verify(mint(key))
    await expectCode(verifier.verify(mint(key, { exp: 1 })), 'token_expired')
    expect(entries.map((entry) => entry.event)).toEqual([
      'cloudauth.jwks_fetched',
      'cloudauth.token_rejected',
    ])
  })
})

describe('devLog', () => {
  function logged(options: Partial<VerifierOptions>, server = new KeyServer(key)) {
    const lines: string[] = []
    const verifier = verifierOn(server, { devLog: (line) => lines.push(line), ...options })
    return { verifier, lines }
  }

  it('says which issuer it trusts when the token names another, never the token issuer', async () => {
    const { verifier, lines } = logged({})
    await expectCode(
      verifier.verify(mint(key, { iss: `https://${CANARY}.test/` })),
      'invalid_issuer',
    )
    expect(lines).toEqual([
      expect.stringContaining(
        `this verifier trusts issuer "${ISSUER}"; the token's issuer (iss) differs`,
      ),
    ])
    expect(lines[0]).toMatch(/^cloudauth: token refused \(invalid_issuer\)/)
  })

  it('says which audience it expects', async () => {
    const { verifier, lines } = logged({})
    await expectCode(verifier.verify(mint(key, { aud: CANARY })), 'invalid_audience')
    expect(lines[0]).toContain(
      `this verifier expects audience "${AUDIENCE}"; the token's aud differs`,
    )
  })

  it('names the allowed algorithms, the key set URL, the tolerance and the fetch failure', async () => {
    const server = new KeyServer(key)
    const { verifier, lines } = logged({ clockTolerance: 7 }, server)
    await expectCode(verifier.verify(mint(key, {}, { expiresIn: -600 })), 'token_expired')
    await expectCode(verifier.verify(mint(withKid(key, randomKid()))), 'unknown_key')
    expect(lines[0]).toContain('clockTolerance 7 s')
    expect(lines[1]).toContain(`the key set at ${JWKS_URI}`)
    const failing = new KeyServer(key)
    failing.mode = 'http-500'
    const down = logged({}, failing)
    await expectCode(down.verifier.verify(mint(key)), 'jwks_unavailable')
    expect(down.lines[0]).toContain(
      `the key set at ${JWKS_URI} cannot be fetched (the key set endpoint answered HTTP 500)`,
    )
    const es = logged({ algorithms: ['ES256'] })
    await expectCode(es.verifier.verify(mint(key)), 'unsupported_algorithm')
    expect(es.lines[0]).toContain('this verifier accepts alg "ES256"')
    for (const line of [...lines, ...down.lines, ...es.lines]) expect(line).not.toContain(CANARY)
  })

  it('is off by default, and true writes to console.warn', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    await expectCode(
      verifierOn(new KeyServer(key)).verify(mint(key, { aud: 'x' })),
      'invalid_audience',
    )
    expect(warn).not.toHaveBeenCalled()
    await expectCode(
      verifierOn(new KeyServer(key), { devLog: true }).verify(mint(key, { aud: 'x' })),
      'invalid_audience',
    )
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toContain('expects audience')
  })

  it('says nothing for an accepted token; a bad devLog option is a ConfigError', async () => {
    const { verifier, lines } = logged({})
    await verifier.verify(mint(key))
    expect(lines).toEqual([])
    expect(() =>
      createVerifier({
        issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
        devLog: 'yes' as never,
      }),
    ).toThrow(ConfigError)
  })
})
