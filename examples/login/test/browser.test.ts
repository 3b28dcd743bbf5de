/**
 * A real browser (Debian's chromium through playwright-core, installed by .ci/run) uses the example
 * app: the profile page sends it to the issuer's own login page (the dev issuer's one-click page,
 * oidc-provider's login and consent pages, cognito-local's Hosted UI form), it signs in, sees its
 * profile, refreshes the session, and logs out (through the issuer's end-session page where there
 * is one), for each issuer and both frameworks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { ISSUER_NAMES, type ExampleIssuer } from '../src/issuers/example-issuer.js'
import { FRAMEWORKS, startLoginExample, type LoginExample } from '../src/start.js'

let browser: Browser
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' })
}, 60_000)
afterAll(async () => {
  await browser?.close()
})

/** Signs in on the issuer's pages, as a person would. */
async function signIn(page: Page, issuer: ExampleIssuer): Promise<void> {
  const { username, password } = issuer.user
  switch (issuer.name) {
    case 'dev':
      await page.fill('input[name=username]', 'carol')
      await page.fill('input[name=email]', 'carol@example.com')
      await page.click('#sign-in')
      return
    case 'cognito-local':
      await page.fill('input[name=username]', username)
      await page.fill('input[name=password]', password)
      await page.click('button[type=submit]')
      return
    case 'oidc-provider':
      await page.fill('input[name=login]', username)
      await page.fill('input[name=password]', password)
      await Promise.all([page.waitForURL('**/interaction/**'), page.click('button[type=submit]')])
      // The consent page.
      await page.click('button[type=submit]')
      return
  }
}

const cases = ISSUER_NAMES.flatMap((issuer) =>
  FRAMEWORKS.map((framework) => ({ issuer, framework })),
)

describe.each(cases)(
  'in a real browser: $framework app, $issuer issuer',
  ({ issuer, framework }) => {
    let example: LoginExample
    beforeAll(async () => {
      example = await startLoginExample({ issuer, framework })
    }, 30_000)
    afterAll(async () => {
      await example?.close()
    })

    it("logs in through the issuer's page, sees the profile, refreshes and logs out", async () => {
      const context = await browser.newContext()
      try {
        const page = await context.newPage()
        await page.goto(`${example.url}/profile`)
        expect(new URL(page.url()).origin).toBe(example.issuer.url)

        await Promise.all([page.waitForURL(`${example.url}/profile`), signIn(page, example.issuer)])
        const email = issuer === 'dev' ? 'carol@example.com' : example.issuer.user.username
        const expected = email.includes('@') ? email : `${email}@example.com`
        expect(await page.textContent('#hello')).toBe(`Hello ${expected}`)

        // Cookies are not kept apart by port: the issuer's own (oidc-provider's `_session`) show
        // here too, so look at the app's.
        const ours = async () =>
          (await context.cookies(example.url)).filter((c) => c.name.startsWith('cloudauth.'))
        const cookies = await ours()
        expect(cookies.length).toBeGreaterThan(0)
        for (const cookie of cookies) {
          expect(cookie.name).toMatch(/^cloudauth\.session(\.\d+)?$/)
          expect(cookie.httpOnly).toBe(true)
          expect(cookie.sameSite).toBe('Lax')
        }

        // The form POST carries the page's Origin, so the CSRF check lets it through.
        await Promise.all([page.waitForURL(`${example.url}/auth/refresh`), page.click('#refresh')])
        expect(await page.textContent('body')).toContain('"expiresAt"')
        await page.goto(`${example.url}/profile`)
        expect(await page.textContent('#hello')).toBe(`Hello ${expected}`)

        const done = page.waitForURL(`${example.url}/`)
        await page.click('#logout')
        if (issuer === 'oidc-provider') {
          // oidc-provider asks before it ends its own session.
          await page.waitForURL(`${example.issuer.url}/session/end?**`)
          await page.click('button[value=yes]')
        }
        await done
        expect(await page.textContent('#anonymous')).toBe('Not logged in.')
        expect(await ours()).toEqual([])
      } finally {
        await context.close()
      }
    }, 60_000)
  },
)
