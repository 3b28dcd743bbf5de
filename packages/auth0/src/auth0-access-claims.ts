import { z } from 'zod'
import { auth0OrganizationClaims, auth0RegisteredClaims } from './internal/auth0-shared-claims.js'

/**
 * The claims of an Auth0 access token for an API, as a zod schema usable with `claim(schema)`.
 *
 * Unknown claims pass through, so namespaced custom claims added by an Action
 * (`https://example.com/roles`) survive; type them by extending this schema. `aud` is a string, or
 * an array when the token also serves Auth0's `/userinfo` (RFC 7519 §4.1.3). `scope` is
 * space-separated (RFC 8693 §4.2); `permissions` holds RBAC permissions when the API has "Add
 * Permissions in the Access Token" on. `client_id` appears in RFC 9068 (`at+jwt`) tokens.
 *
 * @example
 * ```ts
 * const withRoles = auth0AccessClaims.extend({ 'https://example.com/roles': z.array(z.string()) })
 * app.get('/admin', auth.claim(withRoles), (c) => c.json(c.get('claims')['https://example.com/roles']))
 * ```
 * Optional claims use `exactOptional()`: a JSON claim is present or absent, never `undefined`, and
 * so the output type fits core's `JwtClaims` under `exactOptionalPropertyTypes`.
 *
 * @throws nothing itself; `claim(schema)` turns a mismatch into `invalid_claims`
 */
export const auth0AccessClaims = z.looseObject({
  ...auth0RegisteredClaims,
  jti: z.string().exactOptional(),
  azp: z.string().exactOptional(),
  client_id: z.string().exactOptional(),
  scope: z.string().exactOptional(),
  permissions: z.array(z.string()).exactOptional(),
  gty: z.union([z.string(), z.array(z.string())]).exactOptional(),
  ...auth0OrganizationClaims,
})

/** The claims of an Auth0 access token: see {@link auth0AccessClaims}. */
export type Auth0AccessClaims = z.infer<typeof auth0AccessClaims>
