/**
 * Why {@link readJsonBody} refused a body. Each code has one HTTP status: `unsupported_media_type`
 * 415, `payload_too_large` 413, and 400 for the rest (routes usually answer those as
 * `invalid_request`).
 */
export type JsonBodyErrorCode =
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'invalid_encoding'
  | 'invalid_json'
  | 'invalid_body'

/** A field of the body that failed the schema: its dotted path and the schema's message. */
export interface JsonBodyField {
  /** Dotted path (`attributes.email`); `(body)` for the body as a whole. */
  readonly path: string
  /** The schema's message, which describes the rule, never the value given. */
  readonly message: string
}

const STATUS = {
  unsupported_media_type: 415,
  payload_too_large: 413,
  invalid_encoding: 400,
  invalid_json: 400,
  invalid_body: 400,
} as const satisfies Record<JsonBodyErrorCode, number>

/**
 * The error {@link readJsonBody} throws: a stable `code`, its HTTP `status`, a message written
 * here (never a copy of the body, so it is safe to log and to send), and for `invalid_body` the
 * failing `fields`. A feature turns it into its own error type, keeping `message`.
 *
 * @example
 * ```ts
 * try {
 *   body = await readJsonBody(request, { maxBytes: 16_384, schema })
 * } catch (error) {
 *   if (error instanceof JsonBodyError)
 *     return jsonAnswer(error.status, { error: error.code, message: error.message })
 *   throw error
 * }
 * ```
 */
export class JsonBodyError extends Error {
  override readonly name = 'JsonBodyError'
  readonly code: JsonBodyErrorCode
  /** 415, 413 or 400, from the code. */
  readonly status: 400 | 413 | 415
  /** `invalid_body` only: which fields failed, paths and messages, never values. */
  readonly fields: readonly JsonBodyField[] | undefined

  constructor(code: JsonBodyErrorCode, message: string, fields?: readonly JsonBodyField[]) {
    super(message)
    this.code = code
    this.status = STATUS[code]
    this.fields = fields
  }
}
