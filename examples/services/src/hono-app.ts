import { cloudauthFromEnv } from '@cloudauth/env'
import { cloudauth } from '@cloudauth/hono'
import { addOpenApiSecurity, honoRoutes, openApiSecurity } from '@cloudauth/openapi'
import type { EnvSource } from '@cloudauth/core'
import { Hono } from 'hono'
import { swaggerDocs } from './docs.js'
import { baseDocument } from './openapi-document.js'

/** Extra Fetch handlers mounted before the routes (the offline dev login). */
export type FetchHandler = (request: Request) => Promise<Response | undefined>

/**
 * The Hono app, configured only from `APP__AUTH__*` environment variables: `/api/reports` takes a
 * Cognito user or a service principal, `/api/admin` a user with the `reports:admin` scope, and
 * `/docs` is Swagger UI whose Authorize button logs in at the pool's `DOMAIN`.
 *
 * @throws ConfigError listing every problem with the environment
 */
export function createHonoApp(env: EnvSource, mounts: readonly FetchHandler[] = []): Hono {
  const { source, options, login } = cloudauthFromEnv({ prefix: 'APP__AUTH__', env })
  const auth = cloudauth(source, options)
  const app = new Hono()
  for (const handler of mounts) app.use(auth.mount(handler))
  app.use(
    auth.mount(
      swaggerDocs({
        specUrl: '/openapi.json',
        ...(login?.clientId === undefined ? {} : { clientId: login.clientId }),
      }),
    ),
  )
  app.get('/api/reports', auth.any('user', 'service'), (c) => {
    const principal = c.get('principal')
    return c.json({ kind: principal.kind, id: principal.id, scopes: principal.scopes })
  })
  app.get('/api/admin', auth.scope(['reports:admin']), (c) =>
    c.json({ sub: c.get('auth').claims.sub }),
  )
  const api = openApiSecurity({
    ...(login === undefined ? {} : { login }),
    ...(options.services === undefined ? {} : { services: options.services }),
  })
  app.get('/openapi.json', (c) => c.json(addOpenApiSecurity(baseDocument, honoRoutes(app), api)))
  return app
}
