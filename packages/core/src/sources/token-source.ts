/** The part of an HTTP request a token source reads: its headers, by case-insensitive name. */
export interface TokenRequest {
  /** The value of one header, or `undefined`. Several values may come joined by `, `. */
  header(name: string): string | undefined
}

/**
 * Where a token may be found in a request. `read` returns the token, `undefined` when this source
 * holds none, or throws an `invalid_request` {@link AuthError} when it holds something malformed.
 */
export interface TokenSource {
  /** Names the source in error descriptions, e.g. `'Authorization header'`, `'cookie "session"'`. */
  readonly description: string
  read(request: TokenRequest): string | undefined
}
