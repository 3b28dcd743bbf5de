import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '@cloudauth/core'
import type { DevMintOptions } from '@cloudauth/testing'
import { createApp, REALM } from '../src/app.js'
import { configFromEnv, OFFLINE_CLIENT_ID } from '../src/config.js'
import { startOffline, type OfflineExample } from '../src/offline.js'

// The example as a user runs it: a real server on 127.0.0.1 (free port), a real dev issuer, fetch.
let example: OfflineExample

beforeAll(async () => {
  example = await startOffline()
})

afterAll(async () => {
  await example.close()
})

type CognitoMint = Omit<DevMintOptions, 'shape'>

function cognitoToken(options: CognitoMint = {}): string {
  return example.issuer.mint({ shape: 'cognito', clientId: OFFLINE_CLIENT_ID, ...options })
}

async function get(path: string, token?: string) {
  const headers: Record<string, string> = {}
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`
  const response = await fetch(`${example.app.url}${path}`, { headers })
  const text = await response.text()
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
  }
}

describe('example-hono: public routes', () => {
  it('GET / answers without a token', async () => {
    const answer = await get('/')
    expect(answer.status).toBe(200)
    expect(answer.body?.['routes']).toContain('/firebase/me')
  })

  it('GET /api/hello greets anonymous without a token and the user with one', async () => {
    expect((await get('/api/hello')).body).toEqual({ hello: 'anonymous' })
    const token = cognitoToken({ subject: 'user-42' })
    expect((await get('/api/hello', token)).body).toEqual({ hello: 'user-42' })
  })

  it('GET /api/hello still rejects a bad token', async () => {
    const answer = await get('/api/hello', cognitoToken({ expiresIn: -120 }))
    expect(answer.status).toBe(401)
    expect(answer.body?.['error']).toBe('invalid_token')
  })
})

describe('example-hono: scopes', () => {
  it('401 with a bare challenge when no token is sent', async () => {
    const answer = await get('/api/users')
    expect(answer.status).toBe(401)
    expect(answer.challenge).toBe(`Bearer realm="${REALM}"`)
  })

  it('200 with read:users', async () => {
    const answer = await get('/api/users', cognitoToken({ scopes: ['read:users'] }))
    expect(answer.status).toBe(200)
    expect(answer.body?.['users']).toHaveLength(2)
  })

  it('403 insufficient_scope without it, naming the scope', async () => {
    const answer = await get('/api/users', cognitoToken({ scopes: ['profile'] }))
    expect(answer.status).toBe(403)
    expect(answer.challenge).toContain('error="insufficient_scope"')
    expect(answer.challenge).toContain('scope="read:users"')
  })

  it('401 for an expired token', async () => {
    const answer = await get(
      '/api/users',
      cognitoToken({ scopes: ['read:users'], expiresIn: -120 }),
    )
    expect(answer.status).toBe(401)
    expect(answer.challenge).toContain('error="invalid_token"')
  })

  it('401 for a token issued to another app client', async () => {
    const token = cognitoToken({ scopes: ['read:users'], clientId: 'someotherclient' })
    expect((await get('/api/users', token)).status).toBe(401)
  })

  it('any: either scope opens /api/reports, neither does not', async () => {
    expect((await get('/api/reports', cognitoToken({ scopes: ['reports:admin'] }))).status).toBe(
      200,
    )
    expect((await get('/api/reports', cognitoToken({ scopes: ['reports:read'] }))).status).toBe(200)
    expect((await get('/api/reports', cognitoToken({ scopes: ['read:users'] }))).status).toBe(403)
  })
})

describe('example-hono: groups, claims, user', () => {
  it('/api/admin needs the admin group', async () => {
    expect((await get('/api/admin', cognitoToken({ groups: ['admin'] }))).status).toBe(200)
    const answer = await get('/api/admin', cognitoToken({ groups: ['staff'] }))
    expect(answer.status).toBe(403)
    expect(answer.challenge).toContain('error="insufficient_scope"')
  })

  it('/api/me answers the schema-checked claims', async () => {
    const answer = await get('/api/me', cognitoToken({ subject: 'user-7', username: 'ada' }))
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ sub: 'user-7', username: 'ada', clientId: OFFLINE_CLIENT_ID })
  })

  it('/api/me rejects a token without username (a machine token) with 401', async () => {
    const answer = await get('/api/me', cognitoToken({ claims: { username: undefined } }))
    expect(answer.status).toBe(401)
    expect(answer.challenge).toContain('error="invalid_token"')
    expect(answer.challenge).toContain('username')
  })

  it('/api/user answers the normalised user', async () => {
    const answer = await get('/api/user', cognitoToken({ username: 'grace', groups: ['admin'] }))
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ username: 'grace', groups: ['admin'], provider: 'cognito' })
  })
})

describe('example-hono: the Firebase route', () => {
  it('200 for a Firebase ID token', async () => {
    const answer = await get('/firebase/me', example.firebaseToken())
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ provider: 'firebase', email: 'dev-user@example.com' })
  })

  it('401 for a Cognito token, and Cognito routes refuse a Firebase token', async () => {
    expect((await get('/firebase/me', cognitoToken())).status).toBe(401)
    expect((await get('/api/user', example.firebaseToken())).status).toBe(401)
  })

  it('401 without a token', async () => {
    expect((await get('/firebase/me')).status).toBe(401)
  })
})

describe('example-hono: configuration from the environment', () => {
  it('is offline (undefined) without COGNITO_USER_POOL_ID', () => {
    expect(configFromEnv({})).toBeUndefined()
  })

  it('builds a real-pool app without touching the network, Firebase route only when configured', async () => {
    const config = configFromEnv({
      COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
      COGNITO_CLIENT_ID: 'exampleclient1',
    })
    expect(config).toBeDefined()
    const app = createApp(config!)
    const index = (await (await app.request('/')).json()) as { routes: string[] }
    expect(index.routes).not.toContain('/firebase/me')
    // No token: rejected before any key is fetched.
    expect((await app.request('/api/users')).status).toBe(401)
  })

  it('takes access tokens only: COGNITO_TOKEN_USE=id is a ConfigError, not a wider API', () => {
    expect(() =>
      configFromEnv({
        COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
        COGNITO_CLIENT_ID: 'exampleclient1',
        COGNITO_TOKEN_USE: 'id',
      }),
    ).toThrow(/COGNITO_TOKEN_USE/)
  })

  it('reports missing variables as a ConfigError', () => {
    expect(() => configFromEnv({ COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123' })).toThrow(
      ConfigError,
    )
  })
})

describe('example-hono: permissions (roles in PGlite, seeded on start)', () => {
  it('GET /api/orders: 403 without orders:read, 200 for the admin group, 401 without a token', async () => {
    expect((await get('/api/orders')).status).toBe(401)
    const staff = await get('/api/orders', cognitoToken({ subject: 'user-7', groups: ['staff'] }))
    expect(staff.status).toBe(403)
    expect(staff.body?.['error']).toBe('insufficient_scope')
    expect(staff.challenge).toMatch(/^Bearer realm="example-hono", error="insufficient_scope"/)
    const admin = await get('/api/orders', cognitoToken({ subject: 'root', groups: ['admin'] }))
    expect(admin).toMatchObject({ status: 200, body: { principal: 'root' } })
  })

  it('a 403, an admin grant through /permissions, then a 200', async () => {
    const user = cognitoToken({ subject: 'user-8', groups: ['staff'] })
    expect((await get('/api/orders', user)).status).toBe(403)
    const grant = await fetch(`${example.app.url}/permissions/users/user-8/roles/orders-reader`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${cognitoToken({ subject: 'root', groups: ['admin'] })}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({}),
    })
    expect(grant.status).toBe(200)
    expect((await get('/api/orders', user)).status).toBe(200)
    // a caller without permissions:admin cannot grant
    const refused = await fetch(`${example.app.url}/permissions/roles`, {
      headers: { authorization: `Bearer ${user}` },
    })
    expect(refused.status).toBe(403)
  })
})
