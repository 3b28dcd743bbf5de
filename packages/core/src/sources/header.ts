import { AuthError } from '../errors/auth-error.js'
import { ConfigError } from '../errors/config-error.js'
import type { TokenSource } from './token-source.js'

const TOKEN_CHARS = /^[A-Za-z0-9\-._~+/]+=*$/
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * Reads the token from a custom header holding the bare token (for example `X-Id-Token`).
 *
 * @example
 * ```ts
 * cloudauth(provider, { tokenFrom: [bearer(), header('x-id-token')] })
 * ```
 * @throws ConfigError when `name` is not a valid header name
 * @throws AuthError `invalid_request` when the header holds something that is not a token
 */
export function header(name: string): TokenSource {
  if (!HEADER_NAME.test(name))
    throw new ConfigError('header(name)', 'must be a valid HTTP header name')
  const lower = name.toLowerCase()
  if (lower === 'authorization') {
    throw new ConfigError('header(name)', 'use bearer() for the Authorization header')
  }
  return {
    description: `${lower} header`,
    read(request) {
      const value = request.header(lower)?.trim()
      if (value === undefined || value === '') return undefined
      if (!TOKEN_CHARS.test(value)) {
        throw new AuthError('invalid_request', `the ${lower} header does not hold a single token`)
      }
      return value
    },
  }
}
