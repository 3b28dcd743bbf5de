import type { HttpHandler } from 'msw'
import type { KeySetResponseOptions } from './key-set-response.js'

/**
 * A scripted outage of a key set endpoint:
 * - a number: that HTTP status with a short text body;
 * - `'timeout'`: never answers (the client's timeout fires);
 * - `'network-error'`: the connection fails (`fetch` rejects with a `TypeError`);
 * - `'html'`: 200 with an HTML page, as a captive portal or a WAF sends;
 * - `'invalid-json'`: 200, `application/json`, truncated JSON;
 * - `'empty'`: 200 with an empty body;
 * - `'no-keys'`: 200 with a well-formed but empty key set.
 */
export type KeySetFailure =
  number | 'timeout' | 'network-error' | 'html' | 'invalid-json' | 'empty' | 'no-keys'

/** Options of {@link fail}. */
export interface FailOptions {
  /** Fail this many requests, then serve the keys again. Default: until `recover()`. */
  readonly times?: number
}

/** A stateful msw endpoint serving a key set, for scripting rotations and outages mid-test. */
export interface KeySetEndpoint<TKeys> {
  /** The URL it answers. */
  readonly url: string
  /** The msw handler: pass it to `setupServer(...)` or `server.use(...)`. */
  readonly handler: HttpHandler
  /** Requests received since creation or the last `reset()`, failed ones included. */
  readonly hits: number
  /** Serves another key set from the next request on (a rotation). */
  setKeys(keys: TKeys): void
  /** Sets the `Cache-Control` header (`null` for none) from the next request on. */
  setCacheControl(value: string | null): void
  /** Makes the next requests fail the given way. */
  fail(failure: KeySetFailure, options?: FailOptions): void
  /** Serves the keys again. */
  recover(): void
  /** Back to the keys and `Cache-Control` it was created with, no failure, `hits` 0. */
  reset(): void
}

/** Options when creating an endpoint. */
export interface KeySetEndpointOptions extends Pick<
  KeySetResponseOptions,
  'delayMs' | 'contentType' | 'headers'
> {
  /** `Cache-Control` header value. Default: none. */
  readonly cacheControl?: string
}
