import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scriptedLogin } from '../src/scripted-login.js'
import { startLoginExample, type LoginExample } from '../src/start.js'

// The example as a user runs it: a real server and dev issuer on 127.0.0.1, driven with fetch and
// a cookie jar the way a browser would.
let example: LoginExample
beforeAll(async () => {
  example = await startLoginExample()
})
afterAll(async () => {
  await example.close()
})

const jar = new Map<string, string>()
async function go(
  url: string,
  init: { method?: string; body?: URLSearchParams } = {},
): Promise<Response> {
  const target = new URL(url, example.url)
  const headers = new Headers()
  if (target.origin === example.url && jar.size > 0) {
    headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '))
  }
  if (init.method === 'POST' && target.origin === example.url) headers.set('origin', example.url)
  if (init.body) headers.set('content-type', 'application/x-www-form-urlencoded')
  const response = await fetch(target, {
    method: init.method ?? 'GET',
    headers,
    body: init.body ?? null,
    redirect: 'manual',
  })
  if (target.origin === example.url) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      if (/Max-Age=0/.test(line)) jar.delete(pair.slice(0, eq))
      else jar.set(pair.slice(0, eq), pair.slice(eq + 1))
    }
  }
  return response
}

describe('example-login', () => {
  it('logs a user in against the dev issuer, shows the profile, refreshes and logs out', async () => {
    expect(await (await go('/')).text()).toContain('id="login"')
    expect((await go('/api/me')).status).toBe(401)
    const profile = await go('/profile')
    expect(profile.status).toBe(302)

    const start = await go(profile.headers.get('location')!)
    const loginPage = await go(start.headers.get('location')!)
    const html = await loginPage.text()
    const form = new URLSearchParams()
    for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      form.set(match[1]!, match[2]!.replace(/&amp;/g, '&'))
    }
    form.set('username', 'erin')
    form.set('email', 'erin@example.com')
    const action = new URL(
      /<form method="post" action="([^"]+)"/.exec(html)![1]!,
      example.issuer.url,
    )
    const back = await go(action.href, { method: 'POST', body: form })
    const done = await go(back.headers.get('location')!)
    expect(done.headers.get('location')).toBe('/profile')

    expect(await (await go('/profile')).text()).toContain('Hello erin@example.com')
    expect(await (await go('/api/me')).json()).toMatchObject({ username: 'erin' })
    expect((await go('/auth/refresh', { method: 'POST' })).status).toBe(200)
    const out = await go('/auth/logout', { method: 'POST' })
    expect(out.status).toBe(303)
    expect((await go('/api/me')).status).toBe(401)
  })

  it('scriptedLogin gives a session cookie the API accepts', async () => {
    const cookie = await scriptedLogin(example.url, 'frank')
    const me = await fetch(`${example.url}/api/me`, { headers: { cookie } })
    expect(await me.json()).toMatchObject({ username: 'frank' })
  })
})
