import { findCookie } from '../internal/cookies.js'
import type { TokenRequest } from '../sources/token-source.js'

/**
 * One request as the pipeline sees it, made by a binding once per request and handed to every step
 * of that request (so the per-request `memo` is shared: a token is verified once per request).
 */
export interface RequestView extends TokenRequest {
  readonly method: string
  /** Path and query as received. */
  readonly url: string
  /** As `Headers.get`: repeated fields joined by `", "` (`"; "` for `cookie`). */
  header(name: string): string | undefined
  /** How many times the field occurred (duplicates of `Authorization` are refused). */
  headerCount(name: string): number
  /** One cookie, parsed by core from the `Cookie` header(s); the same name twice is `invalid_request`. */
  cookie(name: string): string | undefined
  /** Adds a response header (for example `Set-Cookie` after a session refresh). */
  appendResponseHeader(name: string, value: string): void
  /** Per-request memo, keyed by objects private to each pipeline or feature. */
  readonly memo: Map<unknown, unknown>
}

/** What a binding supplies to {@link createRequestView}; `method` and `url` may be getters. */
export interface RequestViewInit {
  readonly method: string
  readonly url: string
  /** Lower-case name in; the value `Headers.get` would give out. */
  header(name: string): string | undefined
  /** Lower-case name in. Default: 1 when `header(name)` has a value, else 0. */
  headerCount?(name: string): number
  appendResponseHeader(name: string, value: string): void
}

class View implements RequestView {
  private readonly init: RequestViewInit
  private memoMap: Map<unknown, unknown> | undefined

  constructor(init: RequestViewInit) {
    this.init = init
  }

  // Read when asked: a binding may supply them as getters, costly on some servers.
  get method(): string {
    return this.init.method
  }

  get url(): string {
    return this.init.url
  }

  header(name: string): string | undefined {
    return this.init.header(name.toLowerCase())
  }

  headerCount(name: string): number {
    const lower = name.toLowerCase()
    if (this.init.headerCount !== undefined) return this.init.headerCount(lower)
    return this.init.header(lower) === undefined ? 0 : 1
  }

  cookie(name: string): string | undefined {
    return findCookie(this.init.header('cookie'), name)
  }

  appendResponseHeader(name: string, value: string): void {
    this.init.appendResponseHeader(name, value)
  }

  get memo(): Map<unknown, unknown> {
    // Made on first use: a request whose steps memoise nothing allocates no map.
    return (this.memoMap ??= new Map())
  }
}

/**
 * Builds a {@link RequestView} from a binding's few accessors; cookies and the memo come from core.
 *
 * @example
 * ```ts
 * const view = createRequestView({
 *   method: request.method,
 *   url: '/orders?page=2',
 *   header: (name) => request.headers.get(name) ?? undefined,
 *   appendResponseHeader: (name, value) => outgoing.append(name, value),
 * })
 * ```
 */
export function createRequestView(init: RequestViewInit): RequestView {
  return new View(init)
}

/** Fetch's Headers drops leading and trailing HTTP whitespace from a value (Fetch §2.2.2). */
function trimHttpWhitespace(value: string): string {
  let start = 0
  let end = value.length
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--
  return start === 0 && end === value.length ? value : value.slice(start, end)
}

function isHttpWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d
}

/** Header accessors over a raw list (methods: call them on the reader). */
export interface RawHeaderReader {
  header(name: string): string | undefined
  headerCount(name: string): number
}

/**
 * `Headers.get(name)` and a field count over Node's raw header list (`IncomingMessage.rawHeaders`:
 * name, value, name, value, ...), which keeps every repeated field where Node's `req.headers` drops
 * a second `Authorization`. Repeated fields are joined by `", "` (Fetch §2.2.2), or by `"; "` for
 * `cookie`, as Node's Headers (undici) joins them. Names in must be lower case.
 *
 * @example
 * ```ts
 * const headers = rawHeaderReader(req.rawHeaders)
 * headers.headerCount('authorization') // 2 for a request with two Authorization fields
 * ```
 */
export function rawHeaderReader(raw: readonly string[]): RawHeaderReader {
  return new RawHeaders(raw)
}

// A class, not closures: one small object per request, its methods shared (the request path runs
// this for every request on Node).
class RawHeaders implements RawHeaderReader {
  private readonly raw: readonly string[]
  // The last field looked up and its count: a source reads a header, then asks how often it came.
  private lastName = ''
  private lastCount = 0

  constructor(raw: readonly string[]) {
    this.raw = raw
  }

  header(name: string): string | undefined {
    const raw = this.raw
    const separator = name === 'cookie' ? '; ' : ', '
    let value: string | undefined
    let count = 0
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const field = raw[i] as string
      if (field.length !== name.length || field.toLowerCase() !== name) continue
      count++
      const next = trimHttpWhitespace(raw[i + 1] as string)
      value = value === undefined ? next : `${value}${separator}${next}`
    }
    this.lastName = name
    this.lastCount = count
    return value
  }

  headerCount(name: string): number {
    if (name !== this.lastName) this.header(name)
    return this.lastCount
  }
}
