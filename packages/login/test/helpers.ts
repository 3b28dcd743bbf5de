/** A tiny browser for the tests: a cookie jar and the steps of a login through a real issuer page. */
import type { Login, SessionRequest } from '../src/index.js'

export const APP = 'http://127.0.0.1:3000'
export const SECRET_A = 'test-secret-a-made-for-these-tests-only-0123456789'
export const SECRET_B = 'test-secret-b-made-for-these-tests-only-9876543210'

export interface SetCookie {
  readonly name: string
  readonly value: string
  readonly attributes: string
}

export function setCookies(response: Response): SetCookie[] {
  return response.headers.getSetCookie().map((line) => {
    const [pair = '', ...rest] = line.split('; ')
    const eq = pair.indexOf('=')
    return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes: rest.join('; ') }
  })
}

export class Jar {
  readonly cookies = new Map<string, string>()

  absorb(response: Response): void {
    for (const cookie of setCookies(response)) {
      if (/Max-Age=0|expires=Thu, 01 Jan 1970/i.test(cookie.attributes))
        this.cookies.delete(cookie.name)
      else this.cookies.set(cookie.name, cookie.value)
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  clone(): Jar {
    const copy = new Jar()
    for (const [name, value] of this.cookies) copy.cookies.set(name, value)
    return copy
  }
}

/** Sends a request to the login routes as the browser with `jar`, and keeps its cookies. */
export async function app(
  login: Login,
  jar: Jar,
  path: string,
  init: { method?: string; origin?: string | null } = {},
): Promise<Response> {
  const headers = new Headers()
  const cookie = jar.header()
  if (cookie !== '') headers.set('cookie', cookie)
  const method = init.method ?? 'GET'
  const origin = init.origin === undefined ? (method === 'GET' ? null : APP) : init.origin
  if (origin !== null) headers.set('origin', origin)
  const response = await login.routes(new Request(new URL(path, APP), { method, headers }))
  if (response === undefined) throw new Error(`no route for ${path}`)
  jar.absorb(response)
  return response
}

/** Fetches the dev issuer's login page and submits it: the issuer's redirect to the callback. */
export async function signInAtDevIssuer(authorizeUrl: string, username = 'dev-user'): Promise<URL> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' })
  if (page.status !== 200) throw new Error(`login page: ${page.status} ${await page.text()}`)
  const html = await page.text()
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]
  const form = new URLSearchParams()
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(match[1]!, decodeHtml(match[2]!))
  }
  form.set('username', username)
  form.set('email', `${username}@example.com`)
  const posted = await fetch(new URL(action!, authorizeUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  })
  if (posted.status !== 302) throw new Error(`login post: ${posted.status} ${await posted.text()}`)
  return new URL(posted.headers.get('location')!)
}

function decodeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** GET /auth/login: the issuer's authorization URL. */
export async function startLogin(login: Login, jar: Jar, returnTo?: string): Promise<URL> {
  const path =
    returnTo === undefined
      ? login.paths.login
      : `${login.paths.login}?${new URLSearchParams({ returnTo })}`
  const response = await app(login, jar, path)
  if (response.status !== 302) throw new Error(`login: ${response.status} ${await response.text()}`)
  return new URL(response.headers.get('location')!)
}

/** The whole flow through the dev issuer: the callback's response. */
export async function logInThroughDevIssuer(
  login: Login,
  jar: Jar,
  returnTo?: string,
  username?: string,
): Promise<Response> {
  const authorize = await startLogin(login, jar, returnTo)
  const callback = await signInAtDevIssuer(authorize.href, username)
  return app(login, jar, callback.pathname + callback.search)
}

/** A request view for the session helpers, typed (as the pipeline's RequestView provides them). */
export function asView(view: SessionRequest): SessionRequest {
  return view
}
