import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auth0, auth0FromEnv } from '@cloudauth/auth0'
import { cognito, cognitoFromEnv } from '@cloudauth/cognito'
import type { JwtClaims, Provider } from '@cloudauth/core'
import { firebase, firebaseFromEnv } from '@cloudauth/firebase'
import { cloudauth } from '@cloudauth/hono'
import { devProviderSetup, startDevIssuer, type DevIssuer, type DevShape } from '@cloudauth/testing'

// What `cloudauth-dev serve` prints for each provider (devProviderSetup) must accept the tokens
// the dev issuer mints with its defaults: the code as printed, and the variables through the
// provider's *FromEnv helper.

let issuer: DevIssuer
beforeAll(async () => {
  issuer = await startDevIssuer()
})
afterAll(() => issuer.stop())

/** Evaluates a printed snippet, `cognito({ ... })`, with the provider functions in scope. */
function fromCode(code: string): Provider {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- a snippet this test made itself
  const make = new Function('cognito', 'auth0', 'firebase', `return ${code}`) as (
    ...providers: unknown[]
  ) => Provider
  return make(cognito, auth0, firebase)
}

async function status<TClaims extends JwtClaims>(
  provider: Provider<TClaims>,
  token: string | undefined,
): Promise<number> {
  const auth = cloudauth(provider)
  const app = new Hono().get('/', auth.verify(), (c) => c.text('ok'))
  const headers: Record<string, string> =
    token === undefined ? {} : { authorization: `Bearer ${token}` }
  return (await app.request('/', { headers })).status
}

describe('devProviderSetup: what cloudauth-dev serve prints', () => {
  it.each(['cognito', 'auth0', 'firebase'] as const)(
    'the %s code accepts a default dev token, and refuses one for other values',
    async (shape: DevShape) => {
      const provider = fromCode(devProviderSetup(issuer.url)[shape].code)
      expect(await status(provider, issuer.mint({ shape }))).toBe(200)
      expect(await status(provider, undefined)).toBe(401)
      const other = {
        cognito: { userPoolId: 'local_other' },
        auth0: { audience: 'https://other.example' },
        firebase: { projectId: 'other-project' },
      }[shape]
      expect(await status(provider, issuer.mint({ shape, ...other }))).toBe(401)
    },
  )

  it('the Cognito, Auth0 and Firebase variables, read by their *FromEnv helpers, accept default dev tokens', async () => {
    const setup = devProviderSetup(issuer.url)
    const cognitoApp = cognitoFromEnv(setup.cognito.env, { tokenUse: 'access' })
    expect(await status(cognitoApp, issuer.mint({ shape: 'cognito' }))).toBe(200)
    const auth0App = auth0FromEnv(setup.auth0.env)
    expect(await status(auth0App, issuer.mint({ shape: 'auth0' }))).toBe(200)
    expect(
      await status(auth0App, issuer.mint({ shape: 'auth0', audience: 'https://x.example' })),
    ).toBe(401)
    const firebaseApp = firebaseFromEnv(setup.firebase.env)
    expect(await status(firebaseApp, issuer.mint({ shape: 'firebase' }))).toBe(200)
    expect(
      await status(firebaseApp, issuer.mint({ shape: 'firebase', projectId: 'other-project' })),
    ).toBe(401)
  })

  it('names the same values in the variables and the code, for a URL with or without a slash', () => {
    for (const url of ['http://127.0.0.1:9400', 'http://127.0.0.1:9400/']) {
      for (const { env, code } of Object.values(devProviderSetup(url))) {
        for (const value of Object.values(env)) expect(code).toContain(`'${value}'`)
        expect(code).not.toContain('9400//')
      }
    }
  })
})
