const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * Why a URL that keys or tokens come from is not safe to trust, or `undefined` when it is: https,
 * or plain http on a loopback host only (a local issuer or emulator). Keys fetched over plain HTTP
 * from anywhere else could be swapped in transit (RFC 8725 §3.10 leaves key sources to the
 * verifier; we keep them authenticated). Providers use it for their `issuer` and `endpoint` options.
 *
 * @example
 * ```ts
 * insecureUrlProblem(new URL('http://cognito:9229')) // 'must use https (http only for ...)'
 * ```
 */
export function insecureUrlProblem(url: URL): string | undefined {
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    return undefined
  }
  return 'must use https (http only for 127.0.0.1, localhost or [::1])'
}
