import { AuthError } from '../errors/auth-error.js'
import { ConfigError } from '../errors/config-error.js'
import { findCookie } from '../internal/cookies.js'
import type { TokenSource } from './token-source.js'

// RFC 6265 §4.1.1 cookie-name is a token.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const TOKEN_CHARS = /^[A-Za-z0-9\-._~+/]+=*$/

/**
 * Reads the token from a cookie (RFC 6265 §4.2), the way browser apps keep it (as the djognito
 * seed did with `ACCESS_TOKEN_KEY`). The `Cookie` header is parsed here: no cookie middleware needed.
 * The same cookie twice is `invalid_request`.
 *
 * @example
 * ```ts
 * cloudauth(provider, { tokenFrom: [cookie('accessToken')] })
 * ```
 * @throws ConfigError when `name` is not a valid cookie name
 * @throws AuthError `invalid_request`
 */
export function cookie(name: string): TokenSource {
  if (!COOKIE_NAME.test(name)) throw new ConfigError('cookie(name)', 'must be a valid cookie name')
  return {
    description: `cookie "${name}"`,
    read(request) {
      const found =
        request.cookie === undefined
          ? findCookie(request.header('cookie'), name)
          : request.cookie(name)
      if (found === undefined || found === '') return undefined
      if (!TOKEN_CHARS.test(found)) {
        throw new AuthError('invalid_request', `the cookie "${name}" does not hold a single token`)
      }
      return found
    },
  }
}
