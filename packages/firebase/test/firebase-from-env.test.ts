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
    const verifier = createVerifier(firebaseFromEnv(undefined, { groupClaim: 'roles' }))
    const verified = await verifier.verify(project.idToken({ roles: ['admin'] }))
    expect(verified.groups).toEqual(['admin'])
  })

  it('turns emulator mode on when FIREBASE_AUTH_EMULATOR_HOST is set, as firebase-admin does', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const verifier = createVerifier(
      firebaseFromEnv({
        FIREBASE_PROJECT_ID: PROJECT,
        FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099',
      }),
    )
    expect(warn).toHaveBeenCalledTimes(1)
    await expect(verifier.verify(project.emulatorToken())).resolves.toBeDefined()
    const off = createVerifier(firebaseFromEnv({ FIREBASE_PROJECT_ID: PROJECT }))
    await expect(off.verify(project.emulatorToken())).rejects.toMatchObject({
      code: 'unsupported_algorithm',
    })
  })

  it('lists every problem at once, the emulator under production included', () => {
    const error = configError(() =>
      firebaseFromEnv({
        FIREBASE_PROJECT_ID: 'Not_A_Project',
        FIREBASE_TENANT_ID: 'bad/tenant',
        FIREBASE_AUTH_EMULATOR_HOST: 'localhost:9099',
        NODE_ENV: 'production',
      }),
    )
    expect(error.problems).toEqual([
      'FIREBASE_PROJECT_ID: must be a Firebase project id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter',
      'FIREBASE_TENANT_ID: must be an Identity Platform tenant id (letters, digits and hyphens)',
      'FIREBASE_AUTH_EMULATOR_HOST: is set while NODE_ENV=production: emulator mode (unsigned tokens) is refused in production',
    ])
    expect(error.option).toBe(
      'FIREBASE_PROJECT_ID, FIREBASE_TENANT_ID, FIREBASE_AUTH_EMULATOR_HOST',
    )
    expect(error.message).not.toContain('Not_A_Project')
  })

  it('needs FIREBASE_PROJECT_ID; blank counts as unset', () => {
    expect(configError(() => firebaseFromEnv({})).problems).toEqual([
      'FIREBASE_PROJECT_ID: is required',
    ])
    expect(configError(() => firebaseFromEnv({ FIREBASE_PROJECT_ID: '  ' })).problems).toEqual([
      'FIREBASE_PROJECT_ID: is required',
    ])
  })

  it('refuses the emulator under NODE_ENV=production in process.env too', () => {
    vi.stubEnv('NODE_ENV', 'production')
    vi.stubEnv('FIREBASE_PROJECT_ID', PROJECT)
    vi.stubEnv('FIREBASE_AUTH_EMULATOR_HOST', '127.0.0.1:9099')
    expect(configError(() => firebaseFromEnv()).problems).toHaveLength(1)
    // An empty FIREBASE_AUTH_EMULATOR_HOST does not turn emulator mode on.
    vi.stubEnv('FIREBASE_AUTH_EMULATOR_HOST', '')
    expect(() => firebaseFromEnv()).not.toThrow()
  })
})
