import type { EnvSource } from '@cloudauth/core'
import { cloudauthFromEnv } from '@cloudauth/env'
import { cloudauth } from '@cloudauth/express'
import { addOpenApiSecurity, expressRoutes, openApiSecurity } from '@cloudauth/openapi'
import express, { type Express } from 'express'
import { swaggerDocs } from './docs.js'
import type { FetchHandler } from './hono-app.js'
import { baseDocument } from './openapi-document.js'

/**
 * The same app on Express, from the same `APP__AUTH__*` variables: `/api/reports` takes a
 * Cognito user or a service principal.
 *
 * @throws ConfigError listing every problem with the environment
 */
export function createExpressApp(env: EnvSource, mounts: readonly FetchHandler[] = []): Express {
  const { source, options, login } = cloudauthFromEnv({ prefix: 'APP__AUTH__', env })
  const auth = cloudauth(source, options)
  const app = express()
  for (const handler of mounts) app.use(auth.mount(handler))
  app.use(
    auth.mount(
      swaggerDocs({
        specUrl: '/openapi.json',
        ...(login?.clientId === undefined ? {} : { clientId: login.clientId }),
      }),
    ),
  )
  const reports = auth.any('user', 'service')
  app.get('/api/reports', reports, (req, res) => {
    const principal = reports.get(req)
    res.json({ kind: principal.kind, id: principal.id, scopes: principal.scopes })
  })
  app.get('/api/admin', auth.scope(['reports:admin']), (req, res) => {
    res.json({ sub: req.auth?.claims.sub })
  })
  const api = openApiSecurity({
    ...(login === undefined ? {} : { login }),
    ...(options.services === undefined ? {} : { services: options.services }),
  })
  app.get('/openapi.json', (_req, res) => {
    res.json(addOpenApiSecurity(baseDocument, expressRoutes(app), api))
  })
  return app
}
