import { Readable } from 'node:stream'
import type { FetchHandler } from '@cloudauth/core/binding'
import type { Request, RequestHandler, Response } from 'express'

/** A body a parser already read that cannot be handed on as it was sent. */
class BodyNotForwardable extends Error {}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i
const CHARSET = /;\s*charset\s*=\s*("?)([^";\s]*)\1/i

/**
 * The Content-Type of a body rebuilt as a string (sent as UTF-8): a declared charset other than
 * UTF-8 would no longer describe the bytes, so it becomes `utf-8`.
 */
function utf8Type(type: string): string {
  const charset = CHARSET.exec(type)
  if (charset === null || charset[2]?.toLowerCase() === 'utf-8') return type
  return type.replace(CHARSET, '; charset=utf-8')
}

/**
 * What `express.urlencoded()` made of a form, as the form again: each key with its value, or its
 * values in order (`a=1&a=2`). Anything else came from the `extended` (qs) syntax, `a[b]=1` or
 * `a[]=1`, whose original keys are lost: refused.
 */
function formOf(parsed: object): string {
  const form = new URLSearchParams()
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string') form.append(key, value)
    else if (
      Array.isArray(value) &&
      value.length > 1 &&
      value.every((item) => typeof item === 'string')
    )
      for (const item of value) form.append(key, item)
    else throw new BodyNotForwardable()
  }
  return form.toString()
}

/**
 * The body as the client sent it, rebuilt from what a parser left in `req.body`: JSON stays JSON,
 * a urlencoded form becomes the form again, a string (`express.text()`) or a Buffer
 * (`express.raw()`) goes as it is. `undefined` when no parser read the body (the stream is then
 * handed on). Throws {@link BodyNotForwardable} for a parsed body that cannot be rebuilt faithfully.
 */
function parsedBody(req: Request, headers: Headers): BodyInit | null | undefined {
  if (!req.readableEnded) return undefined
  const parsed: unknown = (req as { body?: unknown }).body
  if (parsed instanceof Uint8Array) return new Uint8Array(parsed)
  // body-parser answers an empty body with `{}`; the client sent nothing.
  if (req.headers['content-length'] === '0') return null
  const type = headers.get('content-type') ?? ''
  if (typeof parsed === 'string') {
    if (type !== '') headers.set('content-type', utf8Type(type))
    return parsed
  }
  // Read by something that left no parsed body (the stream is spent): nothing to hand on.
  if (parsed === undefined) throw new BodyNotForwardable()
  if (JSON_TYPE.test(type)) {
    if (type !== '') headers.set('content-type', utf8Type(type))
    return JSON.stringify(parsed)
  }
  if (FORM_TYPE.test(type) && typeof parsed === 'object' && parsed !== null) {
    if (type !== '') headers.set('content-type', utf8Type(type))
    return formOf(parsed)
  }
  throw new BodyNotForwardable()
}

/**
 * A Fetch `Request` for an Express request, for a feature's Fetch-API routes: the absolute URL,
 * every header (repeated ones appended), and the body: the stream when no parser read it, else the
 * body rebuilt from the parsed one (see {@link parsedBody}). A parsed body that cannot be rebuilt
 * becomes a stream that fails when read, and `refused()` tells whether the handler tried.
 */
export function toFetchRequest(req: Request): {
  readonly request: globalThis.Request
  readonly refused: () => boolean
} {
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
  if (method === 'GET' || method === 'HEAD')
    return { request: new Request(url, { method, headers }), refused: () => false }
  let rebuilt: BodyInit | null | undefined
  let refused = false
  try {
    rebuilt = parsedBody(req, headers)
  } catch (error) {
    if (!(error instanceof BodyNotForwardable)) throw error
    // Failing only when read: a handler for other paths never reads it and lets the request pass.
    rebuilt = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          refused = true
          controller.error(error)
        },
      },
      { highWaterMark: 0 },
    )
  }
  const stream = rebuilt instanceof ReadableStream
  if (rebuilt === undefined) rebuilt = Readable.toWeb(req) as unknown as ReadableStream
  else {
    // The rebuilt body has its own length; the transfer coding was the parser's business.
    headers.delete('content-length')
    headers.delete('transfer-encoding')
  }
  const request = new Request(url, {
    method,
    headers,
    ...(rebuilt === null ? {} : { body: rebuilt }),
    ...(rebuilt instanceof ReadableStream ? { duplex: 'half' } : {}),
  })
  return { request, refused: () => stream && refused }
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

const NOT_FORWARDABLE = JSON.stringify({
  error: 'unsupported_media_type',
  error_description:
    'the body was parsed by a body parser before these routes and cannot be handed on as it was sent (mount the routes before the parser)',
})

function refuse(res: Response): void {
  res.statusCode = 415
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.setHeader('cache-control', 'no-store')
  res.end(NOT_FORWARDABLE)
}

/**
 * The middleware of `auth.mount(handler)`: the handler's answer, or `next()` when it has none. A
 * body a parser read and that cannot be rebuilt as sent (a form in qs's nested syntax, an object
 * of another media type) is never changed silently: when the handler reads it, the answer is 415
 * `unsupported_media_type` whatever the handler made of the failed read.
 */
export function mountFetch(handler: FetchHandler): RequestHandler {
  return (req, res, next) => {
    const { request, refused } = toFetchRequest(req)
    handler(request)
      .then(
        (response) => {
          if (refused()) {
            void response?.body?.cancel()
            refuse(res)
          } else if (response === undefined) next()
          else return writeFetchResponse(res, response)
          return undefined
        },
        (error: unknown) => {
          if (refused()) refuse(res)
          else next(error)
        },
      )
      .catch(next)
  }
}
