import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { AuthError, createVerifier, parseClaims, type CheckContext } from '@cloudauth/core'
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
  recordEvents,
  standardClaims,
  verifierOn,
  type TestKey,
} from './helpers.js'

let key: TestKey

beforeAll(async () => {
  key = await makeKey('RS256', 'key-1')
})
afterAll(assertNoLeaks)

/** A verifier on a fixed clock, with the verified-token cache off so every call checks times. */
function onClock(clock: Clock, options: Parameters<typeof verifierOn>[1] = {}) {
  return verifierOn(new KeyServer(key), { now: clock.now, cache: false, ...options })
}

describe('time claims (RFC 7519 §4.1.4-§4.1.6), default tolerance 5 s', () => {
  it.each([
    ['a string', '1900000000'],
    ['null', null],
    ['a boolean', true],
    ['an array', [1900000000]],
    ['an object', { value: 1 }],
  ])('refuses exp, nbf or iat that is %s as invalid_claims', async (_name, value) => {
    const clock = new Clock()
    const verifier = onClock(clock)
    for (const claim of ['exp', 'nbf', 'iat']) {
      const error = await expectCode(
        verifier.verify(mint(key, { [claim]: value }, { now: clock.seconds })),
        'invalid_claims',
      )
      expect(error.description).toContain(claim)
    }
  })

  it('refuses a token without exp: a bearer token that never expires is not accepted', async () => {
    const clock = new Clock()
    const verifier = onClock(clock)
    await expectCode(
      verifier.verify(mint(key, { exp: undefined }, { now: clock.seconds })),
      'invalid_claims',
    )
  })

  it('accepts a token expired within the tolerance and refuses one expired beyond it', async () => {
    const clock = new Clock()
    const verifier = onClock(clock)
    const token = mint(key, {}, { now: clock.seconds, expiresIn: 60 })
    await expect(verifier.verify(token)).resolves.toBeDefined()
    clock.advance(64_000) // exp + 4 s
    await expect(verifier.verify(token)).resolves.toBeDefined()
    clock.advance(999) // exp + 4.999 s
    await expect(verifier.verify(token)).resolves.toBeDefined()
    clock.advance(1) // exp + 5 s
    await expectCode(verifier.verify(token), 'token_expired')
  })

  it('with clockTolerance 0, refuses a token at its exp second', async () => {
    const clock = new Clock()
    const verifier = onClock(clock, { clockTolerance: 0 })
    const token = mint(key, {}, { now: clock.seconds, expiresIn: 10 })
    clock.advance(9_999)
    await expect(verifier.verify(token)).resolves.toBeDefined()
    clock.advance(1)
    await expectCode(verifier.verify(token), 'token_expired')
  })

  it('refuses nbf in the future beyond the tolerance, accepts it within', async () => {
    const clock = new Clock()
    const verifier = onClock(clock)
    const now = clock.seconds
    await expect(verifier.verify(mint(key, { nbf: now + 5 }, { now }))).resolves.toBeDefined()
    const error = await expectCode(
      verifier.verify(mint(key, { nbf: now + 6 }, { now })),
      'token_not_yet_valid',
    )
    expect(error.description).toContain('nbf')
  })

  it('refuses iat in the future beyond the tolerance, accepts it within', async () => {
    const clock = new Clock()
    const verifier = onClock(clock)
    const now = clock.seconds
    await expect(verifier.verify(mint(key, { iat: now + 5 }, { now }))).resolves.toBeDefined()
    const error = await expectCode(
      verifier.verify(mint(key, { iat: now + 6 }, { now })),
      'token_not_yet_valid',
    )
    expect(error.description).toContain('iat')
  })

  it('honours a larger clockTolerance', async () => {
    const clock = new Clock()
    const verifier = onClock(clock, { clockTolerance: 120 })
    const now = clock.seconds
    await expect(verifier.verify(mint(key, { nbf: now + 100 }, { now }))).resolves.toBeDefined()
    await expect(verifier.verify(mint(key, { exp: now - 100 }, { now }))).resolves.toBeDefined()
    await expectCode(verifier.verify(mint(key, { exp: now - 121 }, { now })), 'token_expired')
  })

  it('uses fake system time when no now option is given', async () => {
    const verifier = verifierOn(new KeyServer(key), { cache: false })
    const token = mint(key, {}, { expiresIn: 30 })
    await expect(verifier.verify(token)).resolves.toBeDefined()
    vi.useFakeTimers({ now: Date.now() + 60_000 })
    try {
      await expectCode(verifier.verify(token), 'token_expired')
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('aud (RFC 7519 §4.1.3)', () => {
  it('refuses a wrong aud string', async () => {
    const verifier = verifierOn(new KeyServer(key))
    await expectCode(verifier.verify(mint(key, { aud: `other-${CANARY}` })), 'invalid_audience')
    await expectCode(verifier.verify(mint(key, { aud: 'API' })), 'invalid_audience')
  })

  it('refuses an aud array that does not name us, and an empty array', async () => {
    const verifier = verifierOn(new KeyServer(key))
    await expectCode(verifier.verify(mint(key, { aud: ['a', `b-${CANARY}`] })), 'invalid_audience')
    await expectCode(verifier.verify(mint(key, { aud: [] })), 'invalid_audience')
  })

  it('accepts an array that names us among others', async () => {
    const verifier = verifierOn(new KeyServer(key))
    await expect(
      verifier.verify(mint(key, { aud: ['https://idp/userinfo', AUDIENCE] })),
    ).resolves.toBeDefined()
  })

  it('refuses a missing aud, and an aud of another type or with non-string entries', async () => {
    const verifier = verifierOn(new KeyServer(key))
    await expectCode(verifier.verify(mint(key, { aud: undefined })), 'invalid_audience')
    await expectCode(verifier.verify(mint(key, { aud: 42 })), 'invalid_audience')
    await expectCode(verifier.verify(mint(key, { aud: [AUDIENCE, 42] })), 'invalid_audience')
  })

  it('accepts any of several configured audiences', async () => {
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwks: { keys: [key.jwk] }, audience: ['one', 'two'] },
      onEvent: recordEvents(),
    })
    await expect(verifier.verify(mint(key, { aud: 'two' }))).resolves.toBeDefined()
    await expectCode(verifier.verify(mint(key, { aud: 'three' })), 'invalid_audience')
  })

  it('is not checked with audience: null', async () => {
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: null },
      fetch: new KeyServer(key).fetch,
      onEvent: recordEvents(),
    })
    await expect(verifier.verify(mint(key, { aud: undefined }))).resolves.toBeDefined()
    await expect(verifier.verify(mint(key, { aud: 'anything' }))).resolves.toBeDefined()
  })
})

