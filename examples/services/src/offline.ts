import { randomBytes } from 'node:crypto'
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { hashServiceToken } from '@cloudauth/principals'
import { DEV_DEFAULTS, startDevIssuer, type DevIssuer } from '@cloudauth/testing'
import { devLogin } from './dev-login.js'
import { createExpressApp } from './express-app.js'
import { createHonoApp } from './hono-app.js'

/** The example running with no cloud account. */
export interface OfflineExample {
  readonly url: string
  readonly issuer: DevIssuer
  /** The variables the app was configured from (and nothing else). */
  readonly env: Readonly<Record<string, string>>
  /** The service principal's identifier and its token (only the hash is in `env`). */
  readonly service: { readonly id: string; readonly token: string }
  close(): Promise<void>
}

/**
 * The `APP__AUTH__*` variables for the offline example: Cognito pointed at the local dev issuer,
 * login at the app's dev OAuth server, and one service principal whose token hash is given.
 */
export function offlineEnv(
  issuer: DevIssuer,
  appUrl: string,
  serviceTokenHash: string,
): Record<string, string> {
  return {
    APP__AUTH__PROVIDER: 'cognito',
    APP__AUTH__COGNITO__TOKEN_USE: 'access',
    APP__AUTH__COGNITO__ENDPOINT: issuer.url,
    APP__AUTH__COGNITO__POOLS__PRIMARY__USER_POOL_ID: DEV_DEFAULTS.userPoolId,
    APP__AUTH__COGNITO__POOLS__PRIMARY__CLIENT_ID: DEV_DEFAULTS.clientId,
    APP__AUTH__COGNITO__POOLS__PRIMARY__DOMAIN: `${appUrl}/dev`,
    APP__AUTH__SERVICES__ID_HEADER: 'X-Service-Id',
    APP__AUTH__SERVICES__TOKEN_HEADER: 'X-Service-Token',
    APP__AUTH__SERVICES__SOURCE: 'static',
    APP__AUTH__SERVICES__STATIC__REPORTER__TOKEN_HASH: serviceTokenHash,
  }
}

/**
 * Starts the example offline on 127.0.0.1: a dev issuer, the app (Hono or Express) configured only
 * from `offlineEnv()`, and the dev login that Swagger UI's Authorize button uses.
 *
 * @example
 * ```ts
 * const example = await startOffline('hono')
 * await fetch(`${example.url}/api/reports`, { headers: { 'x-service-id': 'reporter', 'x-service-token': example.service.token } })
 * await example.close()
 * ```
 */
export async function startOffline(
  framework: 'hono' | 'express',
  options: { readonly port?: number } = {},
): Promise<OfflineExample> {
  const issuer = await startDevIssuer()
  let listener: RequestListener = (_req, res) => {
    res.statusCode = 503
    res.end()
  }
  const server = createServer((req, res) => listener(req, res))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', resolve)
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const close = async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await issuer.stop()
  }
  try {
    const service = { id: 'reporter', token: randomBytes(32).toString('base64url') }
    const env = offlineEnv(issuer, url, hashServiceToken(service.token))
    const login = devLogin(issuer, {
      clientId: DEV_DEFAULTS.clientId,
      userPoolId: DEV_DEFAULTS.userPoolId,
    })
    if (framework === 'hono') {
      const handle = getRequestListener(createHonoApp(env, [login]).fetch)
      listener = (req, res) => {
        void handle(req, res)
      }
    } else {
      const app = createExpressApp(env, [login])
      listener = (req, res) => {
        app(req, res)
      }
    }
    return { url, issuer, env, service, close }
  } catch (error) {
    await close()
    throw error
  }
}
