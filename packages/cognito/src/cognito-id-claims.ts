import { z } from 'zod'

// Cognito writes `email_verified` and `phone_number_verified` as JSON booleans for native users but
// as the strings "true"/"false" for some federated (SAML, OIDC) users; both are accepted and typed.
const verifiedFlag = z.union([z.boolean(), z.enum(['true', 'false'])]).exactOptional()

/**
 * The claims of a Cognito user pool ID token (OpenID Connect Core §2), as a zod schema.
 *
 * `aud` is the app client id (a single string: Cognito never issues several audiences).
 * Standard OIDC profile claims are optional and typed; custom attributes (`custom:plan`) and
 * trigger-added claims pass through untyped. `cognito()` validates every token it accepts against
 * this schema, so the claims type it hands out holds at run time.
 *
 * @example
 * ```ts
 * const claims = await parseClaims(verified, cognitoIdClaims)
 * claims['cognito:username'] // string
 * ```
 */
export const cognitoIdClaims = z.looseObject({
  iss: z.string(),
  /** The user's immutable id (a UUID). */
  sub: z.string().min(1),
  /** The app client the token was issued to. */
  aud: z.string(),
  token_use: z.literal('id'),
  exp: z.number(),
  iat: z.number(),
  auth_time: z.number(),
  'cognito:username': z.string(),
  email: z.string().exactOptional(),
  email_verified: verifiedFlag,
  phone_number: z.string().exactOptional(),
  phone_number_verified: verifiedFlag,
  name: z.string().exactOptional(),
  given_name: z.string().exactOptional(),
  family_name: z.string().exactOptional(),
  preferred_username: z.string().exactOptional(),
  picture: z.string().exactOptional(),
  'cognito:groups': z.array(z.string()).exactOptional(),
  'cognito:roles': z.array(z.string()).exactOptional(),
  'cognito:preferred_role': z.string().exactOptional(),
  /** Linked federated identities (Google, SAML, ...). */
  identities: z.array(z.looseObject({})).exactOptional(),
  nonce: z.string().exactOptional(),
  at_hash: z.string().exactOptional(),
  jti: z.string().exactOptional(),
  origin_jti: z.string().exactOptional(),
  event_id: z.string().exactOptional(),
})

/** The claims of a Cognito ID token (`token_use: 'id'`); see {@link cognitoIdClaims}. */
export type CognitoIdClaims = z.output<typeof cognitoIdClaims>
