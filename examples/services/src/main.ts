/**
 * Runs the example: `pnpm --filter @cloudauth/example-services start` (FRAMEWORK=express for the
 * Express app). Offline by default (a local dev issuer, a dev login for Swagger UI, one service
 * principal). With `APP__AUTH__PROVIDER` set, the app is configured from your `APP__AUTH__*`
 * variables instead (see `@cloudauth/env`). It listens on 127.0.0.1 only; `PORT` picks the port.
 */
import { serve } from '@hono/node-server'
import { createExpressApp } from './express-app.js'
import { createHonoApp } from './hono-app.js'
import { startOffline } from './offline.js'

const framework = process.env['FRAMEWORK'] === 'express' ? 'express' : 'hono'
const port = Number(process.env['PORT'] ?? '0')

if (process.env['APP__AUTH__PROVIDER'] !== undefined) {
  if (framework === 'hono') {
    serve({ fetch: createHonoApp(process.env).fetch, hostname: '127.0.0.1', port }, (info) =>
      console.log(`Hono example on http://127.0.0.1:${info.port} (docs: /docs)`),
    )
  } else {
    const server = createExpressApp(process.env).listen(port, '127.0.0.1', () => {
      const address = server.address()
      console.log(`Express example on ${JSON.stringify(address)} (docs: /docs)`)
    })
  }
} else {
  const example = await startOffline(framework, { port })
  console.log(
    `${framework} example on ${example.url}, offline (dev issuer on ${example.issuer.url})`,
  )
  console.log(`  Swagger UI: ${example.url}/docs (Authorize logs in as the dev user)`)
  console.log(
    `  curl -i ${example.url}/api/reports -H 'X-Service-Id: ${example.service.id}' -H 'X-Service-Token: ${example.service.token}'`,
  )
  process.once('SIGINT', () => void example.close().then(() => process.exit(0)))
}
