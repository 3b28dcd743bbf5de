/**
 * Runs the example: `pnpm --filter @cloudauth/example-login start`, then open the printed URL and
 * log in through the dev issuer's one-click page. `PORT` picks the port (default: a free one).
 */
import { startLoginExample } from './start.js'

const port = Number(process.env['PORT'] ?? '0')
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error('PORT must be an integer from 0 to 65535')
  process.exit(1)
}
const example = await startLoginExample({ port })
console.log(`Login example on ${example.url} (dev issuer on ${example.issuer.url}).`)
console.log(
  `Open ${example.url}/ and log in; ${example.url}/api/me answers with the session's token.`,
)
console.log('Ctrl-C stops.')
const stop = () => {
  void example.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
