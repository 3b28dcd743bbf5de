import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import {
  addOpenApiSecurity,
  expressRoutes,
  honoRoutes,
  openApiSecurity,
  registerSecuritySchemes,
  secureRoute,
  type RouteSecurity,
} from '@cloudauth/openapi'
import express from 'express'
import { Hono, type MiddlewareHandler } from 'hono'
import { describe, expect, it } from 'vitest'

// Middleware as the bindings make them from pipeline steps: each carries its step's `security`.
const text = expect.any(String) as string
const verify: RouteSecurity = { credentials: 'token', kinds: ['user'] }
const scope = (values: string[], mode: 'all' | 'any' = 'all'): RouteSecurity => ({
  credentials: 'token',
  kinds: ['user'],
  scopes: { values, mode },
})
const any: RouteSecurity = { credentials: 'principal', kinds: ['user', 'service'] }
const optional: RouteSecurity = { credentials: 'token', kinds: ['user', 'anonymous'] }

const honoMw = (security: RouteSecurity): MiddlewareHandler =>
  Object.assign<MiddlewareHandler, { security: RouteSecurity }>(async (_c, next) => next(), {
    security,
  })
const expressMw = (security: RouteSecurity) =>
  Object.assign((_req: unknown, _res: unknown, next: () => void) => next(), { security })

const services = {
  schemes: [
    { name: 'serviceId', header: 'X-Service-Id' },
    { name: 'serviceToken', header: 'X-Service-Token' },
  ],
}
const login = {
  authorizationUrl: 'https://acme.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
  tokenUrl: 'https://acme.auth.eu-west-1.amazoncognito.com/oauth2/token',
}

describe('openApiSecurity', () => {
  it('describes users as bearer JWT without a login, and services as two apiKey headers', () => {
    const api = openApiSecurity({ services })
    expect(api.securitySchemes).toEqual({
      user: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: text,
      },
      serviceId: {
        type: 'apiKey',
        in: 'header',
        name: 'X-Service-Id',
        description: text,
      },
      serviceToken: {
        type: 'apiKey',
        in: 'header',
        name: 'X-Service-Token',
        description: text,
      },
    })
  })

  it('describes users as OAuth2 authorization code at the login, listing every scope a route needs', () => {
    const api = openApiSecurity({ login: { ...login, scopes: { openid: 'OpenID Connect' } } })
    api.requirements([scope(['read:users'])])
    api.requirements([scope(['a', 'b'], 'any')])
    expect(api.securitySchemes.user).toEqual({
      type: 'oauth2',
      description: expect.stringContaining('PKCE') as string,
      flows: {
        authorizationCode: {
          ...login,
          scopes: { openid: 'OpenID Connect', 'read:users': '', a: '', b: '' },
        },
      },
    })
  })

  it('gives each operation its alternatives: user with scopes, service, anonymous', () => {
    const api = openApiSecurity({ services })
    expect(api.requirements([])).toBeUndefined()
    expect(api.requirements([{ credentials: 'none', kinds: ['anonymous'] }])).toBeUndefined()
    expect(api.requirements([verify])).toEqual([{ user: [] }])
    expect(api.requirements([verify, scope(['read', 'write'])])).toEqual([
      { user: ['read', 'write'] },
    ])
    expect(api.requirements([scope(['read']), scope(['a', 'b'], 'any')])).toEqual([
      { user: ['read', 'a'] },
      { user: ['read', 'b'] },
    ])
    expect(api.requirements([any])).toEqual([{ user: [] }, { serviceId: [], serviceToken: [] }])
    // A route behind verify() app-wide and any() on the route takes users only.
    expect(api.requirements([verify, any])).toEqual([{ user: [] }])
    expect(api.requirements([optional])).toEqual([{ user: [] }, {}])
  })

  it('refuses a relative login URL', () => {
    expect(() =>
      openApiSecurity({ login: { authorizationUrl: '/authorize', tokenUrl: login.tokenUrl } }),
    ).toThrow('login.authorizationUrl: must be an absolute URL')
  })
})

const baseDocument = {
  openapi: '3.1.0',
  info: { title: 'api', version: '1' },
  paths: {
    '/api/users/{id}': { get: { responses: { 200: { description: 'ok' } } } },
    '/api/reports': { get: { responses: { 200: { description: 'ok' } } }, post: { responses: {} } },
    '/health': { get: { responses: { 200: { description: 'ok' } } } },
  },
  components: { schemas: { User: { type: 'object' } } },
}

