import { AuthError, ConfigError, type TokenSource } from '@cloudauth/core'

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const TOKEN_CHARS = /^[A-Za-z0-9\-._~+/]+=*$/

/**
 * A token in a header of your choosing with a prefix of your choosing (smac's `JWT_HEADER_NAME`
 * and `JWT_HEADER_PREFIX`): `<prefix> <token>`, the prefix compared case-insensitively as
 * RFC 9110 §11.1 does for auth-schemes. A value with another prefix is not ours (`undefined`); a
 * value with our prefix and no single token is a 400.
 */
export function prefixedHeader(name: string, prefix: string): TokenSource {
  if (!HEADER_NAME.test(name))
    throw new ConfigError('header name', 'must be a valid HTTP header name')
  const lower = name.toLowerCase()
  const scheme = prefix.toLowerCase()
  return {
    description: `${lower} header`,
    read(request) {
      const value = request.header(lower)
      if (value === undefined || value === '') return undefined
      const space = value.indexOf(' ')
      const head = space === -1 ? value : value.slice(0, space)
      if (head.toLowerCase() !== scheme) return undefined
      const token = space === -1 ? '' : value.slice(space + 1).trim()
      if (!TOKEN_CHARS.test(token))
        throw new AuthError(
          'invalid_request',
          `the ${lower} header is not of the form "${prefix} <token>"`,
        )
      return token
    },
  }
}
