/**
 * The cookies one origin set, as a browser keeps them (name to value; `Max-Age=0` or an expiry in
 * 1970 deletes). Enough for the scripted login and the tests; not a general cookie store.
 *
 * @example
 * ```ts
 * const jar = new CookieJar()
 * jar.absorb(await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual' }))
 * ```
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>()

  get size(): number {
    return this.#cookies.size
  }

  names(): string[] {
    return [...this.#cookies.keys()]
  }

  /** Takes in every `Set-Cookie` of `response`. */
  absorb(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      if (/max-age=0/i.test(line) || /expires=thu, 01 jan 1970/i.test(line)) {
        this.#cookies.delete(name)
      } else this.#cookies.set(name, pair.slice(eq + 1))
    }
  }

  /** The `Cookie` request header. */
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}
