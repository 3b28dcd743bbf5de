const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * Why a URL that keys or tokens come from is not safe to trust, or `undefined` when it is: https,
 * or plain http on a loopback host only (a local issuer or emulator). Keys fetched over plain HTTP
 * from anywhere else could be swapped in transit (RFC 8725 §3.10 leaves key sources to the
 * verifier; we keep them authenticated). Providers use it for their `issuer` and `endpoint` options.
 * A string is parsed first: one that is not an absolute URL is `'must be an absolute URL'`.
 *
 * @example
 * ```ts
 * insecureUrlProblem(new URL('http://cognito:9229')) // 'must use https (http only for ...)'
 * insecureUrlProblem('keys.json') // 'must be an absolute URL'
 * ```
 */
export function insecureUrlProblem(url: URL | string): string | undefined {
  if (typeof url === 'string') {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return 'must be an absolute URL'
    }
    return insecureUrlProblem(parsed)
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    return undefined
  }
  return 'must use https (http only for 127.0.0.1, localhost or [::1])'
}
