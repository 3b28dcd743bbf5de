import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ConfigError,
  SUPPORTED_ALGORITHMS,
  createVerifier,
  defineProvider,
  type IssuerOptions,
  type VerifierOptions,
} from '@cloudauth/core'
import { DEFAULTS } from '@cloudauth/core/provider'
import {
  AUDIENCE,
  ISSUER,
  JWKS_URI,
  KeyServer,
  assertNoLeaks,
  expectCode,
  makeKey,
  mint,
  recordError,
  recordEvents,
  type TestKey,
} from './helpers.js'

let key: TestKey

beforeAll(async () => {
  key = await makeKey('RS256', 'key-1')
})
afterAll(assertNoLeaks)

const issuer: IssuerOptions = { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE }

/** The ConfigError `build` throws; fails the test when it does not throw one. */
function configError(build: () => unknown): ConfigError {
  try {
    build()
  } catch (error) {
    recordError(error)
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

/** Builds a verifier from options that the types may not allow, as JavaScript callers can. */
function build(options: Record<string, unknown>): unknown {
  return createVerifier({ issuers: issuer, ...options })
}

function withIssuer(fields: Record<string, unknown>): unknown {
  return createVerifier({ issuers: { ...issuer, ...fields } })
}

describe('defaults', () => {
  it('are the documented ones', () => {
    expect(DEFAULTS).toEqual({
      algorithms: ['RS256'],
      clockTolerance: 5,
      maxTokenBytes: 8192,
      scopeClaims: ['scope'],
      groupClaims: [],
      cacheEntries: 10_000,
      jwks: {
        timeoutMs: 5_000,
        cooldownMs: 30_000,
        defaultMaxAgeMs: 600_000,
        minMaxAgeMs: 60_000,
        maxMaxAgeMs: 86_400_000,
        staleIfErrorMs: 86_400_000,
        errorBackoffMs: 5_000,
        retryAfterSeconds: 30,
        maxBytes: 524_288,
      },
    })
    expect(SUPPORTED_ALGORITHMS).toEqual([
      'RS256',
      'RS384',
      'RS512',
      'PS256',
      'PS384',
      'PS512',
      'ES256',
      'ES384',
      'ES512',
      'EdDSA',
    ])
  })

  it('build a verifier from the minimum: an issuer with keys and an audience', async () => {
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
      fetch: new KeyServer(key).fetch,
      onEvent: recordEvents(),
    })
    expect(verifier.provider).toBe('jwt')
    await expect(verifier.verify(mint(key))).resolves.toBeDefined()
  })
})

