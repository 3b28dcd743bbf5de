import { securityOf, toOpenApiPath } from './internal/security-of.js'
import type { RouteInfo, RouteSecurity } from './route-security.js'

interface Layer {
  readonly handle?: unknown
  readonly route?: {
    readonly path?: unknown
    readonly methods?: Record<string, boolean>
    readonly stack?: readonly Layer[]
  }
  match?(path: string): boolean
}

/**
 * The routes of an Express 4 or 5 app with the cloudauth security of their middleware: the
 * route's own (`app.get('/x', auth.scope([...]), handler)`) after the app-level ones whose path
 * covers it (`app.use('/api', auth.verify())`), in order. Routes with a non-string path (a regular
 * expression) are left out. Nested routers are not walked.
 *
 * @example
 * ```ts
 * const doc = addOpenApiSecurity(baseDocument, expressRoutes(app), openApiSecurity({ services }))
 * ```
 * @throws nothing
 */
export function expressRoutes(app: unknown): RouteInfo[] {
  const holder = app as { router?: { stack?: Layer[] }; _router?: { stack?: Layer[] } }
  // Express 5 keeps its router in `app.router`, Express 4 in `app._router`.
  let router: { stack?: Layer[] } | undefined
  try {
    router = holder.router ?? holder._router
  } catch {
    router = holder._router
  }
  const stack = router?.stack ?? []
  const global: { layer: Layer; security: RouteSecurity }[] = []
  const routes: RouteInfo[] = []
  for (const layer of stack) {
    const route = layer.route
    if (route === undefined) {
      const security = securityOf(layer.handle)
      if (security !== undefined) global.push({ layer, security })
      continue
    }
    if (typeof route.path !== 'string') continue
    const path = route.path
    const inherited = global
      .filter(({ layer: use }) => typeof use.match !== 'function' || use.match(path))
      .map(({ security }) => security)
    const own = (route.stack ?? []).flatMap((inner) => {
      const security = securityOf(inner.handle)
      return security === undefined ? [] : [security]
    })
    for (const [method, on] of Object.entries(route.methods ?? {})) {
      if (!on || method === '_all') continue
      routes.push({
        method: method.toUpperCase(),
        path: toOpenApiPath(path),
        security: [...inherited, ...own],
      })
    }
  }
  return routes
}
