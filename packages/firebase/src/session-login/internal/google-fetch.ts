import { SessionLoginError } from '../session-login-error.js'

/** Seconds a client should wait after Google failed. */
export const UNAVAILABLE_RETRY_AFTER = 5

/**
 * One call to a Google endpoint: `redirect: 'manual'` with any 3xx a failure (a redirect is never
 * followed), a timeout, and a network failure as `upstream_unavailable`. `what` names the call in
 * messages; nothing sent or received is ever put in one.
 */
export async function googleFetch(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  what: string,
): Promise<Response> {
  let response: Response
  try {
    response = await fetchImpl(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    throw new SessionLoginError('upstream_unavailable', `${what}: Google cannot be reached.`, {
      cause: error,
      retryAfter: UNAVAILABLE_RETRY_AFTER,
    })
  }
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    await response.body?.cancel()
    throw new SessionLoginError(
      'upstream_error',
      `${what}: Google answered a redirect, not followed.`,
    )
  }
  if (response.status >= 500) {
    await response.body?.cancel()
    throw new SessionLoginError(
      'upstream_unavailable',
      `${what}: Google failed (${response.status}).`,
      {
        retryAfter: UNAVAILABLE_RETRY_AFTER,
      },
    )
  }
  if (response.status === 429) {
    await response.body?.cancel()
    const retryAfter = Number(response.headers.get('retry-after'))
    throw new SessionLoginError('too_many_requests', `${what}: Google is rate limiting.`, {
      retryAfter:
        Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 3600 ? retryAfter : 5,
    })
  }
  return response
}

/** The JSON body of a Google answer, or `undefined` when it is not JSON. */
export async function jsonOf(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown
  } catch {
    return undefined
  }
}
