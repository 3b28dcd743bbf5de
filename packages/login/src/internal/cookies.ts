/** Attributes of a cookie this package sets (RFC 6265 §4.1). */
export interface CookieAttributes {
  readonly path: string
  readonly secure: boolean
  readonly sameSite: 'Lax' | 'Strict'
  readonly domain?: string | undefined
}

/** Browsers keep at most 4096 bytes per cookie, name and attributes included (RFC 6265 §6.1). */
export const MAX_COOKIE_VALUE = 3800

/**
 * One `Set-Cookie` value. Always `HttpOnly`; `maxAge` 0 deletes the cookie (with the same
 * attributes as when it was set, or the browser keeps it).
 */
export function serializeCookie(
  name: string,
  value: string,
  attributes: CookieAttributes,
  maxAge: number,
): string {
  const parts = [`${name}=${value}`, `Path=${attributes.path}`]
  if (attributes.domain !== undefined) parts.push(`Domain=${attributes.domain}`)
  parts.push(`Max-Age=${Math.max(0, Math.floor(maxAge))}`)
  if (maxAge <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT')
  parts.push('HttpOnly')
  if (attributes.secure) parts.push('Secure')
  parts.push(`SameSite=${attributes.sameSite}`)
  return parts.join('; ')
}

/**
 * Every cookie of a `Cookie` header (RFC 6265 §5.4), first occurrence kept. Values are not
 * decoded: this package only reads values it wrote, which are base64url and dots.
 */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>()
  if (header === undefined || header === '') return cookies
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq === -1) continue
    const name = pair.slice(0, eq).trim()
    if (name === '' || cookies.has(name)) continue
    cookies.set(name, pair.slice(eq + 1).trim())
  }
  return cookies
}

/** How a value is split over cookies: `name` alone when it fits, else `name.0`, `name.1`, ... */
export function chunkCookies(
  name: string,
  value: string,
  size = MAX_COOKIE_VALUE,
): [string, string][] {
  if (value.length <= size) return [[name, value]]
  const chunks: [string, string][] = []
  for (let i = 0, index = 0; i < value.length; i += size, index++) {
    chunks.push([`${name}.${index}`, value.slice(i, i + size)])
  }
  return chunks
}

/** Reassembles what {@link chunkCookies} split, or `undefined` when the request holds none. */
export function readChunked(cookies: Map<string, string>, name: string): string | undefined {
  const whole = cookies.get(name)
  if (whole !== undefined) return whole
  let value = ''
  for (let index = 0; ; index++) {
    const part = cookies.get(`${name}.${index}`)
    if (part === undefined) break
    value += part
    if (index > 50) return undefined
  }
  return value === '' ? undefined : value
}

/** Names of the cookies of `name` (whole or chunks) the request holds. */
export function chunkNames(cookies: Map<string, string>, name: string): string[] {
  const prefix = `${name}.`
  return [...cookies.keys()].filter(
    (key) => key === name || (key.startsWith(prefix) && /^\d+$/.test(key.slice(prefix.length))),
  )
}
