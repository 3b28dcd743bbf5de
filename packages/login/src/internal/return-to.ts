import { LoginError } from '../errors/login-error.js'

/**
 * The path a login may return to: a path on the app's own origin (no scheme, no `//host`, no
 * backslash that browsers read as a slash), as path + query + fragment. Anything else is refused
 * (an open redirect, CWE-601).
 *
 * @throws LoginError `invalid_return_to`
 */
export function safeReturnTo(value: string | null, appOrigin: string): string {
  if (value === null || value === '') return '/'
  // eslint-disable-next-line no-control-regex
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(value)) {
    throw new LoginError('invalid_return_to', 'returnTo must be a path on this site, like /orders')
  }
  let url: URL
  try {
    url = new URL(value, appOrigin)
  } catch {
    throw new LoginError('invalid_return_to', 'returnTo must be a path on this site, like /orders')
  }
  if (url.origin !== appOrigin) {
    throw new LoginError('invalid_return_to', 'returnTo must be a path on this site, like /orders')
  }
  return `${url.pathname}${url.search}${url.hash}`
}
