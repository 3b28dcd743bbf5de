import { toErrorResponse, type AuthError, type ErrorResponseOptions } from '@cloudauth/core'
import type { Response } from 'express'

/**
 * Writes the RFC 6750 answer with Node's own response methods (plus `res.status`), which Express 4
 * and 5 share: no `res.json` ETag or content negotiation for an error nobody should cache.
 */
export function sendError(res: Response, error: AuthError, options: ErrorResponseOptions): void {
  const { status, headers, body } = toErrorResponse(error, options)
  res.status(status)
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  res.end(JSON.stringify(body))
}
