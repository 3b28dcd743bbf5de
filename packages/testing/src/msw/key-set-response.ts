/** How a key set endpoint answers. Everything is optional; the defaults are a plain 200 JSON answer. */
export interface KeySetResponseOptions {
  /** HTTP status. Default 200. */
  readonly status?: number
  /**
   * Wait this long before answering, through msw's `delay()`, which uses the global
   * `setTimeout`: under `vi.useFakeTimers()` the answer comes only when the test advances the
   * clock (`await vi.advanceTimersByTimeAsync(ms)`). `'infinite'` never answers; the client's own
   * timeout (an `AbortSignal`) ends the request, which msw honours.
   */
  readonly delayMs?: number | 'infinite'
  /** `Cache-Control` header value, e.g. `'public, max-age=600'`. Default: no header. */
  readonly cacheControl?: string
  /** `Content-Type`. Default `'application/json'`. */
  readonly contentType?: string
  /** More response headers. */
  readonly headers?: Readonly<Record<string, string>>
  /**
   * The body instead of the key set: a string is sent verbatim (an HTML page, invalid JSON, an
   * empty body), any other value as JSON.
   */
  readonly body?: unknown
}
