import type { RouteSecurity } from '../route-security.js'

const KEY = Symbol.for('cloudauth.security')

/** The security a middleware carries (its `security` property), or `undefined`. */
export function securityOf(handler: unknown): RouteSecurity | undefined {
  if (typeof handler !== 'function' && (typeof handler !== 'object' || handler === null))
    return undefined
  const holder = handler as { security?: unknown; [KEY]?: unknown }
  const value = holder[KEY] ?? holder.security
  if (typeof value !== 'object' || value === null) return undefined
  const { credentials, kinds } = value as Partial<RouteSecurity>
  if (typeof credentials !== 'string' || !Array.isArray(kinds)) return undefined
  return value as RouteSecurity
}

/** `/users/:id` (Express, Hono) as OpenAPI's `/users/{id}`. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, '{$1}')
}
