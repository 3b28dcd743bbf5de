import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '@cloudauth/core'
import type { DevMintOptions } from '@cloudauth/testing'
import { createApp, REALM } from '../src/app.js'
import { configFromEnv } from '../src/config.js'
import { listen } from '../src/listen.js'
import { startOffline, TENANT_CLAIM, type OfflineExample } from '../src/offline.js'

// The example as a user runs it: a real server on 127.0.0.1 (free port), a real dev issuer, fetch.
let example: OfflineExample

beforeAll(async () => {
  example = await startOffline()
})

afterAll(async () => {
  await example.close()
})

type Auth0Mint = Omit<DevMintOptions, 'shape'>

function auth0Token(options: Auth0Mint = {}): string {
  return example.issuer.mint({ shape: 'auth0', ...options })
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

describe('example-express: public routes', () => {
  it('GET / answers without a token', async () => {
    const answer = await get('/')
    expect(answer.status).toBe(200)
    expect(answer.body?.['routes']).toContain('/firebase/me')
  })

  it('GET /api/hello greets anonymous without a token and the user with one', async () => {
    expect((await get('/api/hello')).body).toEqual({ hello: 'anonymous' })
    const token = auth0Token({ subject: 'user-42' })
    expect((await get('/api/hello', token)).body).toEqual({ hello: 'user-42' })
  })

  it('GET /api/hello still rejects a bad token', async () => {
    const answer = await get('/api/hello', auth0Token({ expiresIn: -120 }))
    expect(answer.status).toBe(401)
    expect(answer.body?.['error']).toBe('invalid_token')
  })
})

describe('example-express: scopes', () => {
  it('401 with a bare challenge when no token is sent', async () => {
    const answer = await get('/api/users')
    expect(answer.status).toBe(401)
    expect(answer.challenge).toBe(`Bearer realm="${REALM}"`)
  })

  it('200 with read:users', async () => {
    const answer = await get('/api/users', auth0Token({ scopes: ['read:users'] }))
    expect(answer.status).toBe(200)
    expect(answer.body?.['users']).toHaveLength(2)
  })

  it('403 insufficient_scope without it, naming the scope', async () => {
    const answer = await get('/api/users', auth0Token({ scopes: ['profile'] }))
    expect(answer.status).toBe(403)
    expect(answer.challenge).toContain('error="insufficient_scope"')
    expect(answer.challenge).toContain('scope="read:users"')
  })

  it('401 for an expired token', async () => {
    const answer = await get('/api/users', auth0Token({ scopes: ['read:users'], expiresIn: -120 }))
    expect(answer.status).toBe(401)
    expect(answer.challenge).toContain('error="invalid_token"')
  })

  it('401 invalid_token for a token meant for another API (audience)', async () => {
    const token = auth0Token({ scopes: ['read:users'], audience: 'https://other-api.example' })
    const answer = await get('/api/users', token)
    expect(answer.status).toBe(401)
    expect(answer.challenge).toContain('error="invalid_token"')
  })

  it('reads RBAC permissions as scopes too', async () => {
    const token = auth0Token({ scopes: ['openid'], claims: { permissions: ['read:users'] } })
    expect((await get('/api/users', token)).status).toBe(200)
  })

  it('any: either scope opens /api/reports, neither does not', async () => {
    expect((await get('/api/reports', auth0Token({ scopes: ['reports:admin'] }))).status).toBe(200)
    expect((await get('/api/reports', auth0Token({ scopes: ['reports:read'] }))).status).toBe(200)
    expect((await get('/api/reports', auth0Token({ scopes: ['read:users'] }))).status).toBe(403)
  })
})

describe('example-express: groups, claims, user', () => {
  it('/api/admin needs the admin role (namespaced roles claim)', async () => {
    expect((await get('/api/admin', auth0Token({ groups: ['admin'] }))).status).toBe(200)
    const answer = await get('/api/admin', auth0Token({ groups: ['staff'] }))
    expect(answer.status).toBe(403)
    expect(answer.challenge).toContain('error="insufficient_scope"')
  })

  it('/api/me answers the schema-checked claims', async () => {
    const token = auth0Token({ subject: 'auth0|user7', claims: { [TENANT_CLAIM]: 'acme' } })
    const answer = await get('/api/me', token)
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ sub: 'auth0|user7', tenant: 'acme' })
  })

  it('/api/me rejects a token without the tenant claim with 401', async () => {
    const answer = await get('/api/me', auth0Token())
    expect(answer.status).toBe(401)
    expect(answer.challenge).toContain('error="invalid_token"')
    expect(answer.challenge).toContain(TENANT_CLAIM)
  })

  it('/api/user answers the normalised user', async () => {
    const answer = await get('/api/user', auth0Token({ subject: 'auth0|grace', groups: ['admin'] }))
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ id: 'auth0|grace', groups: ['admin'], provider: 'auth0' })
  })
})

describe('example-express: the Firebase route', () => {
  it('200 for a Firebase ID token', async () => {
    const answer = await get('/firebase/me', example.firebaseToken())
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ provider: 'firebase', email: 'dev-user@example.com' })
  })

  it('401 for an Auth0 token, and Auth0 routes refuse a Firebase token', async () => {
    expect((await get('/firebase/me', auth0Token())).status).toBe(401)
    expect((await get('/api/user', example.firebaseToken())).status).toBe(401)
  })

  it('401 without a token', async () => {
    expect((await get('/firebase/me')).status).toBe(401)
  })
})

describe('example-express: configuration from the environment', () => {
  it('is offline (undefined) without AUTH0_DOMAIN or AUTH0_ISSUER', () => {
    expect(configFromEnv({})).toBeUndefined()
  })

  it('builds a real-tenant app without touching the network, Firebase route only when configured', async () => {
    const config = configFromEnv({
      AUTH0_DOMAIN: 'acme.eu.auth0.com',
      AUTH0_AUDIENCE: 'https://api.acme.example',
    })
    expect(config).toBeDefined()
    const real = await listen(createApp(config!), 0)
    try {
      const index = (await (await fetch(`${real.url}/`)).json()) as { routes: string[] }
      expect(index.routes).not.toContain('/firebase/me')
      // No token: rejected before any key is fetched.
      expect((await fetch(`${real.url}/api/users`)).status).toBe(401)
    } finally {
      await real.close()
    }
  })

  it('reports missing variables as a ConfigError', () => {
    expect(() => configFromEnv({ AUTH0_DOMAIN: 'acme.eu.auth0.com' })).toThrow(ConfigError)
  })
})

describe('example-express: permissions (roles in PGlite, seeded on start)', () => {
  it('GET /api/orders: 403 without orders:read, 200 for the admin group, 401 without a token', async () => {
    expect((await get('/api/orders')).status).toBe(401)
    const staff = await get('/api/orders', auth0Token({ subject: 'user-7', groups: ['staff'] }))
    expect(staff.status).toBe(403)
    expect(staff.body?.['error']).toBe('insufficient_scope')
    expect(staff.challenge).toMatch(/^Bearer realm="example-express", error="insufficient_scope"/)
    const admin = await get('/api/orders', auth0Token({ subject: 'root', groups: ['admin'] }))
    expect(admin).toMatchObject({ status: 200, body: { principal: 'root' } })
  })

  it('a 403, an admin grant through /permissions, then a 200', async () => {
    const user = auth0Token({ subject: 'user-8', groups: ['staff'] })
    expect((await get('/api/orders', user)).status).toBe(403)
    const grant = await fetch(`${example.app.url}/permissions/users/user-8/roles/orders-reader`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${auth0Token({ subject: 'root', groups: ['admin'] })}`,
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
