import { z } from 'zod'

/**
 * The claims of a Firebase Authentication ID token (and of a session cookie, which carries the
 * same claims under another issuer), as a zod schema usable with `claim(schema)`.
 *
 * `sub` is the user's uid (1 to 128 characters), repeated as `user_id`; `auth_time` is when the
 * user signed in; `firebase` says how (`sign_in_provider`), with which identities, and in which
 * Identity Platform tenant. Custom claims set with the Admin SDK sit at the top level and pass
 * through; type them by extending this schema.
 *
 * Optional claims use `exactOptional()`: a JSON claim is present or absent, never `undefined`, and
 * so the output type fits core's `JwtClaims` under `exactOptionalPropertyTypes`.
 *
 * @example
 * ```ts
 * const withRoles = firebaseIdClaims.extend({ roles: z.array(z.enum(['admin', 'editor'])) })
 * app.get('/admin', auth.claim(withRoles), (c) => c.json(c.get('claims').roles))
 * ```
 * @throws nothing itself; `claim(schema)` turns a mismatch into `invalid_claims`
 */
export const firebaseIdClaims = z.looseObject({
  iss: z.string(),
  aud: z.string(),
  sub: z.string().min(1).max(128),
  user_id: z.string().exactOptional(),
  exp: z.number(),
  iat: z.number(),
  auth_time: z.number(),
  name: z.string().exactOptional(),
  picture: z.string().exactOptional(),
  email: z.string().exactOptional(),
  email_verified: z.boolean().exactOptional(),
  phone_number: z.string().exactOptional(),
  firebase: z.looseObject({
    sign_in_provider: z.string(),
    identities: z.record(z.string(), z.array(z.unknown())).exactOptional(),
    tenant: z.string().exactOptional(),
    sign_in_second_factor: z.string().exactOptional(),
    second_factor_identifier: z.string().exactOptional(),
  }),
})

/** The claims of a Firebase ID token or session cookie: see {@link firebaseIdClaims}. */
export type FirebaseIdClaims = z.infer<typeof firebaseIdClaims>
