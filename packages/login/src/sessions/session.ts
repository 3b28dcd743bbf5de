import { AuthError, isAuthError, type TokenSource } from '@cloudauth/core'
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
 * @throws AuthError `principal_unavailable` (503, Retry-After) when a needed refresh cannot reach
 *   the issuer or the session store fails
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
        if (isAuthError(error)) throw error
        // An issuer that cannot refresh, or a session store that cannot answer, is an outage:
        // 503 with Retry-After, never a logged-out user (and never a 500).
        const retryAfter = error instanceof LoginError ? (error.retryAfter ?? 5) : 5
        throw new AuthError(
          'principal_unavailable',
          'the login session could not be read or refreshed',
          {
            cause: error,
            retryAfter,
          },
        )
      }
    },
  }
}
