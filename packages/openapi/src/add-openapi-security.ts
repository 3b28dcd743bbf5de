import type { OpenApiSecurity } from './openapi-security.js'
import type { RouteInfo } from './route-security.js'

/** The parts of an OpenAPI 3.1 document this package reads and writes. */
export interface OpenApiDocument {
  readonly openapi: string
  readonly paths?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  readonly components?: Readonly<Record<string, unknown>>
  readonly [key: string]: unknown
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

/**
 * Adds cloudauth's security to an existing OpenAPI 3.1 document, framework-neutral: the security
 * schemes under `components.securitySchemes`, and on each operation of `routes` that the document
 * has, its `security`. Operations the document lacks are left out (this does not invent
 * responses); an operation's own `security` is replaced. The document is not changed: a copy is
 * returned.
 *
 * @example
 * ```ts
 * const doc = addOpenApiSecurity(baseDocument, expressRoutes(app), openApiSecurity({ login, services }))
 * ```
 * @throws nothing
 */
export function addOpenApiSecurity<TDocument extends OpenApiDocument>(
  document: TDocument,
  routes: readonly RouteInfo[],
  security: OpenApiSecurity,
): TDocument {
  const copy = structuredClone(document) as TDocument & {
    paths?: Record<string, Record<string, Record<string, unknown>>>
    components?: Record<string, unknown>
  }
  for (const route of routes) {
    const method = route.method.toLowerCase()
    const operation = copy.paths?.[route.path]?.[method]
    if (!METHODS.has(method) || typeof operation !== 'object' || operation === null) continue
    const requirements = security.requirements(route.security)
    if (requirements !== undefined) operation.security = requirements
  }
  const components = (copy.components ??= {})
  components.securitySchemes = {
    ...(components.securitySchemes ?? {}),
    ...structuredClone(security.securitySchemes),
  }
  return copy
}
