import { SessionLoginError } from '../session-login-error.js'

const JSON_TYPE = /^application\/json\s*(?:;|$)/i

/** A JSON body of at most `maxBytes` (only `application/json`, which needs a CORS preflight). */
export async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  if (!JSON_TYPE.test(request.headers.get('content-type') ?? ''))
    throw new SessionLoginError('unsupported_media_type', 'The body must be application/json.')
  const tooLarge = () =>
    new SessionLoginError('payload_too_large', `The body is larger than ${maxBytes} bytes.`)
  if (Number(request.headers.get('content-length') ?? '0') > maxBytes) throw tooLarge()
  const chunks: Uint8Array[] = []
  let size = 0
  if (request.body !== null) {
    const reader = request.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) {
        await reader.cancel()
        throw tooLarge()
      }
      chunks.push(value)
    }
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown
  } catch {
    throw new SessionLoginError('invalid_request', 'The body is not valid JSON.')
  }
}

/** A JSON answer no cache keeps. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
  })
}
