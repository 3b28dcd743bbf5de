import type { JwtClaims, User, VerifiedToken } from '@cloudauth/core'

/**
 * The normalised user of an Auth0 token. Profile fields come from the OpenID Connect standard
 * claims (OIDC Core §5.1) when the token carries them (ID tokens; access tokens only through
 * custom claims); `username` is Auth0's `nickname`. Fields of the wrong type are left out.
 */
export function auth0User<TClaims extends JwtClaims>(
  verified: VerifiedToken<TClaims>,
): User<TClaims> {
  const { claims } = verified
  const text = (name: string): string | undefined => {
    const value = claims[name]
    return typeof value === 'string' && value !== '' ? value : undefined
  }
  const username = text('nickname')
  const email = text('email')
  const name = text('name')
  const picture = text('picture')
  const verifiedEmail = claims.email_verified
  return Object.freeze({
    kind: 'user' as const,
    id: claims.sub ?? '',
    ...(username === undefined ? {} : { username }),
    ...(email === undefined ? {} : { email }),
    ...(typeof verifiedEmail === 'boolean' ? { emailVerified: verifiedEmail } : {}),
    ...(name === undefined ? {} : { name }),
    ...(picture === undefined ? {} : { picture }),
    groups: verified.groups,
    provider: 'auth0',
    claims,
  })
}
