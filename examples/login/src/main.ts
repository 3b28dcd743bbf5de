/**
 * Runs the example: `pnpm --filter @cloudauth/example-login start`, then open the printed URL and
 * log in. `--issuer dev|oidc-provider|cognito-local` picks the issuer (default the dev issuer),
 * `--framework hono|express` the app (default Hono), `PORT` the port (default a free one).
 */
import { parseArgs } from 'node:util'
import { ISSUER_NAMES, type IssuerName } from './issuers/example-issuer.js'
import { FRAMEWORKS, startLoginExample, type Framework } from './start.js'

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

let values: { issuer?: string | undefined; framework?: string | undefined }
try {
  ;({ values } = parseArgs({
    options: { issuer: { type: 'string' }, framework: { type: 'string' } },
    allowPositionals: false,
  }))
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
}
const issuer = values.issuer ?? 'dev'
const framework = values.framework ?? 'hono'
if (!(ISSUER_NAMES as readonly string[]).includes(issuer)) {
  fail(`--issuer must be one of ${ISSUER_NAMES.join(', ')}`)
}
if (!(FRAMEWORKS as readonly string[]).includes(framework)) {
  fail(`--framework must be one of ${FRAMEWORKS.join(', ')}`)
}
const port = Number(process.env['PORT'] ?? '0')
if (!Number.isInteger(port) || port < 0 || port > 65_535)
  fail('PORT must be an integer from 0 to 65535')

const example = await startLoginExample({
  port,
  issuer: issuer as IssuerName,
  framework: framework as Framework,
})
const { user } = example.issuer
console.log(
  `Login example (${framework}) on ${example.url}, ${issuer} issuer on ${example.issuer.url}.`,
)
console.log(
  issuer === 'dev'
    ? 'Open it, click "Log in", then "Sign in" on the issuer page (any user name).'
    : `Open it, click "Log in", and sign in as ${user.username} with password ${user.password}.`,
)
console.log(`${example.url}/api/me answers with the session's access token. Ctrl-C stops.`)
const stop = () => {
  void example.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
