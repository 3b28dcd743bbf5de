import { AuthError, type TokenSource } from '@cloudauth/core'
import { LoginError } from '../errors/login-error.js'
import type { Login } from '../login/create-login.js'

/**
 * The access token of the request's login session, for `tokenFrom`: `auth.verify()` and every
 * other helper then accept a logged-in browser. The token is refreshed shortly before it expires
 * (one refresh per session at a time), and the rotated cookie is set on the response.
 *
 * @example
 * ```ts
 * const auth = cloudauth(cognito({ userPoolId, clientId, tokenUse: 'access' }), {
 *   tokenFrom: [session(login), bearer()],
 * })
 * ```
 * @throws AuthError `jwks_unavailable` (503, Retry-After) when a needed refresh cannot reach the issuer
 */
export function session(login: Login): TokenSource {
  return {
    description: 'login session',
    async read(request) {
      try {
        // The pipeline hands its RequestView, which has appendResponseHeader and memo.
        const current = await login.session(request)
        return current?.accessToken
      } catch (error) {
        if (error instanceof LoginError && error.code === 'issuer_unavailable') {
          throw new AuthError(
            'jwks_unavailable',
            'the issuer could not refresh the login session',
            {
              cause: error,
              retryAfter: error.retryAfter ?? 5,
            },
          )
        }
        throw error
      }
    },
  }
}
