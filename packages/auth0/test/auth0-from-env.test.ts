import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { setupServer } from 'msw/node'
import { createVerifier } from '@cloudauth/core'
import { auth0Preset } from '@cloudauth/testing'
import { auth0FromEnv } from '@cloudauth/auth0'
import { configError } from './support.js'

const DOMAIN = 'acme.eu.auth0.com'
const AUDIENCE = 'https://api.acme.test'
const CLIENT_ID = 'spa-client'

const tenant = auth0Preset({ domain: DOMAIN, audience: AUDIENCE, clientId: CLIENT_ID })
const server = setupServer(tenant.handler)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  vi.unstubAllEnvs()
})
afterAll(() => server.close())

describe('auth0FromEnv()', () => {
  it('reads AUTH0_DOMAIN and a comma-separated AUTH0_AUDIENCE', async () => {
    const provider = auth0FromEnv({
      AUTH0_DOMAIN: ` ${DOMAIN} `,
      AUTH0_AUDIENCE: `https://other.test, ${AUDIENCE},`,
    })
    expect(provider.issuers).toMatchObject({
      issuer: `https://${DOMAIN}/`,
      jwksUri: `https://${DOMAIN}/.well-known/jwks.json`,
      audience: ['https://other.test', AUDIENCE],
    })
    const verified = await createVerifier(provider).verify(tenant.accessToken({ aud: AUDIENCE }))
    expect(verified.claims.sub).toBe(tenant.user.sub)
  })

  it('reads process.env by default', async () => {
    vi.stubEnv('AUTH0_DOMAIN', DOMAIN)
    vi.stubEnv('AUTH0_AUDIENCE', AUDIENCE)
    const verifier = createVerifier(auth0FromEnv())
    await expect(verifier.verify(tenant.accessToken())).resolves.toBeDefined()
  })

  it('lists every problem at once', () => {
    const error = configError(() => auth0FromEnv({ AUTH0_ISSUER: 'http://login.acme.test/' }))
    expect(error.problems).toEqual([
      'AUTH0_ISSUER: must use https (http only for 127.0.0.1, localhost or [::1])',
      'AUTH0_AUDIENCE: is required',
    ])
    const both = configError(() => auth0FromEnv({ AUTH0_DOMAIN: 'https://acme.eu.auth0.com/' }))
    expect(both.problems).toHaveLength(2)
    expect(both.problems[0]).toMatch(/^AUTH0_DOMAIN: must be a bare host/)
    expect(both.problems[1]).toBe('AUTH0_AUDIENCE: is required')
    expect(both.option).toBe('AUTH0_DOMAIN, AUTH0_AUDIENCE')
  })

  it('treats blank variables as unset and never echoes values', () => {
    const error = configError(() =>
      auth0FromEnv({ AUTH0_DOMAIN: '  ', AUTH0_AUDIENCE: ' , ', AUTH0_ISSUER: '' }),
    )
    expect(error.problems).toEqual([
      'AUTH0_DOMAIN: is required (or set AUTH0_ISSUER)',
      'AUTH0_AUDIENCE: is required',
    ])
    const secretish = configError(() =>
      auth0FromEnv({ AUTH0_DOMAIN: 'secret-value/x', AUTH0_AUDIENCE: AUDIENCE }),
    )
    expect(secretish.message).not.toContain('secret-value')
  })

  it('takes AUTH0_ISSUER for a custom domain, with or without AUTH0_DOMAIN', () => {
    const provider = auth0FromEnv({
      AUTH0_ISSUER: 'https://login.acme.test/',
      AUTH0_AUDIENCE: AUDIENCE,
    })
    expect(provider.issuers).toMatchObject({
      issuer: 'https://login.acme.test/',
      jwksUri: 'https://login.acme.test/.well-known/jwks.json',
    })
  })

  it('needs AUTH0_CLIENT_ID, not AUTH0_AUDIENCE, for ID tokens', async () => {
    const error = configError(() =>
      auth0FromEnv({ AUTH0_DOMAIN: DOMAIN, AUTH0_AUDIENCE: AUDIENCE }, { tokenUse: 'id' }),
    )
    expect(error.problems).toEqual(['AUTH0_CLIENT_ID: is required for ID tokens'])
    const ids = createVerifier(
      auth0FromEnv(
        { AUTH0_DOMAIN: DOMAIN, AUTH0_CLIENT_ID: `other,${CLIENT_ID}` },
        { tokenUse: 'id', nonce: 'n1' },
      ),
    )
    await expect(ids.verify(tenant.idToken({ nonce: 'n1' }))).resolves.toBeDefined()
    await expect(ids.verify(tenant.idToken({ nonce: 'n2' }))).rejects.toMatchObject({
      code: 'invalid_claims',
    })
  })

  it('does not read AUTH0_CLIENT_ID for access tokens, but takes a clientId option', async () => {
    const env = { AUTH0_DOMAIN: DOMAIN, AUTH0_AUDIENCE: AUDIENCE, AUTH0_CLIENT_ID: 'spa-only' }
    const open = createVerifier(auth0FromEnv(env))
    await expect(open.verify(tenant.accessToken())).resolves.toBeDefined()
    const restricted = createVerifier(auth0FromEnv(env, { clientId: 'm2m' }))
    await expect(restricted.verify(tenant.accessToken())).rejects.toMatchObject({
      code: 'invalid_audience',
    })
  })

  it('passes the other options to auth0()', async () => {
    const roles = 'https://acme.test/roles'
    const verifier = createVerifier(
      auth0FromEnv(
        { AUTH0_DOMAIN: DOMAIN, AUTH0_AUDIENCE: AUDIENCE },
        { groupClaims: roles, scopeClaims: 'permissions' },
      ),
    )
    const verified = await verifier.verify(
      tenant.accessToken({ [roles]: ['admin'], permissions: ['read:users'] }),
    )
    expect(verified.groups).toEqual(['admin'])
    expect(verified.scopes).toEqual(['read:users'])
  })
})
