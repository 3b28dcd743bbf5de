import type { ErrorAnswer } from '@cloudauth/core/binding'
import type { Response } from 'express'

/**
 * Writes the RFC 6750 answer with Node's own response methods, which Express 4 and 5 share: no
 * `res.json` ETag or content negotiation for an error nobody should cache. Core's answers hold only
 * valid header values; should one ever not, the refusal still goes out without that header rather
 * than an exception escaping from the error path (Express 4 would let it end the process).
 */
export function sendError(res: Response, { status, headers, body }: ErrorAnswer): void {
  res.statusCode = status
  for (const [name, value] of Object.entries(headers)) {
    try {
      res.setHeader(name, value)
    } catch {
      res.removeHeader(name)
    }
  }
  res.end(body)
}
