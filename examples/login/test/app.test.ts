import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CookieJar } from '../src/cookie-jar.js'
import { ISSUER_NAMES } from '../src/issuers/example-issuer.js'
import { scriptedLogin } from '../src/scripted-login.js'
import { FRAMEWORKS, startLoginExample, type LoginExample } from '../src/start.js'

// The example as a user runs it, for each issuer and each framework: a real server and a real
// issuer on 127.0.0.1 (the dev issuer, oidc-provider, cognito-local), driven with fetch and a
// cookie jar per origin the way a browser would, through the issuer's own login pages.
const cases = ISSUER_NAMES.flatMap((issuer) =>
  FRAMEWORKS.map((framework) => ({ issuer, framework })),
)

describe.each(cases)('example-login: $framework app, $issuer issuer', ({ issuer, framework }) => {
  let example: LoginExample
  beforeAll(async () => {
    example = await startLoginExample({ issuer, framework })
  }, 30_000)
  afterAll(async () => {
    await example?.close()
  })

  async function go(jar: CookieJar, path: string, method = 'GET'): Promise<Response> {
    const headers = new Headers({ cookie: jar.header() })
    // A browser's form POST carries the page's Origin (the CSRF check needs it).
    if (method === 'POST') headers.set('origin', example.url)
    const response = await fetch(new URL(path, example.url), {
      method,
      headers,
      redirect: 'manual',
    })
    jar.absorb(response)
    return response
  }

  it('sends an anonymous browser to the login page and answers the API with 401', async () => {
    const jar = new CookieJar()
    expect(await (await go(jar, '/')).text()).toContain('id="login"')
    const api = await go(jar, '/api/me')
    expect(api.status).toBe(401)
    expect(api.headers.get('www-authenticate')).toMatch(/^Bearer/)
    const profile = await go(jar, '/profile')
    expect(profile.status).toBe(302)
    expect(profile.headers.get('location')).toBe('/auth/login?returnTo=%2Fprofile')
    const start = await go(jar, profile.headers.get('location')!)
    expect(start.status).toBe(302)
    const authorize = new URL(start.headers.get('location')!)
    expect(authorize.origin).toBe(example.issuer.url)
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorize.searchParams.get('client_id')).toBe(example.issuer.clientId)
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${example.url}/auth/callback`)
  })

  it("logs in through the issuer's page, shows the profile, refreshes and logs out", async () => {
    const { user } = example.issuer
    const jar = await scriptedLogin(example.url, user)
    // Only the session is left (the attempt cookie is spent); big sessions come in chunks.
    expect(jar.size).toBeGreaterThan(0)
    for (const name of jar.names()) expect(name).toMatch(/^cloudauth\.session(\.\d+)?$/)

    const profile = await go(jar, '/profile')
    expect(profile.status).toBe(200)
    const html = await profile.text()
    const email = user.username.includes('@') ? user.username : `${user.username}@example.com`
    expect(html).toContain(`<p id="hello">Hello ${email}</p>`)

    const me = await go(jar, '/api/me')
    expect(me.status).toBe(200)
    const claims = (await me.json()) as { sub: string; issuer: string; scopes: string[] }
    expect(html).toContain(`<code id="subject">${claims.sub}</code>`)
    expect(claims.issuer).toBe(example.issuer.login.identifier)
    if (issuer === 'oidc-provider') expect(claims.scopes).toEqual(['api:read'])

    const sealed = jar.header()
    const refreshed = await go(jar, '/auth/refresh', 'POST')
    expect(refreshed.status).toBe(200)
    expect(await refreshed.json()).toMatchObject({ sub: claims.sub })
    expect(jar.header()).not.toBe(sealed)
    expect((await go(jar, '/api/me')).status).toBe(200)

    const out = await go(jar, '/auth/logout', 'POST')
    expect(out.status).toBe(303)
    const next = new URL(out.headers.get('location')!, example.url)
    // The issuer's session ends too, where it has a logout endpoint (cognito-local has none).
    if (issuer === 'cognito-local') expect(next.href).toBe(`${example.url}/`)
    else expect(next.origin).toBe(example.issuer.url)
    expect(jar.size).toBe(0)
    expect((await go(jar, '/api/me')).status).toBe(401)
  })

  it('refuses a logout without a same-origin Origin (CSRF) and keeps the session', async () => {
    const jar = await scriptedLogin(example.url, example.issuer.user)
    const forged = await fetch(new URL('/auth/logout', example.url), {
      method: 'POST',
      headers: { cookie: jar.header(), origin: 'https://evil.example' },
      redirect: 'manual',
    })
    expect(forged.status).toBe(403)
    expect((await go(jar, '/api/me')).status).toBe(200)
  })
})
