import { z } from 'zod'
import { cognitoAccessClaims } from './cognito-access-claims.js'
import { cognitoIdClaims } from './cognito-id-claims.js'

/**
 * Either kind of Cognito token, as a zod schema discriminated on `token_use`: what a
 * `cognito({ tokenUse: null })` verifier accepts. Narrow on `claims.token_use` to reach the
 * fields of one kind.
 *
 * @example
 * ```ts
 * const claims = await parseClaims(verified, cognitoClaims)
 * if (claims.token_use === 'id') console.log(claims['cognito:username'])
 * else console.log(claims.client_id)
 * ```
 */
export const cognitoClaims = z.discriminatedUnion('token_use', [
  cognitoAccessClaims,
  cognitoIdClaims,
])

/** An access token's or an ID token's claims, discriminated on `token_use`. */
export type CognitoClaims = z.output<typeof cognitoClaims>