describe('ConfigError names the option at fault', () => {
  it.each([
    ['none', ['none']],
    ['NONE in another case', ['RS256', 'NONE']],
    ['HS256', ['HS256']],
    ['hs512 in lower case', ['hs512']],
    ['an unknown algorithm', ['RS1']],
    ['a non-string', [256]],
    ['an empty list', []],
    ['not a list', 'RS256'],
  ])('algorithms: %s', (_name, algorithms) => {
    const error = configError(() => build({ algorithms }))
    expect(error.option).toBe('algorithms')
    expect(error.message).toMatch(/^algorithms: /)
  })

  it('names HMAC and none refusals with the RFC 8725 reason', () => {
    expect(configError(() => build({ algorithms: ['none'] })).message).toContain('RFC 8725')
    expect(configError(() => build({ algorithms: ['HS256'] })).message).toContain('HS256')
  })

  it('issuers[i].algorithms, per issuer', () => {
    expect(configError(() => withIssuer({ algorithms: ['HS256'] })).option).toBe(
      'issuers[0].algorithms',
    )
  })

  it('audience missing versus explicit null', () => {
    const missing = configError(() =>
      createVerifier({
        issuers: { issuer: ISSUER, jwksUri: JWKS_URI },
      } as unknown as VerifierOptions),
    )
    expect(missing.option).toBe('issuers[0].audience')
    expect(missing.message).toContain('null')
    expect(() => withIssuer({ audience: null })).not.toThrow()
  })

  it.each([
    ['an empty string', ''],
    ['an empty list', []],
    ['a list with an empty string', ['api', '']],
    ['a number', 42],
  ])('audience: %s', (_name, audience) => {
    expect(configError(() => withIssuer({ audience })).option).toBe('issuers[0].audience')
  })

  it('jwksUri over http on a non-loopback host; relative or unparsable URLs', () => {
    for (const jwksUri of [
      'http://issuer.test/jwks',
      'http://10.0.0.1/jwks',
      'ftp://issuer.test/jwks',
      '/jwks',
      'not a url',
    ]) {
      expect(configError(() => withIssuer({ jwksUri })).option).toBe('issuers[0].jwksUri')
    }
  })

  it('allows http only for 127.0.0.1, localhost and [::1]', () => {
    for (const jwksUri of [
      'http://127.0.0.1:4000/jwks',
      'http://localhost/jwks',
      'http://[::1]:8080/jwks',
    ]) {
      expect(() => withIssuer({ jwksUri })).not.toThrow()
    }
  })

  it('both jwks and jwksUri, or neither', () => {
    const both = configError(() => withIssuer({ jwks: { keys: [key.jwk] } }))
    expect(both.option).toBe('issuers[0].jwksUri')
    expect(both.message).toContain('not both')
    const neither = configError(() => withIssuer({ jwksUri: undefined }))
    expect(neither.option).toBe('issuers[0].jwksUri')
  })

  it('a fixed jwks that is not a key set or holds no usable key', () => {
    for (const jwks of [
      {},
      { keys: 'x' },
      { keys: [] },
      { keys: [{ ...key.jwk, use: 'enc' }] },
      null,
    ]) {
      const error = configError(() => withIssuer({ jwksUri: undefined, jwks }))
      expect(error.option).toBe('issuers[0].jwks')
    }
    expect(() => withIssuer({ jwksUri: undefined, jwks: { keys: [key.jwk] } })).not.toThrow()
  })

  it('duplicate issuers', () => {
    const error = configError(() =>
      createVerifier({ issuers: [issuer, { ...issuer, audience: 'other' }] }),
    )
    expect(error.option).toBe('issuers[1].issuer')
    expect(error.message).toContain('twice')
  })

  it('no issuers, or an issuer that is not an object or has no issuer string', () => {
    expect(configError(() => createVerifier({ issuers: [] })).option).toBe('issuers')
    expect(configError(() => build({ issuers: undefined })).option).toBe('issuers')
    expect(configError(() => build({ issuers: [null] })).option).toBe('issuers[0]')
    expect(configError(() => withIssuer({ issuer: '' })).option).toBe('issuers[0].issuer')
    expect(configError(() => withIssuer({ issuer: 42 })).option).toBe('issuers[0].issuer')
  })

  it('options that are not an object', () => {
    expect(configError(() => createVerifier(null as unknown as VerifierOptions)).option).toBe(
      'options',
    )
  })

  it.each([
    ['clockTolerance', { clockTolerance: -1 }],
    ['clockTolerance', { clockTolerance: Number.NaN }],
    ['clockTolerance', { clockTolerance: '5' }],
    ['maxTokenBytes', { maxTokenBytes: 0 }],
    ['maxTokenBytes', { maxTokenBytes: Number.POSITIVE_INFINITY }],
    ['jwks.timeoutMs', { jwks: { timeoutMs: 0 } }],
    ['jwks.timeoutMs', { jwks: { timeoutMs: -5 } }],
    ['jwks.cooldownMs', { jwks: { cooldownMs: -1 } }],
    ['jwks.defaultMaxAgeMs', { jwks: { defaultMaxAgeMs: 0 } }],
    ['jwks.minMaxAgeMs', { jwks: { minMaxAgeMs: 10_000, maxMaxAgeMs: 5_000 } }],
    ['jwks.maxMaxAgeMs', { jwks: { maxMaxAgeMs: Number.NaN } }],
    ['jwks.staleIfErrorMs', { jwks: { staleIfErrorMs: -1 } }],
    ['jwks.errorBackoffMs', { jwks: { errorBackoffMs: -1 } }],
    ['jwks.retryAfterSeconds', { jwks: { retryAfterSeconds: 0 } }],
    ['jwks.maxBytes', { jwks: { maxBytes: 0 } }],
    ['cache.maxEntries', { cache: { maxEntries: 0 } }],
    ['cache.maxEntries', { cache: { maxEntries: 1.5 } }],
  ])('bad number: %s in %j', (option, options) => {
    const error = configError(() => build(options))
    expect(error.option).toBe(option)
    expect(error.message.startsWith(`${option}: `)).toBe(true)
  })

  it('accepts zero where zero means "off": clockTolerance, cooldown, stale-if-error, backoff', () => {
    expect(() =>
      build({
        clockTolerance: 0,
        jwks: { cooldownMs: 0, staleIfErrorMs: 0, errorBackoffMs: 0, minMaxAgeMs: 0 },
      }),
    ).not.toThrow()
  })

  it.each(['validate', 'isRevoked', 'onEvent', 'toUser', 'now', 'fetch'])(
    '%s that is not a function',
    (hook) => {
      expect(configError(() => build({ [hook]: 'yes' })).option).toBe(hook)
    },
  )

  it('typ, scopeClaims and groupClaims that are not lists of strings', () => {
    expect(configError(() => build({ typ: 'JWT' })).option).toBe('typ')
    expect(configError(() => build({ typ: [1] })).option).toBe('typ')
    expect(configError(() => build({ scopeClaims: 'scope' })).option).toBe('scopeClaims')
    expect(configError(() => build({ groupClaims: [''] })).option).toBe('groupClaims')
    expect(configError(() => withIssuer({ scopeClaims: [3] })).option).toBe(
      'issuers[0].scopeClaims',
    )
  })

  it('keySetFormat, validate and unsafeUnsigned of an issuer', () => {
    expect(configError(() => withIssuer({ keySetFormat: 'pem' })).option).toBe(
      'issuers[0].keySetFormat',
    )
    expect(configError(() => withIssuer({ validate: {} })).option).toBe('issuers[0].validate')
    expect(configError(() => withIssuer({ unsafeUnsigned: true })).option).toBe(
      'issuers[0].unsafeUnsigned',
    )
  })

  it('is thrown at construction, never per request', async () => {
    const verifier = createVerifier({
      issuers: issuer,
      fetch: new KeyServer(key).fetch,
      onEvent: recordEvents(),
    })
    await expectCode(verifier.verify('not a token'), 'malformed_token')
  })
})

describe('providers', () => {
  it('defineProvider makes options a verifier accepts, with the provider name', async () => {
    const provider = defineProvider({
      provider: 'my-idp',
      issuers: issuer,
      fetch: new KeyServer(key).fetch,
      groupClaims: ['roles'],
      onEvent: recordEvents(),
      toUser: (verified) => ({
        kind: 'user',
        id: `my-idp|${String(verified.claims.sub)}`,
        groups: verified.groups,
        provider: 'my-idp',
        claims: verified.claims,
      }),
    })
    expect(provider.kind).toBe('provider')
    expect(Object.isFrozen(provider)).toBe(true)
    const verifier = createVerifier(provider)
    expect(verifier.provider).toBe('my-idp')
    const verified = await verifier.verify(mint(key, { roles: ['admin'] }))
    expect(verifier.user(verified)).toMatchObject({ id: 'my-idp|user-1', groups: ['admin'] })
  })

  it('checks a provider the same way', () => {
    const provider = defineProvider({
      provider: 'p',
      issuers: issuer,
      algorithms: ['HS256' as never],
    })
    expect(configError(() => createVerifier(provider)).option).toBe('algorithms')
  })
})
