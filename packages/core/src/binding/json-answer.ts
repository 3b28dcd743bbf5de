// Fetch §2.2.6: a response with one of these statuses has no body (`new Response` refuses one).
const NULL_BODY = new Set([204, 205, 304])

/**
 * A JSON answer for a feature's Fetch routes: the body serialised, `Content-Type:
 * application/json; charset=utf-8` and `Cache-Control: no-store` (answers of auth routes carry
 * tokens, user data or refusals that no cache should keep; RFC 6749 §5.1 asks it of token
 * responses). `headers` are added and win over those two (a `Headers` keeps every `Set-Cookie`).
 * A status that has no body (204, 205, 304) answers none.
 *
 * @example
 * ```ts
 * return jsonAnswer(201, { id: 'user-1' }, { location: '/users/user-1' })
 * ```
 * @throws RangeError from `Response` for a status outside 200 to 599 (a mistake of the caller)
 */
export function jsonAnswer(
  status: number,
  body: unknown,
  headers: Record<string, string> | Headers = {},
): Response {
  const merged = new Headers(headers)
  if (!merged.has('content-type')) merged.set('content-type', 'application/json; charset=utf-8')
  if (!merged.has('cache-control')) merged.set('cache-control', 'no-store')
  return new Response(NULL_BODY.has(status) ? null : JSON.stringify(body), {
    status,
    headers: merged,
  })
}
