/**
 * Logs in to the running example the way a browser would (fetch, a cookie jar, the dev issuer's
 * one-click page), for the test suite and `pnpm demo`. Returns the app's cookies as a `Cookie` header.
 *
 * @example
 * ```ts
 * const cookie = await scriptedLogin(example.url, 'erin')
 * await fetch(`${example.url}/api/me`, { headers: { cookie } })
 * ```
 */
export async function scriptedLogin(appUrl: string, username = 'dev-user'): Promise<string> {
  const jar = new Map<string, string>()
  const go = async (url: string, init: { method?: string; body?: URLSearchParams } = {}) => {
    const target = new URL(url, appUrl)
    if (target.hostname !== '127.0.0.1')
      throw new Error('the scripted login only talks to 127.0.0.1')
    const headers = new Headers()
    const own = target.origin === new URL(appUrl).origin
    if (own && jar.size > 0) headers.set('cookie', cookieHeader(jar))
    if (init.body) headers.set('content-type', 'application/x-www-form-urlencoded')
    const response = await fetch(target, {
      method: init.method ?? 'GET',
      headers,
      body: init.body ?? null,
      redirect: 'manual',
    })
    if (own) {
      for (const line of response.headers.getSetCookie()) {
        const [pair = ''] = line.split(';')
        const eq = pair.indexOf('=')
        if (/Max-Age=0/.test(line)) jar.delete(pair.slice(0, eq))
        else jar.set(pair.slice(0, eq), pair.slice(eq + 1))
      }
    }
    return response
  }
  const start = await go('/auth/login?returnTo=/profile')
  const page = await go(start.headers.get('location') ?? '')
  const html = await page.text()
  const form = new URLSearchParams()
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(match[1] ?? '', (match[2] ?? '').replace(/&quot;/g, '"').replace(/&amp;/g, '&'))
  }
  form.set('username', username)
  form.set('email', `${username}@example.com`)
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? ''
  const back = await go(new URL(action, page.url).href, { method: 'POST', body: form })
  const done = await go(back.headers.get('location') ?? '')
  if (done.status !== 302) throw new Error(`the login did not complete (${done.status})`)
  return cookieHeader(jar)
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ')
}
