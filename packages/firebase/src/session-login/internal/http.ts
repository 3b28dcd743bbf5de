import { JsonBodyError, readJsonBody } from '@cloudauth/core/binding'
import { SessionLoginError } from '../session-login-error.js'

/**
 * Core's {@link readJsonBody} (application/json only, which needs a CORS preflight; at most
 * `maxBytes`), its refusals as {@link SessionLoginError}s. Bytes that are not UTF-8 are "not valid
 * JSON" here (RFC 8259 §8.1), as this route has always said.
 */
export async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  try {
    return await readJsonBody(request, { maxBytes })
  } catch (error) {
    if (!(error instanceof JsonBodyError)) throw error
    if (error.status === 415) throw new SessionLoginError('unsupported_media_type', error.message)
    if (error.status === 413) throw new SessionLoginError('payload_too_large', error.message)
    throw new SessionLoginError('invalid_request', 'The body is not valid JSON.')
  }
}
