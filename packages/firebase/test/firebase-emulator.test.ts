/**
 * Emulator mode with hand-made tokens shaped like the Firebase Auth emulator's: header
 * `{"alg":"none"}`, no kid, an empty signature. The msw server has no handlers: emulator mode
 * must fetch nothing (onUnhandledRequest 'error' would fail the test).
 *
 * Emulator mode fails closed: besides `emulator: true`, it needs FIREBASE_AUTH_EMULATOR_HOST on
 * loopback and NODE_ENV exactly development or test. Each test starts from such an environment
 * (stubbed in beforeEach); the guard's own tests take pieces of it away.
 */
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  vi,
  type MockInstance,
} from 'vitest'
import { setupServer } from 'msw/node'
import { ConfigError, createVerifier } from '@cloudauth/core'
import { defaultKey, signToken } from '@cloudauth/testing'
import { firebase } from '@cloudauth/firebase'
import { outcome } from './support.js'

const PROJECT = 'demo-cloudauth'
const ISSUER = `https://securetoken.google.com/${PROJECT}`

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
let warn: MockInstance<typeof console.warn>
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
  vi.stubEnv('NODE_ENV', 'test')
  vi.stubEnv('FIREBASE_AUTH_EMULATOR_HOST', '127.0.0.1:9099')
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
})
afterAll(() => server.close())

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A token as the emulator makes it: `{"alg":"none"}`, the claims, and an empty signature. */
function emulatorToken(
  overrides: Record<string, unknown> = {},
  header: Record<string, unknown> = { alg: 'none' },
): string {
  const now = Math.floor(Date.now() / 1000)
  const claims = {
    email: 'ada@example.com',
    email_verified: false,
    auth_time: now,
    user_id: 'Zx7v0aQmC5dTmW3kPq9sYb2LnR1e',
    firebase: { identities: { email: ['ada@example.com'] }, sign_in_provider: 'password' },
    iat: now,
    exp: now + 3600,
    aud: PROJECT,
    iss: ISSUER,
    sub: 'Zx7v0aQmC5dTmW3kPq9sYb2LnR1e',
    ...overrides,
  }
  return `${segment(header)}.${segment(claims)}.`
}

