import { HttpResponse, delay } from 'msw'
import type { KeySetResponseOptions } from '../msw/key-set-response.js'

/** Builds the response an msw resolver returns, after the optional delay. */
export async function keySetResponse(
  content: unknown,
  options: KeySetResponseOptions,
): Promise<Response> {
  if (options.delayMs !== undefined) await delay(options.delayMs)
  const body = options.body === undefined ? content : options.body
  const headers = new Headers(options.headers)
  headers.set('content-type', options.contentType ?? 'application/json')
  if (options.cacheControl !== undefined) headers.set('cache-control', options.cacheControl)
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return new HttpResponse(text, { status: options.status ?? 200, headers })
}
