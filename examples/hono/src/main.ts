/**
 * Runs the example: `pnpm --filter @cloudauth/example-hono start`.
 *
 * Offline by default: starts the local dev issuer on 127.0.0.1 and points the providers at it.
 * With `COGNITO_USER_POOL_ID` (and `COGNITO_CLIENT_ID`) set, it verifies your real pool's tokens
 * instead; `FIREBASE_PROJECT_ID` adds the Firebase route. `PORT` picks the port (default: a free one).
 * It listens on 127.0.0.1 only.
 */
import { ConfigError } from '@cloudauth/core'
import { createApp } from './app.js'
import { configFromEnv } from './config.js'
import { listen } from './listen.js'
import { startPermissions } from './permissions.js'
import { startOffline } from './offline.js'

function portFrom(value: string | undefined): number {
  const port = Number(value ?? '0')
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError('PORT', 'must be an integer from 0 to 65535')
  }
  return port
}

async function main(): Promise<() => Promise<void>> {
  const port = portFrom(process.env['PORT'])
  const config = configFromEnv(process.env)
  if (config !== undefined) {
    // Roles in PGlite, seeded on start (see permissions.ts): /api/orders and /permissions.
    const permissions = await startPermissions()
    const app = await listen(createApp({ ...config, permissions: permissions.perms }), port)
    console.log(`Hono example on ${app.url}, verifying tokens of your Cognito user pool.`)
    console.log(`  curl -i ${app.url}/api/users -H "Authorization: Bearer $ACCESS_TOKEN"`)
    return async () => {
      await app.close()
      await permissions.close()
    }
  }
  // Offline is for development: the verifiers' development log says, on stderr, why each refused
  // token was refused (in terms of this configuration, never the token's values).
  const example = await startOffline({
    port,
    adjust: (config) => ({
      ...config,
      cognito: { ...config.cognito, devLog: true },
      ...(config.firebase === undefined ? {} : { firebase: { ...config.firebase, devLog: true } }),
    }),
  })
  const { url } = example.app
  console.log(
    `Hono example on ${url}, offline: tokens from the dev issuer on ${example.issuer.url}.`,
  )
  console.log('Try (the tokens are dev tokens, valid for an hour):')
  console.log(`  curl -i ${url}/api/users`)
  console.log(`  curl -i ${url}/api/users -H 'Authorization: Bearer ${example.token()}'`)
  console.log(`  curl -i ${url}/firebase/me -H 'Authorization: Bearer ${example.firebaseToken()}'`)
  console.log(
    'More tokens, with the scopes, groups and claims you choose (jq reads the token out):',
  )
  console.log(
    `  curl -s -X POST ${example.issuer.url}/token -H 'Content-Type: application/json' ` +
      `-d '{"shape":"cognito","scopes":["read:users"],"groups":["admin"]}' | jq -r .token`,
  )
  console.log(
    `  npx cloudauth-dev token --issuer-url ${example.issuer.url} --shape cognito --scope read:users --group admin`,
  )
  console.log('Ctrl-C stops.')
  return () => example.close()
}

try {
  const close = await main()
  const stop = () => {
    void close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
} catch (error) {
  console.error(error instanceof ConfigError ? `Configuration: ${error.message}` : error)
  process.exit(1)
}
