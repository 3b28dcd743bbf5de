import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { setupServer } from 'msw/node'
import { createVerifier } from '@cloudauth/core'
import { firebasePreset } from '@cloudauth/testing'
import { firebaseFromEnv } from '@cloudauth/firebase'
import { configError } from './support.js'

const PROJECT = 'acme-prod-1'
const project = firebasePreset({ projectId: PROJECT, tenantId: 'customers-a1b2c' })
const server = setupServer(...project.handlers)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})
afterAll(() => server.close())

describe('firebaseFromEnv()', () => {
  it('reads FIREBASE_PROJECT_ID and FIREBASE_TENANT_ID', async () => {
    const provider = firebaseFromEnv({
      FIREBASE_PROJECT_ID: ` ${PROJECT} `,
      FIREBASE_TENANT_ID: 'customers-a1b2c',
    })
    expect(provider.issuers).toMatchObject({
      issuer: `https://securetoken.google.com/${PROJECT}`,
      audience: PROJECT,
    })
    const verifier = createVerifier(provider)
    await expect(verifier.verify(project.idToken())).resolves.toBeDefined()
    const other = firebasePreset({ projectId: PROJECT, tenantId: 'partners-x9y8z' })
    await expect(verifier.verify(other.idToken())).rejects.toMatchObject({ code: 'invalid_claims' })
  })

  it('reads process.env by default and passes other options through', async () => {
    vi.stubEnv('FIREBASE_PROJECT_ID', PROJECT)
    const verifier = createVerifier(firebaseFromEnv(undefined, { groupClaims: 'roles' }))
    const verified = await verifier.verify(project.idToken({ roles: ['admin'] }))
    expect(verified.groups).toEqual(['admin'])
  })

  it('never turns emulator mode on from FIREBASE_AUTH_EMULATOR_HOST alone: the code must ask', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    for (const NODE_ENV of [undefined, 'test', 'development', 'production']) {
      const error = configError(() =>
        firebaseFromEnv({
          FIREBASE_PROJECT_ID: PROJECT,
          FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099',
          NODE_ENV,
        }),
      )
      expect(error.problems).toEqual([
        'FIREBASE_AUTH_EMULATOR_HOST: is set, but emulator mode (unsigned tokens) is only on with emulator: true in code; unset it outside local tests',
      ])
    }
    expect(warn).not.toHaveBeenCalled()
  })

  it('turns emulator mode on with emulator: true, a loopback host and NODE_ENV=test', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const verifier = createVerifier(
      firebaseFromEnv(
        {
          FIREBASE_PROJECT_ID: PROJECT,
          FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099',
          NODE_ENV: 'test',
        },
        { emulator: true },
      ),
    )
    expect(warn).toHaveBeenCalledTimes(1)
    await expect(verifier.verify(project.emulatorToken())).resolves.toBeDefined()
    const off = createVerifier(firebaseFromEnv({ FIREBASE_PROJECT_ID: PROJECT }))
    await expect(off.verify(project.emulatorToken())).rejects.toMatchObject({
      code: 'unsupported_algorithm',
    })
  })

  it('refuses emulator: true in any other environment, reading the env it was given', () => {
    const cases: [Record<string, string | undefined>, string[]][] = [
      [{ NODE_ENV: 'production' }, ['emulator']],
      [{ NODE_ENV: 'Production' }, ['emulator']],
      [{ NODE_ENV: 'PRODUCTION' }, ['emulator']],
      [{ NODE_ENV: 'prod' }, ['emulator']],
      [{ NODE_ENV: undefined }, ['emulator']],
      [
        { NODE_ENV: 'test', FIREBASE_AUTH_EMULATOR_HOST: undefined },
        ['FIREBASE_AUTH_EMULATOR_HOST'],
      ],
      [
        { NODE_ENV: 'test', FIREBASE_AUTH_EMULATOR_HOST: '10.1.2.3:9099' },
        ['FIREBASE_AUTH_EMULATOR_HOST'],
      ],
      [
        { NODE_ENV: 'prod', FIREBASE_AUTH_EMULATOR_HOST: 'firebase:9099' },
        ['emulator', 'FIREBASE_AUTH_EMULATOR_HOST'],
      ],
    ]
    for (const [vars, options] of cases) {
      const env = {
        FIREBASE_PROJECT_ID: PROJECT,
        FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099',
        ...vars,
      }
      const error = configError(() => firebaseFromEnv(env, { emulator: true }))
      expect(error.option, JSON.stringify(vars)).toBe(options.join(', '))
    }
    // process.env says test, but the env given is the one read.
    vi.stubEnv('NODE_ENV', 'test')
    expect(
      configError(() =>
        firebaseFromEnv(
          { FIREBASE_PROJECT_ID: PROJECT, FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' },
          { emulator: true },
        ),
      ).option,
    ).toBe('emulator')
  })

  it('lists every problem at once', () => {
    const error = configError(() =>
      firebaseFromEnv(
        {
          FIREBASE_PROJECT_ID: 'Not_A_Project',
          FIREBASE_TENANT_ID: 'bad/tenant',
          FIREBASE_AUTH_EMULATOR_HOST: 'localhost:9099',
          NODE_ENV: 'production',
        },
        { groupClaim: 'roles' } as never,
      ),
    )
    expect(error.problems).toEqual([
      'FIREBASE_AUTH_EMULATOR_HOST: is set, but emulator mode (unsigned tokens) is only on with emulator: true in code; unset it outside local tests',
      'groupClaim: is not an option of firebase(); did you mean groupClaims?',
      'FIREBASE_PROJECT_ID: must be a Firebase project id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter',
      'FIREBASE_TENANT_ID: must be an Identity Platform tenant id (letters, digits and hyphens)',
    ])
    expect(error.message).not.toContain('Not_A_Project')
    expect(error.message).not.toContain('bad/tenant')
  })

  it('needs FIREBASE_PROJECT_ID; blank counts as unset', () => {
    expect(configError(() => firebaseFromEnv({})).problems).toEqual([
      'FIREBASE_PROJECT_ID: is required',
    ])
    expect(configError(() => firebaseFromEnv({ FIREBASE_PROJECT_ID: '  ' })).problems).toEqual([
      'FIREBASE_PROJECT_ID: is required',
    ])
  })

  it('reads process.env by default for the emulator guard too', () => {
    vi.stubEnv('FIREBASE_PROJECT_ID', PROJECT)
    vi.stubEnv('FIREBASE_AUTH_EMULATOR_HOST', '127.0.0.1:9099')
    vi.stubEnv('NODE_ENV', 'production')
    expect(configError(() => firebaseFromEnv(undefined, { emulator: true })).option).toBe(
      'emulator',
    )
    expect(configError(() => firebaseFromEnv()).option).toBe('FIREBASE_AUTH_EMULATOR_HOST')
    // An empty FIREBASE_AUTH_EMULATOR_HOST counts as unset.
    vi.stubEnv('FIREBASE_AUTH_EMULATOR_HOST', '')
    expect(() => firebaseFromEnv()).not.toThrow()
  })
})
