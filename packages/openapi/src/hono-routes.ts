import { securityOf, toOpenApiPath } from './internal/security-of.js'
import type { RouteInfo } from './route-security.js'

interface HonoRoute {
  readonly method: string
  readonly path: string
  readonly handler: unknown
}

function pattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) =>
      segment === '*'
        ? '.*'
        : segment.startsWith(':')
          ? '[^/]+'
          : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/')
  return new RegExp(`^${source.replace(/\/\.\*$/, '(?:/.*)?')}$`)
}

/**
 * The routes of a Hono app (`app.routes`) with the cloudauth security of the middleware that run
 * for each: those registered with `app.use()` whose path covers the route, and the route's own,
 * in registration order.
 *
 * @example
 * ```ts
 * const doc = addOpenApiSecurity(app.getOpenAPI31Document(config), honoRoutes(app), api)
 * ```
 * @throws nothing
 */
export function honoRoutes(app: { readonly routes: readonly HonoRoute[] }): RouteInfo[] {
  const entries = app.routes.map((route, index) => ({ ...route, index, re: pattern(route.path) }))
  const endpoints = new Map<string, { method: string; path: string; last: number }>()
  for (const entry of entries) {
    if (entry.method === 'ALL') continue
    endpoints.set(`${entry.method} ${entry.path}`, {
      method: entry.method,
      path: entry.path,
      last: entry.index,
    })
  }
  return [...endpoints.values()].map(({ method, path, last }) => ({
    method,
    path: toOpenApiPath(path),
    security: entries
      .filter(
        (entry) =>
          entry.index <= last &&
          (entry.method === 'ALL' || entry.method === method) &&
          (entry.path === path || entry.re.test(path)),
      )
      .flatMap((entry) => {
        const security = securityOf(entry.handler)
        return security === undefined ? [] : [security]
      }),
  }))
}
