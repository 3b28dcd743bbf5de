import { JsonBodyError, jsonAnswer, readJsonBody } from '@cloudauth/core/binding'
import type { z } from 'zod'
import { CognitoApiError } from '../cognito-api-error.js'

/**
 * Core's {@link readJsonBody} (application/json only, at most `maxBytes`, UTF-8, JSON, the
 * schema), its refusals as {@link CognitoApiError}s with the same message and fields.
 */
export async function readCognitoBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  maxBytes: number,
): Promise<z.output<S>> {
  try {
    // A zod schema is a Standard Schema whose output is z.output.
    return (await readJsonBody(request, { maxBytes, schema })) as z.output<S>
  } catch (error) {
    if (!(error instanceof JsonBodyError)) throw error
    const code =
      error.status === 415
        ? 'unsupported_media_type'
        : error.status === 413
          ? 'payload_too_large'
          : 'invalid_request'
    throw new CognitoApiError(
      code,
      error.message,
      error.fields === undefined ? {} : { fields: error.fields },
    )
  }
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
