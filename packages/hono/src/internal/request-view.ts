import { createRequestView, rawHeaderReader, type RequestView } from '@cloudauth/core/binding'
import type { Context } from 'hono'

/** What @hono/node-server puts in `c.env.incoming`: Node's IncomingMessage (or HTTP/2 request). */
interface NodeIncoming {
  readonly rawHeaders: readonly string[]
}

function nodeIncoming(env: unknown): NodeIncoming | undefined {
  const incoming = (env as { incoming?: Partial<NodeIncoming> } | null | undefined)?.incoming
  return Array.isArray(incoming?.rawHeaders) ? (incoming as NodeIncoming) : undefined
}

// One view per request, shared by every cloudauth middleware of the request (and every instance:
// each pipeline keeps its results under its own private memo keys).
const views = new WeakMap<Context, RequestView>()

/**
 * The request as the pipeline reads it. On @hono/node-server, the first `c.req.header()` builds a
 * whole WHATWG `Request` with its `Headers` (every header copied and validated): about 6 us, a
 * quarter of a small route's time, for one header. When the adapter hands over Node's request as
 * `c.env.incoming`, headers are read from its raw list instead, with the same value `Headers.get`
 * gives, and a count that shows a repeated `Authorization`. Elsewhere (Bun, Deno, Workers,
 * `app.request()`), `c.req` as it is.
 */
export function requestView(c: Context): RequestView {
  let view = views.get(c)
  if (view !== undefined) return view
  const incoming = nodeIncoming(c.env)
  const raw = incoming === undefined ? undefined : rawHeaderReader(incoming.rawHeaders)
  view = createRequestView({
    get method() {
      return c.req.method
    },
    get url() {
      const url = c.req.url
      const start = url.indexOf('/', url.indexOf('//') + 2)
      return start === -1 ? '/' : url.slice(start)
    },
    header: raw === undefined ? (name) => c.req.header(name) : raw.header,
    ...(raw === undefined ? {} : { headerCount: raw.headerCount }),
    appendResponseHeader: (name, value) => c.header(name, value, { append: true }),
  })
  views.set(c, view)
  return view
}
