import { z } from 'zod'

/**
 * The registered claims every Auth0 token carries, access or ID (RFC 7519 §4.1; `aud` a string, or
 * an array when the token also serves `/userinfo`, §4.1.3). A shape, spread first into both
 * schemas so that their members, and so the order of failing claims in `invalid_claims`, stay as
 * Auth0 lays them out.
 */
export const auth0RegisteredClaims = {
  iss: z.string(),
  sub: z.string().min(1),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  iat: z.number().exactOptional(),
  nbf: z.number().exactOptional(),
}

/** The Auth0 Organizations claims, in both kinds of token when the user signed in to one. */
export const auth0OrganizationClaims = {
  org_id: z.string().exactOptional(),
  org_name: z.string().exactOptional(),
}
