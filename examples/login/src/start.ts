import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import type { SessionStore } from '@cloudauth/login'
import { createApp } from './app.js'
import { createExpressApp } from './express-app.js'
import type { ExampleIssuer, IssuerName } from './issuers/example-issuer.js'
import { startIssuer } from './issuers/start-issuer.js'

export const FRAMEWORKS = ['hono', 'express'] as const
export type Framework = (typeof FRAMEWORKS)[number]

/** What to start: the issuer to log in against, the framework, the port, the session store. */
export interface LoginExampleOptions {
  /** Default `'dev'` (the dev issuer's one-click page). */
  readonly issuer?: IssuerName
  /** Default `'hono'`. */
  readonly framework?: Framework
  /** Default a free port. */
  readonly port?: number
  /** Default: the session lives in an encrypted cookie. */
  readonly store?: SessionStore
}

/** The running example: the app, its issuer, and how to stop both. */
export interface LoginExample {
  readonly url: string
  readonly framework: Framework
  readonly issuer: ExampleIssuer
  close(): Promise<void>
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void

/**
 * Starts the app on 127.0.0.1 (`port`, or a free one), then the issuer with the app registered
 * as its client (its callback URL needs the app's port), then makes the app.
 *
 * @example
 * ```ts
 * const example = await startLoginExample({ issuer: 'oidc-provider', framework: 'express' })
 * console.log(`open ${example.url}`)
 * ```
 */
export async function startLoginExample(options: LoginExampleOptions = {}): Promise<LoginExample> {
  const framework = options.framework ?? 'hono'
  const holder: { listener?: Listener } = {}
  const server = createServer((req, res) => {
    if (holder.listener !== undefined) holder.listener(req, res)
    else res.writeHead(503).end('starting')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', resolve)
  })
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let issuer: ExampleIssuer
  try {
    issuer = await startIssuer(options.issuer ?? 'dev', {
      origin: url,
      callback: `${url}/auth/callback`,
    })
  } catch (error) {
    await close()
    throw error
  }
  const config = {
    issuer: issuer.login,
    clientId: issuer.clientId,
    provider: issuer.provider,
    origin: url,
    secrets: [randomBytes(32).toString('base64url')],
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(issuer.scopes === undefined ? {} : { scopes: issuer.scopes }),
    ...(issuer.idTokenNonce === undefined ? {} : { idTokenNonce: issuer.idTokenNonce }),
  }
  if (framework === 'express') {
    const app = createExpressApp(config)
    holder.listener = (req, res) => {
      app(req, res)
    }
  } else {
    const listener = getRequestListener(createApp(config).fetch, { hostname: '127.0.0.1' })
    holder.listener = (req, res) => void listener(req, res)
  }
  return {
    url,
    framework,
    issuer,
    async close() {
      await close()
      await issuer.stop()
    },
  }
}
