/**
 * The part of an HTTP request a token source reads: its headers, by case-insensitive name. A
 * binding's {@link RequestView} is one; `{ header: (name) => req.get(name) }` is enough elsewhere.
 */
export interface TokenRequest {
  /** The value of one header, or `undefined`. Several values may come joined by `, `. */
  header(name: string): string | undefined
  /**
   * How many times the field occurred in the request, where the binding can tell (duplicates of a
   * field that must occur once are refused). Optional: a plain `{ header }` object counts as one.
   */
  headerCount?(name: string): number
  /** The value of one cookie, parsed by core from the `Cookie` header(s), where the binding offers it. */
  cookie?(name: string): string | undefined
}

/**
 * Where a token may be found in a request. `read` returns the token, `undefined` when this source
 * holds none, or throws an `invalid_request` {@link AuthError} when it holds something malformed.
 * It may return a promise (a login session kept in a store); a synchronous source stays synchronous
 * all the way, with no promise per request.
 */
export interface TokenSource {
  /** Names the source in error descriptions, e.g. `'Authorization header'`, `'cookie "session"'`. */
  readonly description: string
  read(request: TokenRequest): string | undefined | Promise<string | undefined>
}
