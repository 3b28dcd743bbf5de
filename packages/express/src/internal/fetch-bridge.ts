import { Readable } from 'node:stream'
import type { Request, Response } from 'express'

/**
 * A Fetch `Request` for an Express request, for a feature's Fetch-API routes: the absolute URL,
 * every header (repeated ones appended), and the body (the parsed one when a body parser ran
 * before, else the stream).
 */
export function toFetchRequest(req: Request): globalThis.Request {
  const headers = new Headers()
  const raw = req.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i] as string, raw[i + 1] as string)
    } catch {
      // A header value Fetch refuses (bytes past Latin-1) is left out, not a crash.
    }
  }
  const url = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl ?? req.url}`
  const method = req.method
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers })
  const parsed: unknown = (req as { body?: unknown }).body
  let body: BodyInit | undefined
  if (typeof parsed === 'string') body = parsed
  else if (parsed instanceof Uint8Array) body = new Uint8Array(parsed)
  else if (parsed !== undefined && parsed !== null && req.readableEnded) {
    body = JSON.stringify(parsed)
    headers.set('content-type', 'application/json')
    headers.delete('content-length')
  } else if (!req.readableEnded) body = Readable.toWeb(req) as unknown as ReadableStream
  return new Request(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  })
}

/** Writes a Fetch `Response` to Express: status, headers (every `Set-Cookie`), then the body. */
export async function writeFetchResponse(
  res: Response,
  response: globalThis.Response,
): Promise<void> {
  res.statusCode = response.status
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value)
  }
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) res.setHeader('set-cookie', cookies)
  if (response.body === null) {
    res.end()
    return
  }
  res.end(Buffer.from(await response.arrayBuffer()))
}
