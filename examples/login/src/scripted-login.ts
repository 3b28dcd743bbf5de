import { CookieJar } from './cookie-jar.js'

/**
 * Logs in to the running example the way a browser would: `fetch`, one cookie jar per origin, and
 * the issuer's own pages (the dev issuer's one-click page, oidc-provider's login and consent pages,
 * cognito-local's Hosted UI form), filled in and posted. For the test suite and `pnpm demo`.
 * Returns the app's cookies (its session); `jar.header()` is the `Cookie` header. It only talks to
 * 127.0.0.1.
 *
 * @example
 * ```ts
 * const jar = await scriptedLogin(example.url, { username: 'erin' })
 * await fetch(`${example.url}/api/me`, { headers: { cookie: jar.header() } })
 * ```
 */
export async function scriptedLogin(
  appUrl: string,
  user: { readonly username: string; readonly password?: string },
  returnTo = '/profile',
): Promise<CookieJar> {
  const app = new URL(appUrl).origin
  const jars = new Map<string, CookieJar>()
  const jarOf = (origin: string) => {
    let jar = jars.get(origin)
    if (jar === undefined) jars.set(origin, (jar = new CookieJar()))
    return jar
  }
  const go = async (url: URL, form?: URLSearchParams): Promise<Response> => {
    if (url.hostname !== '127.0.0.1') throw new Error('the scripted login only talks to 127.0.0.1')
    const jar = jarOf(url.origin)
    const headers = new Headers()
    if (jar.size > 0) headers.set('cookie', jar.header())
    if (form !== undefined) {
      headers.set('content-type', 'application/x-www-form-urlencoded')
      headers.set('origin', url.origin)
    }
    const response = await fetch(url, {
      method: form === undefined ? 'GET' : 'POST',
      headers,
      body: form ?? null,
      redirect: 'manual',
    })
    jar.absorb(response)
    return response
  }

  let url = new URL(`/auth/login?${new URLSearchParams({ returnTo })}`, app)
  let response = await go(url)
  for (let step = 0; step < 16; step++) {
    if (response.status >= 300 && response.status < 400) {
      const location = new URL(response.headers.get('location') ?? '', url)
      // Back at the app after the callback: logged in.
      if (location.origin === app && !location.pathname.startsWith('/auth/')) {
        return jarOf(app)
      }
      url = location
      response = await go(url)
      continue
    }
    const html = await response.text()
    const formTag = /<form\b[^>]*method="post"[^>]*>/i.exec(html)?.[0] ?? ''
    const action = /action="([^"]+)"/.exec(formTag)?.[1]
    if (response.status !== 200 || action === undefined) {
      throw new Error(`the login did not complete (${response.status} at ${url.pathname})`)
    }
    const form = new URLSearchParams()
    for (const match of html.matchAll(
      /<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g,
    )) {
      form.set(match[1] ?? '', decodeHtml(match[2] ?? ''))
    }
    const fields = new Set([...html.matchAll(/<input[^>]*name="([^"]+)"/g)].map((m) => m[1]))
    if (fields.has('username')) form.set('username', user.username)
    if (fields.has('login')) form.set('login', user.username)
    if (fields.has('email')) form.set('email', `${user.username}@example.com`)
    if (fields.has('password')) form.set('password', user.password ?? '')
    url = new URL(decodeHtml(action), url)
    response = await go(url, form)
  }
  throw new Error('the issuer never sent the browser back to the app')
}

function decodeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&')
}
