import { AuthError, type ClaimsCheck, type JwtClaims } from '@cloudauth/core'
import { checkLifetime, requireUserId } from '@cloudauth/core/provider'
import type { z } from 'zod'
import { cognitoAccessClaims } from '../cognito-access-claims.js'
import { cognitoIdClaims } from '../cognito-id-claims.js'

/** `'access'`, `'id'`, or `null` for either. */
type TokenUse = 'access' | 'id' | null

function failingPaths(error: z.ZodError): string {
  const paths = error.issues.map((issue) =>
    issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
  )
  return [...new Set(paths)].join(', ')
}

/**
 * The checks Cognito's documentation asks of a resource server ("Verifying a JSON Web Token",
 * step 3), run after core has checked the signature, `iss`, `exp` and `iat`:
 *
 * 1. `token_use` is `access` or `id`, and the one configured (`invalid_token_use`). An ID token
 *    must not pass as an access token: it proves who signed in, not what they may call.
 * 2. The client: `client_id` of an access token, `aud` of an ID token, is one of the pool's app
 *    clients (`invalid_audience`). Access tokens carry no `aud`, so core's audience check is off
 *    (`audience: null`) and this one replaces it: without it any app client of the pool, or a
 *    client credentials client, could call the API.
 * 3. The claims match the token kind's schema (`invalid_claims`), so the claims type holds.
 * 4. The lifetime `exp - iat` is at most `maxLifetime` (`invalid_claims`), and the claim that
 *    identifies the user (`userId`) is a non-empty string (`invalid_claims`).
 *
 * Descriptions name the claim, never its value.
 */
export function cognitoCheck(
  tokenUse: TokenUse,
  clients: readonly string[],
  rules: { readonly maxLifetime: number | null; readonly userId: string },
  then: ClaimsCheck | undefined,
): ClaimsCheck {
  const accepted = new Set(clients)
  // Synchronous unless the app's own check is not: the verifier then adds no promise per token.
  return (claims: JwtClaims, header, context) => {
    const use = claims.token_use
    if (use !== 'access' && use !== 'id')
      throw new AuthError('invalid_token_use', 'the token_use claim is missing or not access or id')
    if (tokenUse !== null && use !== tokenUse)
      throw new AuthError(
        'invalid_token_use',
        tokenUse === 'access'
          ? 'an access token is required (token_use)'
          : 'an ID token is required (token_use)',
      )

    const clientClaim = use === 'access' ? 'client_id' : 'aud'
    const client = claims[clientClaim]
    if (client === undefined)
      throw new AuthError('invalid_audience', `the token has no ${clientClaim} claim`)
    if (typeof client !== 'string' || !accepted.has(client))
      throw new AuthError(
        'invalid_audience',
        `the token was issued to another app client (${clientClaim})`,
      )

    const parsed = (use === 'access' ? cognitoAccessClaims : cognitoIdClaims).safeParse(claims)
    if (!parsed.success)
      throw new AuthError(
        'invalid_claims',
        `the claims of this Cognito ${use === 'access' ? 'access' : 'ID'} token are not as expected at: ${failingPaths(parsed.error)}`,
      )

    checkLifetime(claims, rules.maxLifetime, context.now)
    requireUserId(claims, rules.userId)
    return then === undefined ? undefined : then(claims, header, context)
  }
}
