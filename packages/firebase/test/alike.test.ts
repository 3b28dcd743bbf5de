/**
 * What every provider does the same way (issue 9 item 5, issue 10 item 9, issue 14 item 4):
 * every configuration problem in one ConfigError, unknown options named with the nearest known
 * one, synchronous claim checks, the userId claim and the lifetime ceilings; and
 * firebaseFromEnv() pointed at the local dev issuer (issue 11).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { setupServer } from 'msw/node'
import { createVerifier, type ClaimsCheck, type IssuerOptions } from '@cloudauth/core'
import { DEV_DEFAULTS, firebasePreset, startDevIssuer } from '@cloudauth/testing'
import { firebase, firebaseFromEnv } from '@cloudauth/firebase'
import { configError, outcome } from './support.js'

const PROJECT = 'acme-prod-1'
const project = firebasePreset({ projectId: PROJECT })
const server = setupServer(...project.handlers)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())
const now = () => Math.floor(Date.now() / 1000)

describe('firebase() configuration', () => {
  it('reports every problem at once, unknown options with the nearest known name', () => {
    const error = configError(() =>
      firebase({
        projectId: 'Bad_Project',
        tenantId: 'bad/tenant',
        sessionCookie: 'yes',
        groupClaim: 'roles',
        sesionCookie: true,
        scopeClaims: 5,
        userId: '',
        maxTokenLifetime: 'long',
        validate: 1,
      } as never),
    )
    expect(error.problems).toEqual([
      'groupClaim: is not an option of firebase(); did you mean groupClaims?',
      'sesionCookie: is not an option of firebase(); did you mean sessionCookie?',
      'projectId: must be a Firebase project id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter',
      'tenantId: must be an Identity Platform tenant id (letters, digits and hyphens)',
      'sessionCookie: must be true or false',
      'scopeClaims: must be a claim name or a list of claim names',
      'userId: must be a claim name, such as sub or email',
      'maxTokenLifetime: must be a positive whole number of seconds, or null to switch the ceiling off',
      'validate: must be a function',
    ])
    expect(error.message).not.toContain('Bad_Project')
  })
})

describe('firebase() checks as every provider makes them', () => {
  it('runs its claim checks synchronously: no promise per cold verify', () => {
    const issuer = firebase({ projectId: PROJECT }).issuers as IssuerOptions
    const validate = issuer.validate as ClaimsCheck
    const claims = {
      iss: issuer.issuer,
      aud: PROJECT,
      sub: 'uid-1',
      iat: now(),
      exp: now() + 600,
      auth_time: now(),
      firebase: { sign_in_provider: 'password' },
    }
    const context = { issuer: issuer.issuer, now: now(), clockTolerance: 5 }
    expect(validate(claims, { alg: 'RS256' }, context)).toBeUndefined()
    expect(() => validate({ ...claims, firebase: 1 }, { alg: 'RS256' }, context)).toThrow(
      expect.objectContaining({ code: 'invalid_claims' }),
    )
  })

  it('takes user.id from the userId claim and refuses a token lacking it', async () => {
    const verifier = createVerifier(firebase({ projectId: PROJECT, userId: 'email' }))
    const verified = await verifier.verify(project.idToken({ email: 'ada@example.com' }))
    expect(verifier.user(verified).id).toBe('ada@example.com')
    const refused = await verifier
      .verify(project.idToken({ email: undefined }))
      .catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'invalid_claims' })
    expect((refused as Error).message).toContain(
      'the email claim, which identifies the user (userId)',
    )
  })

  it('refuses ID tokens living longer than an hour and session cookies longer than two weeks', async () => {
    const ids = createVerifier(firebase({ projectId: PROJECT }))
    const cookies = createVerifier(firebase({ projectId: PROJECT, sessionCookie: true }))
    const times = (lifetime: number) => ({
      iat: now() - 10,
      auth_time: now() - 10,
      exp: now() - 10 + lifetime,
    })
    expect(await outcome(ids.verify(project.idToken(times(3600))))).toBe('ok')
    expect(await outcome(ids.verify(project.idToken(times(3601))))).toBe('invalid_claims')
    expect(await outcome(ids.verify(project.idToken(times(14 * 86_400))))).toBe('invalid_claims')
    expect(await outcome(cookies.verify(project.sessionCookie(times(14 * 86_400))))).toBe('ok')
    expect(await outcome(cookies.verify(project.sessionCookie(times(14 * 86_400 + 1))))).toBe(
      'invalid_claims',
    )
    const day = createVerifier(firebase({ projectId: PROJECT, maxTokenLifetime: 86_400 }))
    expect(await outcome(day.verify(project.idToken(times(86_400))))).toBe('ok')
    const off = createVerifier(firebase({ projectId: PROJECT, maxTokenLifetime: null }))
    expect(await outcome(off.verify(project.idToken(times(365 * 86_400))))).toBe('ok')
  })
})

describe('firebaseFromEnv() and the local dev issuer', () => {
  it('accepts dev tokens with FIREBASE_PROJECT_ID and FIREBASE_JWKS_URI set to the dev values', async () => {
    server.close()
    const issuer = await startDevIssuer()
    try {
      const env = {
        FIREBASE_PROJECT_ID: DEV_DEFAULTS.projectId,
        FIREBASE_JWKS_URI: issuer.jwksUri('firebase'),
      }
      expect(env.FIREBASE_JWKS_URI).toBe(`${issuer.url}/firebase/jwks.json`)
      const verifier = createVerifier(firebaseFromEnv(env, { groupClaims: 'roles' }))
      const verified = await verifier.verify(issuer.mint({ shape: 'firebase', groups: ['admin'] }))
      expect(verified.groups).toEqual(['admin'])
      const cookies = createVerifier(
        firebaseFromEnv(
          { ...env, FIREBASE_JWKS_URI: `${issuer.url}/firebase/publicKeys` },
          { sessionCookie: true },
        ),
      )
      await expect(
        cookies.verify(issuer.mint({ shape: 'firebase', tokenUse: 'session' })),
      ).resolves.toBeDefined()
    } finally {
      await issuer.stop()
      server.listen({ onUnhandledRequest: 'error' })
    }
  })

  it('checks FIREBASE_JWKS_URI and refuses what the environment gives in options', () => {
    const error = configError(() =>
      firebaseFromEnv(
        { FIREBASE_PROJECT_ID: PROJECT, FIREBASE_JWKS_URI: 'http://keys.example/jwks' },
        { projectId: 'other-project', jwksUri: 'https://keys.example/jwks' } as never,
      ),
    )
    expect(error.problems).toEqual([
      'projectId: is read from FIREBASE_PROJECT_ID, not from options',
      'FIREBASE_JWKS_URI: must use https (http only for 127.0.0.1, localhost or [::1])',
      'FIREBASE_JWKS_URI: is set while jwksUri is given in code: keep one',
    ])
  })
})
