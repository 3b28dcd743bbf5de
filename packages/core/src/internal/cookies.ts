import { AuthError } from '../errors/auth-error.js'

/**
 * The value of cookie `name` in a `Cookie` header (RFC 6265 §4.2.1: `name=value` pairs separated by
 * `;`), without its optional double quotes; `undefined` when absent. The same name twice is
 * `invalid_request`: two values for one name let two readers disagree on which one counts.
 */
export function findCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header === '') return undefined
  let found: string | undefined
  let from = 0
  while (from <= header.length) {
    let end = header.indexOf(';', from)
    if (end === -1) end = header.length
    const eq = header.indexOf('=', from)
    if (eq !== -1 && eq < end && header.slice(from, eq).trim() === name) {
      if (found !== undefined) {
        throw new AuthError('invalid_request', `the cookie "${name}" is sent more than once`)
      }
      let raw = header.slice(eq + 1, end).trim()
      if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1)
      found = raw
    }
    from = end + 1
  }
  return found
}