describe('Express: addOpenApiSecurity(document, expressRoutes(app), api)', () => {
  it('adds the schemes and each operation security from the app routes', () => {
    const app = express()
    app.get('/health', (_req, res) => res.send('ok'))
    app.use('/api', expressMw(verify))
    app.get('/api/users/:id', expressMw(scope(['read:users'])), (_req, res) => res.send('ok'))
    app.get('/api/reports', expressMw(any), (_req, res) => res.send('ok'))
    const api = openApiSecurity({ login, services })
    const routes = expressRoutes(app)
    expect(routes).toEqual([
      { method: 'GET', path: '/health', security: [] },
      { method: 'GET', path: '/api/users/{id}', security: [verify, scope(['read:users'])] },
      { method: 'GET', path: '/api/reports', security: [verify, any] },
    ])
    const doc = addOpenApiSecurity(baseDocument, routes, api)
    expect(doc.paths['/api/users/{id}'].get).toEqual({
      responses: { 200: { description: 'ok' } },
      security: [{ user: ['read:users'] }],
    })
    expect(doc.paths['/api/reports'].get).toMatchObject({ security: [{ user: [] }] })
    expect(doc.paths['/health'].get).not.toHaveProperty('security')
    expect(doc.components).toEqual({
      schemas: { User: { type: 'object' } },
      securitySchemes: api.securitySchemes,
    })
    expect(baseDocument.paths['/api/users/{id}'].get).not.toHaveProperty('security')
  })

  it('gives a route that takes a user or a service both alternatives', () => {
    const app = express()
    app.get('/api/reports', expressMw(any), (_req, res) => res.send('ok'))
    const doc = addOpenApiSecurity(baseDocument, expressRoutes(app), openApiSecurity({ services }))
    expect(doc.paths['/api/reports'].get).toMatchObject({
      security: [{ user: [] }, { serviceId: [], serviceToken: [] }],
    })
  })
})

describe('Hono: honoRoutes(app)', () => {
  it('collects app.use() middleware covering a route, then the route own', () => {
    const app = new Hono()
    app.get('/health', (c) => c.text('ok'))
    app.use('/api/*', honoMw(verify))
    app.get('/api/users/:id', honoMw(scope(['read:users'])), (c) => c.text('ok'))
    app.post('/api/reports', honoMw(any), (c) => c.text('ok'))
    expect(honoRoutes(app)).toEqual([
      { method: 'GET', path: '/health', security: [] },
      { method: 'GET', path: '/api/users/{id}', security: [verify, scope(['read:users'])] },
      { method: 'POST', path: '/api/reports', security: [verify, any] },
    ])
  })
})

describe('@hono/zod-openapi: registerSecuritySchemes and secureRoute', () => {
  it('puts the schemes and per-route security with the scopes into the generated document', () => {
    const app = new OpenAPIHono()
    const api = openApiSecurity({ login, services })
    registerSecuritySchemes(app, api)
    const ok = {
      200: {
        description: 'ok',
        content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } },
      },
    }
    app.openapi(
      createRoute(
        secureRoute(
          {
            method: 'get',
            path: '/users',
            middleware: [honoMw(scope(['read:users']))] as const,
            responses: ok,
          },
          api,
        ),
      ),
      (c) => c.json({ ok: true }, 200),
    )
    app.openapi(
      createRoute(
        secureRoute(
          { method: 'get', path: '/reports', middleware: [honoMw(any)] as const, responses: ok },
          api,
        ),
      ),
      (c) => c.json({ ok: true }, 200),
    )
    app.openapi(
      createRoute(secureRoute({ method: 'get', path: '/health', responses: ok }, api)),
      (c) => c.json({ ok: true }, 200),
    )
    const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'api', version: '1' } })
    expect(doc.components?.securitySchemes).toEqual({
      user: {
        type: 'oauth2',
        description: text,
        flows: { authorizationCode: { ...login, scopes: { 'read:users': '' } } },
      },
      serviceId: {
        type: 'apiKey',
        in: 'header',
        name: 'X-Service-Id',
        description: text,
      },
      serviceToken: {
        type: 'apiKey',
        in: 'header',
        name: 'X-Service-Token',
        description: text,
      },
    })
    expect(doc.paths?.['/users']?.get?.security).toEqual([{ user: ['read:users'] }])
    expect(doc.paths?.['/reports']?.get?.security).toEqual([
      { user: [] },
      { serviceId: [], serviceToken: [] },
    ])
    expect(doc.paths?.['/health']?.get?.security).toBeUndefined()
  })
})
