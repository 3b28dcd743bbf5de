import {
  createRequestView,
  rawHeaderReader,
  type RawHeaderReader,
  type RequestView,
  type RequestViewInit,
} from '@cloudauth/core/binding'
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
// Kept on the context under a symbol, not in a WeakMap: a WeakMap entry per request costs the
// garbage collector ephemeron work in every scavenge, a measurable share of a small route's time.
const VIEW = Symbol('cloudauth.view')
type WithView = Context & { [VIEW]?: RequestView }

// Hono's request for the view. A class rather than an object of closures made per request: the
// methods are shared, and each request allocates one small object.
class HonoRequest implements RequestViewInit {
  private readonly c: Context
  private readonly raw: RawHeaderReader | undefined

  constructor(c: Context, raw: RawHeaderReader | undefined) {
    this.c = c
    this.raw = raw
  }

  get method(): string {
    return this.c.req.method
  }

  get url(): string {
    const url = this.c.req.url
    const start = url.indexOf('/', url.indexOf('//') + 2)
    return start === -1 ? '/' : url.slice(start)
  }

  header(name: string): string | undefined {
    return this.raw === undefined ? this.c.req.header(name) : this.raw.header(name)
  }

  headerCount(name: string): number {
    if (this.raw !== undefined) return this.raw.headerCount(name)
    return this.c.req.header(name) === undefined ? 0 : 1
  }

  appendResponseHeader(name: string, value: string): void {
    this.c.header(name, value, { append: true })
  }
}

/**
 * The request as the pipeline reads it. On @hono/node-server, the first `c.req.header()` builds a
 * whole WHATWG `Request` with its `Headers` (every header copied and validated): about 6 us, a
 * quarter of a small route's time, for one header. When the adapter hands over Node's request as
 * `c.env.incoming`, headers are read from its raw list instead, with the same value `Headers.get`
 * gives, and a count that shows a repeated `Authorization`. Elsewhere (Bun, Deno, Workers,
 * `app.request()`), `c.req` as it is.
 */
export function requestView(c: Context): RequestView {
  const held = (c as WithView)[VIEW]
  if (held !== undefined) return held
  const incoming = nodeIncoming(c.env)
  const raw = incoming === undefined ? undefined : rawHeaderReader(incoming.rawHeaders)
  const view = createRequestView(new HonoRequest(c, raw))
  ;(c as WithView)[VIEW] = view
  return view
}
