import { securityOf } from './internal/security-of.js'
import type { OpenApiSecurity } from './openapi-security.js'
import type { SecurityRequirement } from './route-security.js'

/**
 * For `@hono/zod-openapi`: a `createRoute()` config with its `security` filled in from the
 * cloudauth middleware in its `middleware`. The route keeps any `security` it declares itself
 * when its middleware require nothing.
 *
 * @example
 * ```ts
 * const route = createRoute(secureRoute({ method: 'get', path: '/reports', middleware: [auth.any('user', 'service')], responses }, api))
 * app.openapi(route, handler)
 * ```
 * @throws nothing
 */
export function secureRoute<TRoute extends object>(
  route: TRoute,
  api: OpenApiSecurity,
): TRoute & { security?: SecurityRequirement[] } {
  const given = (route as { readonly middleware?: unknown }).middleware
  const middleware: readonly unknown[] = Array.isArray(given)
    ? (given as readonly unknown[])
    : given === undefined
      ? []
      : [given]
  const steps = middleware.flatMap((handler) => {
    const security = securityOf(handler)
    return security === undefined ? [] : [security]
  })
  const requirements = api.requirements(steps)
  return requirements === undefined ? route : { ...route, security: requirements }
}

/**
 * For `@hono/zod-openapi`: registers the security schemes in the app's registry, so its
 * `doc31()` / `getOpenAPI31Document()` lists them. Order does not matter: the OAuth2 scheme's
 * scopes grow as {@link secureRoute} sees them.
 *
 * @example
 * ```ts
 * const app = new OpenAPIHono()
 * registerSecuritySchemes(app, api)
 * ```
 * @throws nothing
 */
export function registerSecuritySchemes(
  app: {
    readonly openAPIRegistry: {
      registerComponent(type: 'securitySchemes', name: string, component: never): unknown
    }
  },
  api: OpenApiSecurity,
): void {
  for (const [name, scheme] of Object.entries(api.securitySchemes))
    app.openAPIRegistry.registerComponent('securitySchemes', name, scheme as never)
}
