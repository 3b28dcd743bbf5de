import { type JwtClaims, type User, type VerifiedToken } from '@cloudauth/core'
import { userFromClaims } from '@cloudauth/core/provider'

// Federated users may carry "true"/"false" strings where native users carry booleans.
function flag(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true
  if (value === false || value === 'false') return false
  return undefined
}

/**
 * The `toUser` of a Cognito provider whose user id is the `userId` claim (`sub` by default).
 * The normalised user of a verified Cognito token. Access tokens name the user in `username`,
 * ID tokens in `cognito:username`; profile fields (email, name, picture) exist only in ID tokens.
 * Groups are those the provider gathered (`cognito:groups` by default).
 */
export function toCognitoUser<TClaims extends JwtClaims>(
  userId: string,
): (verified: VerifiedToken<TClaims>) => User<TClaims> {
  return (verified) =>
    userFromClaims(verified, {
      provider: 'cognito',
      userId,
      usernameClaims: ['username', 'cognito:username'],
      emailVerified: flag(verified.claims.email_verified),
    })
}
