import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startOffline, type OfflineExample } from '../src/offline.js'

// Swagger UI's Authorize button in a real headless Chromium (Debian's `chromium`, see .ci/run):
// it runs the authorization-code flow with PKCE against the dev login in front of the dev issuer,
// then "Try it out" calls the protected route with the token it obtained.
let example: OfflineExample
let browser: Browser
beforeAll(async () => {
  example = await startOffline('hono')
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' })
})
afterAll(async () => {
  await browser?.close()
  await example?.close()
})

it('Authorize obtains a token from the dev issuer and Try it out calls /api/admin with it', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const outside: string[] = []
  page.on('request', (request) => {
    if (!request.url().startsWith(example.url) && !request.url().startsWith('data:'))
      outside.push(request.url())
  })
  await page.goto(`${example.url}/docs`)
  await page.locator('.btn.authorize').first().click()
  const dialog = page.locator('.dialog-ux')
  // Swagger UI hides the checkbox behind its label.
  await dialog.locator('label[for="reports:admin-authorizationCode-checkbox-user"]').click()
  await expect
    .poll(() => dialog.locator('#reports\\:admin-authorizationCode-checkbox-user').isChecked())
    .toBe(true)
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    dialog.locator('button.authorize').first().click(),
  ])
  await popup.waitForEvent('close')
  // The user scheme now shows "Authorized" with a Logout button.
  await expect.poll(() => dialog.locator('button', { hasText: 'Logout' }).count()).toBe(1)
  await dialog.locator('button.close-modal').click()

  const operation = page.locator('#operations-default-get_api_admin')
  await operation.locator('.opblock-summary').click()
  await operation.locator('button.try-out__btn').click()
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${example.url}/api/admin`),
    operation.locator('button.execute').click(),
  ])
  expect(response.status()).toBe(200)
  expect(response.request().headers()['authorization']).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/)
  await expect
    .poll(() =>
      operation
        .locator('.live-responses-table td.response-col_status:not(.col_header)')
        .first()
        .textContent(),
    )
    .toContain('200')
  expect(outside).toEqual([])
  await context.close()
})
