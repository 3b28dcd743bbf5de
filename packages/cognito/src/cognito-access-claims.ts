import { z } from 'zod'

/**
 * The claims of a Cognito user pool access token, as a zod schema.
 *
 * Required are only the claims every Cognito access token carries, user sign-in and
 * machine-to-machine (client credentials) alike; everything else is optional, and unknown claims
 * (added by a pre token generation trigger) pass through. `username` is absent from client
 * credentials tokens, whose `sub` is the client id. There is no `aud`: the client is in
 * `client_id`, which `cognito()` checks. `cognito()` validates every token it accepts against
 * this schema, so the claims type it hands out holds at run time.
 *
 * @example
 * ```ts
 * app.get('/me', auth.claim(cognitoAccessClaims), (c) => c.json({ user: c.var.claims.username }))
 * ```
 */
export const cognitoAccessClaims = z.looseObject({
  /** `https://cognito-idp.{region}.amazonaws.com/{userPoolId}` (or the emulator's). */
  iss: z.string(),
  /** The user's immutable id (a UUID), or the client id for client credentials tokens. */
  sub: z.string().min(1),
  token_use: z.literal('access'),
  /** The app client the token was issued to. */
  client_id: z.string(),
  exp: z.number(),
  iat: z.number(),
  auth_time: z.number(),
  /** Space-separated OAuth scopes (`aws.cognito.signin.user.admin` for SDK sign-in). */
  scope: z.string().exactOptional(),
  username: z.string().exactOptional(),
  'cognito:groups': z.array(z.string()).exactOptional(),
  jti: z.string().exactOptional(),
  origin_jti: z.string().exactOptional(),
  event_id: z.string().exactOptional(),
  device_key: z.string().exactOptional(),
  /** Access token format version (2 when the pool issues v2 tokens). */
  version: z.number().exactOptional(),
})

/** The claims of a Cognito access token (`token_use: 'access'`); see {@link cognitoAccessClaims}. */
export type CognitoAccessClaims = z.output<typeof cognitoAccessClaims>
