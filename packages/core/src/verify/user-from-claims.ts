import { requireUserId } from '../checks/require-user-id.js'
import { ProducedSlot } from '../internal/produced-slot.js'
import type { JwtClaims, User, VerifiedToken } from './types.js'

/** Options of {@link userFromClaims}: what differs from one provider to the next. */
export interface UserFromClaimsOptions {
  /** Names the provider in the user (`'cognito'`, `'auth0'`, ...). */
  readonly provider: string
  /**
   * The claim that holds the user's id (`user.id`): `'email'`, say, where an app keys its users by
   * e-mail address (smac's `USER_ID`). Given, the claim is required: a token without it as a
   * non-empty string throws `invalid_claims` naming the claim (never its value). Default `'sub'`
   * (RFC 7519 §4.1.2), where a missing `sub` gives an empty id, as before this option existed;
   * the providers check the claim when they verify, so their users always have an id.
   */
  readonly userId?: string
  /**
   * Claims that may hold the user name, tried in order; the first non-empty string is taken
   * (Auth0: `['nickname']`; Cognito: `['username', 'cognito:username']`). Default none.
   */
  readonly usernameClaims?: readonly string[]
  /**
   * `emailVerified` as the provider reads it, for one that writes `email_verified` otherwise than
   * as a JSON boolean (Cognito writes `"true"` for some federated users). When `undefined`, the
   * claim is taken if it is a boolean.
   */
  readonly emailVerified?: boolean | undefined
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * The normalised {@link User} of a verified token, from the claims every OpenID Connect issuer
 * uses (OIDC Core §5.1): `id` is `sub` (RFC 7519 §4.1.2) or the claim `userId` names, then `email`, `email_verified`, `name`
 * and `picture` when present and of the right type (a wrong type is left out, not coerced).
 * `groups` are those the verifier gathered. Providers use it as their `toUser`, adding what is
 * theirs through the options. Serialised (`JSON.stringify`, `c.json`, `res.json`), a user is
 * `{ id, username?, email?, emailVerified?, name?, picture?, groups, provider }`: a
 * non-enumerable `toJSON` leaves out `kind` and the raw `claims`, which stay readable in code.
 *
 * @example
 * ```ts
 * defineProvider({
 *   provider: 'my-idp',
 *   issuers,
 *   toUser: (verified) => userFromClaims(verified, { provider: 'my-idp', usernameClaims: ['preferred_username'] }),
 * })
 * userFromClaims(verified, { provider: 'my-idp', userId: 'email' }).id // the email claim
 * ```
 * @throws AuthError `invalid_claims` when `userId` is given and the token lacks that claim (or it
 *   is not a non-empty string); nothing otherwise
 */
export function userFromClaims<TClaims extends JwtClaims>(
  verified: VerifiedToken<TClaims>,
  options: UserFromClaimsOptions,
): User<TClaims> {
  const claims: JwtClaims = verified.claims
  if (options.userId !== undefined) requireUserId(claims, options.userId)
  const id = text(claims[options.userId ?? 'sub'])
  let username: string | undefined
  for (const name of options.usernameClaims ?? []) {
    username = text(claims[name])
    if (username !== undefined) break
  }
  const email = text(claims.email)
  const claimed = claims.email_verified
  const emailVerified =
    options.emailVerified ?? (typeof claimed === 'boolean' ? claimed : undefined)
  const name = text(claims.name)
  const picture = text(claims.picture)
  return serialisable({
    kind: 'user' as const,
    id: id ?? '',
    ...(username === undefined ? {} : { username }),
    ...(email === undefined ? {} : { email }),
    ...(emailVerified === undefined ? {} : { emailVerified }),
    ...(name === undefined ? {} : { name }),
    ...(picture === undefined ? {} : { picture }),
    groups: verified.groups,
    provider: options.provider,
    claims: verified.claims,
  })
}

/**
 * Freezes a user and gives it a non-enumerable `toJSON`: JSON (`c.json(user)`, `res.json(user)`,
 * logs) gets the normalised fields only, never `kind` nor the raw `claims`, which would send every
 * claim of the token to a browser.
 */
function serialisable<TUser extends { readonly kind: 'user'; readonly claims: unknown }>(
  user: TUser,
): Readonly<TUser> {
  Object.defineProperty(user, 'toJSON', { value: userJson, enumerable: false })
  // The slot lets a binding's pipeline mark the user as one it handed out (ProducedSlot).
  return Object.freeze(ProducedSlot.add(user))
}

/** `toJSON` of a user: its own fields but `kind` and `claims`. */
function userJson(this: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(this).filter(([key]) => key !== 'kind' && key !== 'claims'),
  )
}
