import type { z } from 'zod'
import { CognitoApiError } from '../cognito-api-error.js'

const JSON_TYPE = /^application\/json\s*(?:;|$)/i

/**
 * Reads a JSON body of at most `maxBytes` and checks it against `schema`. Only
 * `application/json` is read: a cross-site HTML form cannot send it, and a cross-site script
 * cannot send it without a CORS preflight (the Fetch standard's CORS-safelisted types), which
 * closes the classic CSRF route.
 */
export async function readJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  maxBytes: number,
): Promise<z.output<S>> {
  if (!JSON_TYPE.test(request.headers.get('content-type') ?? ''))
    throw new CognitoApiError('unsupported_media_type', 'The body must be application/json.')
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > maxBytes) throw tooLarge(maxBytes)
  const text = await readLimited(request, maxBytes)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new CognitoApiError('invalid_request', 'The body is not valid JSON.')
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    // Paths and zod's messages only: zod's messages describe the rule, never the value given.
    const fields = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(body)',
      message: issue.message,
    }))
    throw new CognitoApiError(
      'invalid_request',
      `The body is not valid: ${fields.map((f) => f.path).join(', ')}.`,
      { fields },
    )
  }
  return parsed.data
}

function tooLarge(maxBytes: number): CognitoApiError {
  return new CognitoApiError('payload_too_large', `The body is larger than ${maxBytes} bytes.`)
}

async function readLimited(request: Request, maxBytes: number): Promise<string> {
  if (request.body === null) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new CognitoApiError('invalid_request', 'The body is not valid UTF-8.')
  }
}

/** A JSON answer that no cache keeps (RFC 6749 §5.1 asks it of token responses). */
export function jsonAnswer(
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

/** The JSON answer of a {@link CognitoApiError}: its code, message, next step, fields, Retry-After. */
export function errorAnswer(
  error: CognitoApiError,
  headers: Record<string, string> = {},
): Response {
  return jsonAnswer(
    error.status,
    {
      error: error.code,
      message: error.message,
      ...(error.next === undefined ? {} : { next: error.next }),
      ...(error.fields === undefined ? {} : { fields: error.fields }),
    },
    {
      ...(error.retryAfter === undefined ? {} : { 'retry-after': String(error.retryAfter) }),
      ...headers,
    },
  )
}