describe('firebase() emulator mode', () => {
  it('accepts the emulator’s unsigned tokens only when asked, and warns once at construction', async () => {
    const provider = firebase({ projectId: PROJECT, emulator: true })
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/EMULATOR MODE.*UNSIGNED.*never in production/s)
    const verifier = createVerifier(provider)
    const verified = await verifier.verify(emulatorToken())
    expect(verified.header).toEqual({ alg: 'none' })
    expect(verifier.user(verified)).toMatchObject({
      id: 'Zx7v0aQmC5dTmW3kPq9sYb2LnR1e',
      email: 'ada@example.com',
      provider: 'firebase',
    })
    await verifier.verify(emulatorToken({ sub: 'another-user', user_id: 'another-user' }))
    expect(warn).toHaveBeenCalledTimes(1)
  })

  it('never accepts unsigned tokens by default, and does not warn', async () => {
    const verifier = createVerifier(firebase({ projectId: PROJECT }))
    expect(await outcome(verifier.verify(emulatorToken()))).toBe('unsupported_algorithm')
    const off = createVerifier(firebase({ projectId: PROJECT, emulator: false }))
    expect(await outcome(off.verify(emulatorToken()))).toBe('unsupported_algorithm')
    expect(warn).not.toHaveBeenCalled()
  })

  it('is refused under NODE_ENV=production', () => {
    vi.stubEnv('NODE_ENV', 'production')
    let error: unknown
    try {
      firebase({ projectId: PROJECT, emulator: true })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect(error).toMatchObject({ option: 'emulator' })
    expect(warn).not.toHaveBeenCalled()
    expect(() => firebase({ projectId: PROJECT })).not.toThrow()
  })

  it('fails closed: NODE_ENV must be exactly development or test', () => {
    const refused = [
      undefined,
      '',
      ' ',
      'production',
      'Production',
      'PRODUCTION',
      'prod',
      'staging',
      'dev',
      'Development',
      'TEST',
      ' test',
      'test ',
      'testing',
      'development,production',
    ]
    for (const value of refused) {
      if (value === undefined) vi.stubEnv('NODE_ENV', undefined)
      else vi.stubEnv('NODE_ENV', value)
      let error: unknown
      try {
        firebase({ projectId: PROJECT, emulator: true })
      } catch (caught) {
        error = caught
      }
      expect(error, `NODE_ENV=${String(value)}`).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).problems).toEqual([
        'emulator: needs NODE_ENV=development or NODE_ENV=test (exactly): unsigned tokens are refused anywhere else',
      ])
    }
    for (const value of ['development', 'test']) {
      vi.stubEnv('NODE_ENV', value)
      expect(() => firebase({ projectId: PROJECT, emulator: true })).not.toThrow()
    }
    expect(warn).toHaveBeenCalledTimes(2)
  })

  it('fails closed: FIREBASE_AUTH_EMULATOR_HOST must be set, to a loopback host', () => {
    const refused = [
      undefined,
      '',
      '   ',
      '0.0.0.0:9099',
      '10.0.0.7:9099',
      'firebase:9099',
      'emulator.internal:9099',
      'localhost.attacker.example:9099',
      '127.0.0.1.nip.io:9099',
      '127.0.0.2:9099',
      '[::]:9099',
      '[::ffff:127.0.0.1]:9099',
      'http://127.0.0.1:9099',
      '127.0.0.1:9099/path',
      'user@127.0.0.1:9099',
      '127.0.0.1:99999',
      '127.0.0.1:0',
      ' 127.0.0.1:9099',
    ]
    for (const value of refused) {
      vi.stubEnv('FIREBASE_AUTH_EMULATOR_HOST', value)
      let error: unknown
      try {
        firebase({ projectId: PROJECT, emulator: true })
      } catch (caught) {
        error = caught
      }
      expect(error, `FIREBASE_AUTH_EMULATOR_HOST=${String(value)}`).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).option).toBe('FIREBASE_AUTH_EMULATOR_HOST')
      if (value !== undefined && value.trim() !== '')
        expect((error as ConfigError).message).not.toContain(value.trim())
    }
    for (const value of [
      '127.0.0.1:9099',
      'localhost:9099',
      'LOCALHOST:9099',
      '[::1]:9099',
      '127.0.0.1',
    ]) {
      vi.stubEnv('FIREBASE_AUTH_EMULATOR_HOST', value)
      expect(() => firebase({ projectId: PROJECT, emulator: true }), value).not.toThrow()
    }
  })

  it('lists the environment and option problems together, and builds nothing', () => {
    vi.stubEnv('NODE_ENV', 'prod')
    vi.stubEnv('FIREBASE_AUTH_EMULATOR_HOST', 'firebase:9099')
    let error: unknown
    try {
      firebase({ projectId: 'Bad_Project', emulator: true })
    } catch (caught) {
      error = caught
    }
    expect((error as ConfigError).problems).toHaveLength(3)
    expect((error as ConfigError).option).toBe('projectId, emulator, FIREBASE_AUTH_EMULATOR_HOST')
    expect(warn).not.toHaveBeenCalled()
  })

  it('does not read the emulator variables unless emulator: true is written in code', async () => {
    vi.stubEnv('NODE_ENV', undefined)
    vi.stubEnv('FIREBASE_AUTH_EMULATOR_HOST', '127.0.0.1:9099')
    const verifier = createVerifier(firebase({ projectId: PROJECT }))
    expect(await outcome(verifier.verify(emulatorToken()))).toBe('unsupported_algorithm')
    expect(warn).not.toHaveBeenCalled()
  })

  it('takes only a boolean', () => {
    const options = { projectId: PROJECT, emulator: 'true' }
    expect(() => firebase(options as unknown as Parameters<typeof firebase>[0])).toThrow(
      ConfigError,
    )
  })

  it('still checks every claim of an unsigned token', async () => {
    const verifier = createVerifier(firebase({ projectId: PROJECT, emulator: true }))
    const now = Math.floor(Date.now() / 1000)
    const cases: [Record<string, unknown>, string][] = [
      [{ iss: 'https://securetoken.google.com/other-project' }, 'invalid_issuer'],
      [{ aud: 'other-project' }, 'invalid_audience'],
      [{ sub: '' }, 'invalid_claims'],
      [{ sub: 'u'.repeat(129) }, 'invalid_claims'],
      [{ auth_time: now + 600 }, 'invalid_claims'],
      [{ exp: now - 60 }, 'token_expired'],
      [{ firebase: undefined }, 'invalid_claims'],
    ]
    for (const [overrides, code] of cases) {
      expect(await outcome(verifier.verify(emulatorToken(overrides)))).toBe(code)
    }
  })

  it('checks the tenant of emulator tokens', async () => {
    const verifier = createVerifier(
      firebase({ projectId: PROJECT, emulator: true, tenantId: 'tenant-1' }),
    )
    const firebaseClaim = { sign_in_provider: 'password', tenant: 'tenant-1' }
    expect(await outcome(verifier.verify(emulatorToken({ firebase: firebaseClaim })))).toBe('ok')
    expect(await outcome(verifier.verify(emulatorToken()))).toBe('invalid_claims')
  })

  it('refuses a non-empty signature and other spellings of none', async () => {
    const verifier = createVerifier(firebase({ projectId: PROJECT, emulator: true }))
    expect(await outcome(verifier.verify(`${emulatorToken()}AAAA`))).toBe('invalid_signature')
    expect(await outcome(verifier.verify(emulatorToken({}, { alg: 'NONE' })))).toBe(
      'unsupported_algorithm',
    )
  })

  it('fetches no keys: a signed token has no key set to be checked against', async () => {
    const verifier = createVerifier(firebase({ projectId: PROJECT, emulator: true }))
    const signed = signToken({
      key: defaultKey(),
      claims: { iss: ISSUER, aud: PROJECT, sub: 'u1', auth_time: Math.floor(Date.now() / 1000) },
    })
    expect(await outcome(verifier.verify(signed))).toBe('unknown_key')
  })

  it('accepts the emulator’s unsigned session cookies', async () => {
    const verifier = createVerifier(
      firebase({ projectId: PROJECT, emulator: true, sessionCookie: true }),
    )
    const cookie = emulatorToken({ iss: `https://session.firebase.google.com/${PROJECT}` })
    expect(await outcome(verifier.verify(cookie))).toBe('ok')
    expect(await outcome(verifier.verify(emulatorToken()))).toBe('invalid_issuer')
  })
})
