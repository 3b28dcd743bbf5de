import { ConfigProblems } from '../config/config-problems.js'

/** Options of {@link originCheck}. */
export interface OriginCheckOptions {
  /**
   * Origins allowed besides the request's own (`https://app.example.com`, no path), as the app
   * configured them (checked here). `null` switches the check off.
   */
  readonly allowedOrigins: unknown
  /**
   * Refuse a request without an `Origin` header. Default `false`: servers and mobile apps, which
   * send none, pass; browsers send it on every cross-origin request and every `POST` (Fetch
   * §3.1), so a cross-site page cannot leave it out.
   */
  readonly requireOrigin?: boolean
  /** The option's name in problems. Default `allowedOrigins`. */
  readonly option?: string
  /** Where problems go (to report them with the caller's others); default: thrown at once. */
  readonly problems?: ConfigProblems
}

/** Whether a request may reach a state-changing route: see {@link originCheck}. */
export type OriginCheck = (request: Request, url: URL) => boolean

/**
 * The CSRF guard of a feature's state-changing routes (RFC 6454 §7, the `Origin` header): a request
 * passes when its `Origin` is the request URL's own origin or one of `allowedOrigins`, or (unless
 * `requireOrigin`) when it has none. Checks `allowedOrigins` at construction.
 *
 * @example
 * ```ts
 * const sameSite = originCheck({ allowedOrigins: ['https://spa.example.com'], requireOrigin: true })
 * if (!sameSite(request, new URL(request.url))) return jsonAnswer(403, { error: 'forbidden_origin' })
 * ```
 * @throws ConfigError (or a problem recorded in `problems`): `allowedOrigins` not a list, or
 *   holding something that is not an origin
 */
export function originCheck(options: OriginCheckOptions): OriginCheck {
  const { allowedOrigins, requireOrigin = false, option = 'allowedOrigins' } = options
  const problems = options.problems ?? new ConfigProblems()
  if (allowedOrigins === null) {
    if (options.problems === undefined) problems.throwIfAny()
    return () => true
  }
  const origins = new Set<string>()
  if (!Array.isArray(allowedOrigins)) problems.add(option, 'must be a list of origins, or null')
  else
    for (const origin of allowedOrigins as unknown[]) {
      let parsed: string | undefined
      try {
        parsed = typeof origin === 'string' ? new URL(origin).origin : undefined
      } catch {
        parsed = undefined
      }
      if (parsed === undefined || parsed !== origin)
        problems.add(option, 'must hold origins such as https://app.example.com (no path)')
      else origins.add(parsed)
    }
  if (options.problems === undefined) problems.throwIfAny()
  return (request, url) => {
    const origin = request.headers.get('origin')
    if (origin === null) return !requireOrigin
    return origin === url.origin || origins.has(origin)
  }
}
