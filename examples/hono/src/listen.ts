import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'

/** A running app: its base URL and how to stop it. */
export interface Listening {
  /** `http://127.0.0.1:{port}`. */
  readonly url: string
  /** Stops listening and drops keep-alive connections, so the process can exit at once. */
  close(): Promise<void>
}

/**
 * Serves a Hono app on 127.0.0.1 only (never on every interface: this is an example with dev
 * tokens), on `port`, or on a free port when it is 0.
 *
 * @example
 * ```ts
 * const { url, close } = await listen(createApp(config), 0)
 * ```
 */
export function listen(app: Hono, port = 0): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, (info: AddressInfo) => {
      server.off('error', reject)
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    }) as Server
    server.once('error', reject)
  })
}
