/**
 * A real browser (Debian's chromium through playwright-core) logs in through the dev issuer's
 * one-click page, sees its profile, refreshes, and logs out, against a small app on 127.0.0.1 that
 * mounts the login routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser } from 'playwright-core'
import { DEV_DEFAULTS, startDevIssuer, type DevIssuer } from '@cloudauth/testing'
import { cognitoHostedUi, createLogin, type Login } from '../src/index.js'
import { SECRET_A } from './helpers.js'

let issuer: DevIssuer
let server: Server
let base: string
let login: Login
let browser: Browser

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value)
  }
  const request = new Request(new URL(req.url ?? '/', base), {
    method: req.method ?? 'GET',
    headers,
  })
  const answer = await login.routes(request)
  if (answer !== undefined) {
    res.statusCode = answer.status
    answer.headers.forEach((value, name) => {
      if (name !== 'set-cookie') res.setHeader(name, value)
    })
    const cookies = answer.headers.getSetCookie()
    if (cookies.length > 0) res.setHeader('set-cookie', cookies)
    res.end(Buffer.from(await answer.arrayBuffer()))
    return
  }
  const view = { header: (name: string) => request.headers.get(name) ?? undefined }
  const profile = await login.userinfo(view)
  const body =
    profile === undefined
      ? '<p id="anonymous">Not logged in.</p><a id="login" href="/auth/login?returnTo=/">Log in</a>'
      : `<p id="hello">Hello ${escapeHtml(String(profile['email']))}</p>
         <form method="post" action="/auth/refresh"><button id="refresh">Refresh</button></form>
         <form method="post" action="/auth/logout"><button id="logout">Log out</button></form>`
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
  res.end(`<!doctype html><title>app</title>${body}`)
}

beforeAll(async () => {
  issuer = await startDevIssuer()
  server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.statusCode = 500
      res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  login = createLogin({
    issuer: cognitoHostedUi({ domain: issuer.url, issuer: issuer.issuer('cognito') }),
    clientId: DEV_DEFAULTS.clientId,
    redirectUri: `${base}/auth/callback`,
    secrets: [SECRET_A],
  })
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' })
}, 60_000)

afterAll(async () => {
  await browser.close()
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await issuer.stop()
})

describe('in a real browser', () => {
  it('logs in through the issuer page, sees the profile, refreshes and logs out', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${base}/`)
    expect(await page.textContent('#anonymous')).toBe('Not logged in.')

    await Promise.all([page.waitForURL(`${issuer.url}/oauth2/authorize?**`), page.click('#login')])
    await page.fill('input[name=username]', 'carol')
    await page.fill('input[name=email]', 'carol@example.com')
    await Promise.all([page.waitForURL(`${base}/`), page.click('#sign-in')])
    expect(await page.textContent('#hello')).toBe('Hello carol@example.com')

    const cookies = await context.cookies(base)
    const sessionCookie = cookies.find((c) => c.name === 'cloudauth.session')!
    expect(sessionCookie.httpOnly).toBe(true)
    expect(sessionCookie.sameSite).toBe('Lax')
    expect(cookies.some((c) => c.name.startsWith('cloudauth.attempt.'))).toBe(false)

    // The form POST carries the page's Origin, so the CSRF check lets it through.
    await Promise.all([page.waitForURL(`${base}/auth/refresh`), page.click('#refresh')])
    expect(await page.textContent('body')).toContain('"expiresAt"')
    const rotated = (await context.cookies(base)).find((c) => c.name === 'cloudauth.session')!
    expect(rotated.value).not.toBe(sessionCookie.value)

    await page.goto(`${base}/`)
    await Promise.all([page.waitForURL(`${base}/`), page.click('#logout')])
    expect(await page.textContent('#anonymous')).toBe('Not logged in.')
    expect((await context.cookies(base)).some((c) => c.name === 'cloudauth.session')).toBe(false)
    await context.close()
  }, 60_000)
})
