import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Express } from 'express'

/** A running app: its base URL and how to stop it. */
export interface Listening {
  /** `http://127.0.0.1:{port}`. */
  readonly url: string
  /** Stops listening and drops keep-alive connections, so the process can exit at once. */
  close(): Promise<void>
}

/**
 * Serves an Express app on 127.0.0.1 only (never on every interface: this is an example with dev
 * tokens), on `port`, or on a free port when it is 0.
 *
 * @example
 * ```ts
 * const { url, close } = await listen(createApp(config), 0)
 * ```
 */
export function listen(app: Express, port = 0): Promise<Listening> {
  const server = createServer(app)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      const address = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}
