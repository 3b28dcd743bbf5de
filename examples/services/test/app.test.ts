import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOffline, type OfflineExample } from '../src/offline.js'

// The example, configured only from APP__AUTH__* variables, on a real 127.0.0.1 server, against
// the local dev issuer: one route takes a Cognito user or a service principal, in both frameworks.
describe.each(['hono', 'express'] as const)('%s', (framework) => {
  let example: OfflineExample
  beforeAll(async () => {
    example = await startOffline(framework)
  })
  afterAll(() => example.close())

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${example.url}${path}`, { headers, redirect: 'manual' })
  const userToken = (scopes: string[] = []) =>
    example.issuer.mint({ shape: 'cognito', scopes, subject: 'user-1' })
  const service = (token = example.service.token) => ({
    'x-service-id': example.service.id,
    'x-service-token': token,
  })

  it('is configured from environment variables only', () => {
    expect(Object.keys(example.env).every((name) => name.startsWith('APP__AUTH__'))).toBe(true)
    expect(JSON.stringify(example.env)).not.toContain(example.service.token)
  })

  it('/api/reports accepts a Cognito user', async () => {
    const res = await get('/api/reports', {
      authorization: `Bearer ${userToken(['reports:read'])}`,
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ kind: 'user', id: 'user-1', scopes: ['reports:read'] })
  })

  it('/api/reports accepts a service principal on the same route', async () => {
    const res = await get('/api/reports', service())
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ kind: 'service', id: 'reporter', scopes: [] })
  })

  it('refuses a wrong service token and an unknown service alike (401)', async () => {
    const wrong = await get('/api/reports', service('x'.repeat(43)))
    const unknown = await get('/api/reports', {
      'x-service-id': 'nobody',
      'x-service-token': example.service.token,
    })
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({
        error: 'invalid_token',
        error_description: 'the service credentials are not valid',
      })
    }
  })

  it('refuses a request with no credentials (401) and a half service credential (400)', async () => {
    expect((await get('/api/reports')).status).toBe(401)
    const half = await get('/api/reports', { 'x-service-id': 'reporter' })
    expect(half.status).toBe(400)
    expect(((await half.json()) as { error: string }).error).toBe('invalid_request')
  })

  it('keeps /api/admin for users with the scope: a service is not a user there', async () => {
    expect((await get('/api/admin', service())).status).toBe(401)
    expect((await get('/api/admin', { authorization: `Bearer ${userToken()}` })).status).toBe(403)
    expect(
      (await get('/api/admin', { authorization: `Bearer ${userToken(['reports:admin'])}` })).status,
    ).toBe(200)
  })

  it('describes the routes in OpenAPI: login with PKCE at the dev OAuth server, service headers as apiKey', async () => {
    const doc = (await (await get('/openapi.json')).json()) as {
      components: { securitySchemes: Record<string, unknown> }
      paths: Record<string, { get: { security?: unknown } }>
    }
    expect(doc.components.securitySchemes).toMatchObject({
      user: {
        type: 'oauth2',
        flows: {
          authorizationCode: {
            authorizationUrl: `${example.url}/dev/oauth2/authorize`,
            tokenUrl: `${example.url}/dev/oauth2/token`,
            scopes: { 'reports:admin': '' },
          },
        },
      },
      serviceId: { type: 'apiKey', in: 'header', name: 'X-Service-Id' },
      serviceToken: { type: 'apiKey', in: 'header', name: 'X-Service-Token' },
    })
    expect(doc.paths['/api/reports']?.get.security).toEqual([
      { user: [] },
      { serviceId: [], serviceToken: [] },
    ])
    expect(doc.paths['/api/admin']?.get.security).toEqual([{ user: ['reports:admin'] }])
  })

  it('serves Swagger UI from the local package, no CDN', async () => {
    const page = await (await get('/docs')).text()
    expect(page).toContain('/docs/swagger-ui-bundle.js')
    expect(page).not.toMatch(/https?:\/\//)
    expect((await get('/docs/swagger-ui-bundle.js')).status).toBe(200)
    expect((await get('/docs/oauth2-redirect.html')).status).toBe(200)
  })
})
