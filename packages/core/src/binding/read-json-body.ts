import type { StandardSchemaV1 } from '@standard-schema/spec'
import { ConfigError } from '../errors/config-error.js'
import { readCapped } from './read-capped.js'
import { JsonBodyError, type JsonBodyField } from './json-body-error.js'

/** Options of {@link readJsonBody}. */
export interface ReadJsonBodyOptions {
  /** The largest body read, in bytes; a larger one is refused before or while it is read. */
  readonly maxBytes: number
}

/** Options of {@link readJsonBody} with a schema: the body must pass it. */
export interface ReadJsonBodySchemaOptions<
  TSchema extends StandardSchemaV1,
> extends ReadJsonBodyOptions {
  /** Any Standard Schema v1 (zod 4, valibot, arktype); its output is what the call resolves to. */
  readonly schema: TSchema
}

// RFC 8259 §11: the media type is application/json; parameters (charset) may follow.
const JSON_TYPE = /^application\/json\s*(?:;|$)/i

/**
 * Reads a request's JSON body for a feature's Fetch routes, in this order:
 *
 * 1. `Content-Type` must be `application/json` (415 `unsupported_media_type`). A cross-site HTML
 *    form cannot send it, and a cross-site script cannot without a CORS preflight (it is not a
 *    CORS-safelisted type, Fetch §2.2.2), which closes the classic CSRF route.
 * 2. At most `maxBytes` bytes: a larger `Content-Length` is refused before reading, and the stream
 *    is cancelled as soon as it passes the cap (413 `payload_too_large`), so a chunked body cannot
 *    grow past it in memory.
 * 3. UTF-8 (RFC 8259 §8.1; 400 `invalid_encoding`), then JSON (400 `invalid_json`; an empty body
 *    is not JSON).
 * 4. With `schema`, the Standard Schema's check (400 `invalid_body`, with `fields`: paths and the
 *    schema's messages, never the values).
 *
 * @example
 * ```ts
 * import { JsonBodyError, jsonAnswer, readJsonBody } from '@cloudauth/core/binding'
 *
 * const signIn = z.object({ username: z.string(), password: z.string() })
 * const body = await readJsonBody(request, { maxBytes: 16_384, schema: signIn })
 * // body: { username: string; password: string }
 * ```
 * @throws JsonBodyError `unsupported_media_type` (415), `payload_too_large` (413),
 *   `invalid_encoding`, `invalid_json`, `invalid_body` (400)
 * @throws ConfigError when `maxBytes` is not a positive integer (a mistake of the caller)
 */
export function readJsonBody(request: Request, options: ReadJsonBodyOptions): Promise<unknown>
export function readJsonBody<TSchema extends StandardSchemaV1>(
  request: Request,
  options: ReadJsonBodySchemaOptions<TSchema>,
): Promise<StandardSchemaV1.InferOutput<TSchema>>
export async function readJsonBody(
  request: Request,
  options: ReadJsonBodyOptions & { readonly schema?: StandardSchemaV1 },
): Promise<unknown> {
  const { maxBytes, schema } = options
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new ConfigError('maxBytes', 'must be a positive integer')
  if (!JSON_TYPE.test(request.headers.get('content-type') ?? ''))
    throw new JsonBodyError('unsupported_media_type', 'The body must be application/json.')
  if (Number(request.headers.get('content-length') ?? '0') > maxBytes) throw tooLarge(maxBytes)
  const bytes =
    request.body === null
      ? new Uint8Array(0)
      : await readCapped(request.body, maxBytes, () => tooLarge(maxBytes))
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new JsonBodyError('invalid_encoding', 'The body is not valid UTF-8.')
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new JsonBodyError('invalid_json', 'The body is not valid JSON.')
  }
  if (schema === undefined) return body
  const result = await schema['~standard'].validate(body)
  if (result.issues === undefined) return result.value
  const fields: JsonBodyField[] = result.issues.map((issue) => ({
    path: (issue.path ?? []).map(segmentKey).join('.') || '(body)',
    message: issue.message,
  }))
  throw new JsonBodyError(
    'invalid_body',
    `The body is not valid: ${fields.map((field) => field.path).join(', ')}.`,
    fields,
  )
}

function segmentKey(segment: PropertyKey | StandardSchemaV1.PathSegment): string {
  return String(typeof segment === 'object' ? segment.key : segment)
}

function tooLarge(maxBytes: number): JsonBodyError {
  return new JsonBodyError('payload_too_large', `The body is larger than ${maxBytes} bytes.`)
}