describe('other claims', () => {
  it('refuses a sub that is not a string', async () => {
    const verifier = verifierOn(new KeyServer(key))
    await expectCode(verifier.verify(mint(key, { sub: 42 })), 'invalid_claims')
    await expect(verifier.verify(mint(key, { sub: undefined }))).resolves.toBeDefined()
  })

  it('lets a payload with __proto__ and constructor members pollute nothing', async () => {
    const verifier = verifierOn(new KeyServer(key))
    const claims = JSON.stringify(standardClaims()).slice(1, -1)
    const raw =
      `{${claims},"__proto__":{"polluted":"yes","scope":"admin"},` +
      `"constructor":{"prototype":{"polluted":"yes"}},"scope":"read"}`
    const verified = await verifier.verify(mint(key, {}, { rawPayload: raw }))
    const header = `{"alg":"RS256","kid":"key-1","__proto__":{"crit":["x"],"jku":"https://evil/"}}`
    const verifiedHeader = await verifier.verify(mint(key, {}, { rawHeader: header }))

    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
    expect(Object.getPrototypeOf(verified.claims)).toBe(Object.prototype)
    expect(Object.getPrototypeOf(verifiedHeader.header)).toBe(Object.prototype)
    expect(verified.scopes).toEqual(['read'])
    expect((verified.claims as Record<string, unknown>).polluted).toBeUndefined()
    // The members are plain data, kept as the token has them.
    expect(Object.keys(verified.claims)).toContain('__proto__')

    const parsed = await parseClaims(verified, z.object({ sub: z.string(), scope: z.string() }))
    expect(parsed).toEqual({ sub: 'user-1', scope: 'read' })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('passes custom claims through untouched', async () => {
    const verifier = verifierOn(new KeyServer(key))
    const verified = await verifier.verify(mint(key, { 'https://app/roles': ['a'], n: 1.5 }))
    expect(verified.claims['https://app/roles']).toEqual(['a'])
    expect(verified.claims.n).toBe(1.5)
  })
})

describe('validate hooks', () => {
  it('run after the standard checks with the claims, header and context', async () => {
    const clock = new Clock()
    const seen: [unknown, unknown, CheckContext][] = []
    const verifier = onClock(clock, {
      clockTolerance: 7,
      validate: (claims, header, context) => {
        seen.push([claims.sub, header.kid, context])
      },
    })
    await verifier.verify(mint(key, {}, { now: clock.seconds }))
    expect(seen).toEqual([
      ['user-1', 'key-1', { issuer: ISSUER, now: clock.ms / 1000, clockTolerance: 7 }],
    ])
    // Not for a token that failed a standard check.
    await expectCode(
      verifier.verify(mint(key, { aud: 'x' }, { now: clock.seconds })),
      'invalid_audience',
    )
    expect(seen).toHaveLength(1)
  })

  it('pass an AuthError through with its code', async () => {
    const verifier = verifierOn(new KeyServer(key), {
      validate: (claims) => {
        if (claims.token_use !== 'access')
          throw new AuthError('invalid_token_use', 'the token is not an access token')
      },
    })
    await expectCode(verifier.verify(mint(key, { token_use: 'id' })), 'invalid_token_use')
    await expect(verifier.verify(mint(key, { token_use: 'access' }))).resolves.toBeDefined()
  })

  it('turn any other throw into invalid_claims, keeping it as the cause but not in the description', async () => {
    const thrown = new Error('the hook says no')
    const verifier = verifierOn(new KeyServer(key), {
      validate: async () => {
        throw thrown
      },
    })
    const error = await expectCode(verifier.verify(mint(key)), 'invalid_claims')
    expect(error.cause).toBe(thrown)
    expect(error.description).not.toContain('the hook says no')
  })

  it("run the issuer hook (a provider's checks) first, then the verifier-wide one", async () => {
    const order: string[] = []
    const verifier = createVerifier({
      issuers: {
        issuer: ISSUER,
        jwks: { keys: [key.jwk] },
        audience: AUDIENCE,
        validate: () => {
          order.push('issuer')
        },
      },
      validate: () => {
        order.push('verifier')
      },
      onEvent: recordEvents(),
    })
    await verifier.verify(mint(key))
    expect(order).toEqual(['issuer', 'verifier'])
  })
})
