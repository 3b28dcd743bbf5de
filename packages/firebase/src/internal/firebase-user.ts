import type { JwtClaims, User, VerifiedToken } from '@cloudauth/core'

/**
 * The normalised user of a Firebase token: `id` is the uid (`sub`, the same as `user_id`). Firebase
 * has no username. Fields of the wrong type are left out.
 */
export function firebaseUser<TClaims extends JwtClaims>(
  verified: VerifiedToken<TClaims>,
): User<TClaims> {
  const { claims } = verified
  const text = (name: string): string | undefined => {
    const value = claims[name]
    return typeof value === 'string' && value !== '' ? value : undefined
  }
  const email = text('email')
  const name = text('name')
  const picture = text('picture')
  const verifiedEmail = claims.email_verified
  return Object.freeze({
    kind: 'user' as const,
    id: claims.sub ?? '',
    ...(email === undefined ? {} : { email }),
    ...(typeof verifiedEmail === 'boolean' ? { emailVerified: verifiedEmail } : {}),
    ...(name === undefined ? {} : { name }),
    ...(picture === undefined ? {} : { picture }),
    groups: verified.groups,
    provider: 'firebase',
    claims,
  })
}
