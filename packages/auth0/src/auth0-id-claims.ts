import { z } from 'zod'
import { auth0OrganizationClaims, auth0RegisteredClaims } from './internal/auth0-shared-claims.js'

/**
 * The claims of an Auth0 ID token (OpenID Connect Core §2 and §5.1), as a zod schema usable with
 * `claim(schema)`.
 *
 * `aud` is the application's client id. Profile claims are present according to the scopes the
 * application asked for (`profile`, `email`). Unknown claims pass through, so namespaced custom
 * claims survive; type them by extending this schema.
 *
 * @example
 * ```ts
 * const profile = auth0IdClaims.extend({ 'https://example.com/plan': z.enum(['free', 'pro']) })
 * type Profile = z.infer<typeof profile>
 * ```
 * Optional claims use `exactOptional()`: a JSON claim is present or absent, never `undefined`, and
 * so the output type fits core's `JwtClaims` under `exactOptionalPropertyTypes`.
 *
 * @throws nothing itself; `claim(schema)` turns a mismatch into `invalid_claims`
 */
export const auth0IdClaims = z.looseObject({
  ...auth0RegisteredClaims,
  azp: z.string().exactOptional(),
  nonce: z.string().exactOptional(),
  auth_time: z.number().exactOptional(),
  sid: z.string().exactOptional(),
  name: z.string().exactOptional(),
  given_name: z.string().exactOptional(),
  family_name: z.string().exactOptional(),
  nickname: z.string().exactOptional(),
  picture: z.string().exactOptional(),
  email: z.string().exactOptional(),
  email_verified: z.boolean().exactOptional(),
  locale: z.string().exactOptional(),
  updated_at: z.string().exactOptional(),
  ...auth0OrganizationClaims,
})

/** The claims of an Auth0 ID token: see {@link auth0IdClaims}. */
export type Auth0IdClaims = z.infer<typeof auth0IdClaims>
