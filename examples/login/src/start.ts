import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import { startDevIssuer, type DevIssuer } from '@cloudauth/testing'
import { createApp } from './app.js'

/** The running example: the app, its dev issuer, and how to stop both. */
export interface LoginExample {
  readonly url: string
  readonly issuer: DevIssuer
  close(): Promise<void>
}

/**
 * Starts the dev issuer and the app on 127.0.0.1 (`port`, or a free one). The callback URL needs
 * the app's port, so the app is made once the server listens.
 *
 * @example
 * ```ts
 * const example = await startLoginExample()
 * console.log(`open ${example.url}`)
 * ```
 */
export async function startLoginExample(options: { port?: number } = {}): Promise<LoginExample> {
  const issuer = await startDevIssuer()
  const holder: { app?: Hono } = {}
  const secrets = [randomBytes(32).toString('base64url')]
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = serve(
      {
        fetch: (request) => holder.app?.fetch(request) ?? new Response('starting', { status: 503 }),
        hostname: '127.0.0.1',
        port: options.port ?? 0,
      },
      () => resolve(listening),
    ) as Server
    listening.once('error', reject)
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  holder.app = createApp({ issuerUrl: issuer.url, origin: url, secrets })
  return {
    url,
    issuer,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await issuer.stop()
    },
  }
}
