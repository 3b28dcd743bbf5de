import type { JwtClaims, User, VerifiedToken } from '@cloudauth/core'

type Writable<T> = { -readonly [K in keyof T]: T[K] }

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

// Federated users may carry "true"/"false" strings where native users carry booleans.
function flag(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true
  if (value === false || value === 'false') return false
  return undefined
}

/**
 * The normalised user of a verified Cognito token. Access tokens name the user in `username`,
 * ID tokens in `cognito:username`; profile fields (email, name, picture) exist only in ID tokens.
 * Groups are those the provider gathered (`cognito:groups` by default).
 */
export function toCognitoUser<TClaims extends JwtClaims>(
  verified: VerifiedToken<TClaims>,
): User<TClaims> {
  const claims: JwtClaims = verified.claims
  const user: Writable<User<TClaims>> = {
    kind: 'user',
    id: text(claims.sub) ?? '',
    groups: verified.groups,
    provider: 'cognito',
    claims: verified.claims,
  }
  const username = text(claims.username) ?? text(claims['cognito:username'])
  if (username !== undefined) user.username = username
  const email = text(claims.email)
  if (email !== undefined) user.email = email
  const emailVerified = flag(claims.email_verified)
  if (emailVerified !== undefined) user.emailVerified = emailVerified
  const name = text(claims.name)
  if (name !== undefined) user.name = name
  const picture = text(claims.picture)
  if (picture !== undefined) user.picture = picture
  return Object.freeze(user)
}
