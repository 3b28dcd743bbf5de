import {
  createRequestView,
  rawHeaderReader,
  type RawHeaderReader,
  type RequestView,
  type RequestViewInit,
} from '@cloudauth/core/binding'
import type { Request, Response } from 'express'

// One view per request, shared by every cloudauth middleware of the request (and every instance:
// each pipeline keeps its results under its own private memo keys).
// Kept under a symbol in `res.locals`, Express's per-request store, not in a WeakMap (an entry per
// request costs the garbage collector ephemeron work in every scavenge) nor on `req`: Express gives
// each request and response its app's prototype (`Object.setPrototypeOf`), after which V8 makes a
// new hidden class for every property added to that request, about as costly as the whole cached
// verify. `res.locals` is a prototype-less object (a dictionary): adding a key there is cheap.
// `req` is the fallback when an app replaced `res.locals` with something that is not an object.
const VIEW = Symbol('cloudauth.view')
type Holder = { [VIEW]?: RequestView }

// Express's request for the view: a class, so each request allocates one small object and no
// closures.
class ExpressRequest implements RequestViewInit {
  private readonly req: Request
  private readonly res: Response
  private readonly raw: RawHeaderReader | undefined

  constructor(req: Request, res: Response) {
    this.req = req
    this.res = res
    this.raw = Array.isArray(req.rawHeaders) ? rawHeaderReader(req.rawHeaders) : undefined
  }

  get method(): string {
    return this.req.method
  }

  get url(): string {
    return this.req.originalUrl ?? this.req.url
  }

  header(name: string): string | undefined {
    return this.raw === undefined ? this.req.get(name) : this.raw.header(name)
  }

  headerCount(name: string): number {
    if (this.raw !== undefined) return this.raw.headerCount(name)
    return this.req.get(name) === undefined ? 0 : 1
  }

  appendResponseHeader(name: string, value: string): void {
    this.res.append(name, value)
  }
}

/**
 * The request as the pipeline reads it. Headers come from Node's raw list (`req.rawHeaders`), not
 * `req.headers`: Node keeps only the first of two `Authorization` fields there, and the pipeline
 * must see both to refuse them.
 */
export function requestView(req: Request, res: Response): RequestView {
  const locals: unknown = res.locals
  const holder = (typeof locals === 'object' && locals !== null ? locals : req) as Holder
  const held = holder[VIEW]
  if (held !== undefined) return held
  const view = createRequestView(new ExpressRequest(req, res))
  holder[VIEW] = view
  return view
}
