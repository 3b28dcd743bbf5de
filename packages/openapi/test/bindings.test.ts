import { cognito } from '@cloudauth/cognito'
import { cloudauth as expressAuth } from '@cloudauth/express'
import { cloudauth as honoAuth } from '@cloudauth/hono'
import { expressRoutes, honoRoutes, openApiSecurity } from '@cloudauth/openapi'
import { hashServiceToken, servicePrincipals, staticSource } from '@cloudauth/principals'
import express from 'express'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'

// The real bindings: each middleware made from a pipeline step carries the step's `security`.
const provider = cognito({
  userPoolId: 'eu-west-1_AbC123',
  clientId: 'client1',
  tokenUse: 'access',
})
const services = servicePrincipals({
  idHeader: 'X-Service-Id',
  tokenHeader: 'X-Service-Token',
  source: staticSource({ reporter: { tokenHash: hashServiceToken('t'.repeat(40)) } }),
})
const api = () => openApiSecurity({ services })

describe('the bindings expose each step security to the route scanners', () => {
  it('Hono', () => {
    const auth = honoAuth(provider, { services })
    const app = new Hono()
    app.use('/api/*', auth.verify())
    app.get('/api/users', auth.scope(['read:users']), (c) => c.text('ok'))
    app.get('/reports', auth.any('user', 'service'), (c) => c.text('ok'))
    app.get('/maybe', auth.optional(), (c) => c.text('ok'))
    const security = api()
    const byPath = Object.fromEntries(
      honoRoutes(app).map((route) => [route.path, security.requirements(route.security)]),
    )
    expect(byPath).toEqual({
      '/api/users': [{ user: ['read:users'] }],
      '/reports': [{ user: [] }, { serviceId: [], serviceToken: [] }],
      '/maybe': [{ user: [] }, {}],
    })
  })

  it('Express', () => {
    const auth = expressAuth(provider, { services })
    const app = express()
    app.use('/api', auth.verify())
    app.get('/api/users', auth.scope(['a', 'b'], 'any'), (_req, res) => res.send('ok'))
    app.get('/reports', auth.any('user', 'service'), (_req, res) => res.send('ok'))
    const security = api()
    const byPath = Object.fromEntries(
      expressRoutes(app).map((route) => [route.path, security.requirements(route.security)]),
    )
    expect(byPath).toEqual({
      '/api/users': [{ user: ['a'] }, { user: ['b'] }],
      '/reports': [{ user: [] }, { serviceId: [], serviceToken: [] }],
    })
  })
})
