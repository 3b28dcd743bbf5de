import autocannon from 'autocannon'
import type { ChildProcess } from 'node:child_process'
import type { JsonWebKeySet } from '@cloudauth/core'
import { firstMessage, forkTs } from './child.js'

export type Framework = 'hono' | 'express'
/**
 * `peer` is hono/jwk for Hono and express-oauth2-jwt-bearer for Express; `passthrough` is an async
 * middleware that only calls next() (Hono only: it shows what any middleware costs there).
 */
export type HttpAuth = 'none' | 'passthrough' | 'peer' | 'cloudauth'
export type HttpTokens = 'repeated' | 'distinct' | 'none'

export interface ServerSpec {
  readonly framework: Framework
  readonly auth: HttpAuth
}

export interface HttpRow extends ServerSpec {
  readonly tokens: HttpTokens
}

export interface HttpOptions {
  readonly jwks: JsonWebKeySet
  /** RS256 tokens for the key set above; the first one is the repeated token. */
  readonly tokens: readonly string[]
  readonly runs: number
  readonly durationSeconds: number
  readonly warmupSeconds: number
  readonly connections: number
  readonly onProgress?: (message: string) => void
}

export interface HttpResults {
  /** Requests/s of every run, by row key. */
  readonly perRun: Map<string, number[]>
  /** How cloudauth was wired in, per framework. */
  readonly wiring: Map<Framework, string>
}

export const httpKey = (row: HttpRow) => `${row.framework}|${row.auth}|${row.tokens}`

export const HTTP_ROWS: readonly HttpRow[] = (['hono', 'express'] as const).flatMap((framework) => [
  { framework, auth: 'none' as const, tokens: 'none' as const },
  ...(framework === 'hono'
    ? [{ framework, auth: 'passthrough' as const, tokens: 'none' as const }]
    : []),
  { framework, auth: 'peer' as const, tokens: 'repeated' as const },
  { framework, auth: 'peer' as const, tokens: 'distinct' as const },
  { framework, auth: 'cloudauth' as const, tokens: 'repeated' as const },
  { framework, auth: 'cloudauth' as const, tokens: 'distinct' as const },
])

interface Running {
  readonly child: ChildProcess
  readonly port: number
  readonly wiring: string
}

const SERVER = new URL('./server.ts', import.meta.url)

async function start(spec: ServerSpec, jwks: JsonWebKeySet): Promise<Running> {
  const child = forkTs(SERVER, { BENCH_SERVER: JSON.stringify({ ...spec, jwks }) })
  const { port, wiring } = await firstMessage<{ port: number; wiring: string }>(child, 60_000)
  return { child, port, wiring }
}

async function load(
  server: Running,
  row: HttpRow,
  options: HttpOptions,
  seconds: number,
): Promise<number> {
  const { tokens, connections } = options
  let next = 0
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/api/hello`,
    connections,
    duration: seconds,
    // Rows without auth get the same request as the repeated-token rows, header unread: only the
    // middleware differs between them.
    headers: row.tokens === 'distinct' ? {} : { authorization: `Bearer ${tokens[0]!}` },
    requests:
      row.tokens === 'distinct'
        ? [
            {
              // In order through more tokens than cloudauth's cache holds: every request a miss.
              setupRequest: (request) => ({
                ...request,
                headers: {
                  ...request.headers,
                  authorization: `Bearer ${tokens[next++ % tokens.length]!}`,
                },
              }),
            },
          ]
        : [{}],
  })
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `bench: ${httpKey(row)} answered ${result.non2xx} non-2xx responses and ${result.errors} errors`,
    )
  }
  return result.requests.total / result.duration
}

/**
 * Starts one server process per row, then runs autocannon against each in turn, `runs` rounds,
 * starting each round at a different row.
 */
export async function runHttp(options: HttpOptions): Promise<HttpResults> {
  const perRun = new Map<string, number[]>()
  const wiring = new Map<Framework, string>()
  const servers = new Map<string, Running>()
  try {
    for (const row of HTTP_ROWS) {
      const key = `${row.framework}|${row.auth}`
      if (!servers.has(key)) {
        const server = await start(row, options.jwks)
        servers.set(key, server)
        if (row.auth === 'cloudauth') wiring.set(row.framework, server.wiring)
      }
    }
    options.onProgress?.(`http: warming up ${HTTP_ROWS.length} rows`)
    for (const row of HTTP_ROWS) {
      await load(servers.get(`${row.framework}|${row.auth}`)!, row, options, options.warmupSeconds)
    }
    for (let run = 0; run < options.runs; run++) {
      options.onProgress?.(`http: round ${run + 1} of ${options.runs}`)
      for (let k = 0; k < HTTP_ROWS.length; k++) {
        const row = HTTP_ROWS[(k + run * 3) % HTTP_ROWS.length]!
        const server = servers.get(`${row.framework}|${row.auth}`)!
        const rps = await load(server, row, options, options.durationSeconds)
        const list = perRun.get(httpKey(row)) ?? []
        list.push(rps)
        perRun.set(httpKey(row), list)
      }
    }
  } finally {
    for (const server of servers.values()) server.child.kill()
  }
  return { perRun, wiring }
}
