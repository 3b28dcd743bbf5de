/**
 * `pnpm soak [--duration S] [--connections N] [--flap S]`: the Hono example under load.
 *
 * A child process serves the example app (examples/hono, offline: Cognito access tokens from the
 * local dev issuer) with its key set fetched through a gate that flaps, up for `--flap` seconds
 * (default 3), then answering 500 as long. The parent drives it with autocannon for `--duration`
 * seconds (default 60) with a mix of valid, expired, forged and garbage tokens, every socket on
 * 127.0.0.1. It prints the requests served, the count of each status, each kind's statuses, any
 * 5xx other than the designed 503 (jwks_unavailable, with Retry-After), and the server's RSS at
 * start, after warm-up and at the end (each after a full GC).
 *
 * Exits 1 on an unexpected 5xx, a refused-token 503 without Retry-After, a bad token accepted, a
 * valid token answered 401, a crash of the server, or RSS growing more than 10% after warm-up.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { randomBytes } from 'node:crypto'
import { cognito } from '@cloudauth/cognito'
import type { IssuerOptions } from '@cloudauth/core'
import {
  DEV_DEFAULTS,
  forgeToken,
  generateTestKey,
  hmacToken,
  startDevIssuer,
  type DevIssuer,
} from '@cloudauth/testing'
import { createApp } from '../examples/hono/src/app.js'
import { OFFLINE_CLIENT_ID } from '../examples/hono/src/config.js'
import { listen } from '../examples/hono/src/listen.js'

// ---------------------------------------------------------------------------------------------
// Messages between the parent (load) and the child (server)

/** One kind of request in the mix, and what the server may answer it. */
type Kind = 'valid' | 'valid-no-group' | 'expired' | 'forged' | 'random-kid' | 'garbage' | 'none'

interface Ready {
  readonly type: 'ready'
  readonly url: string
  readonly tokens: Readonly<Record<Kind, readonly string[]>>
}
interface Rss {
  readonly type: 'rss'
  readonly rss: number
  readonly heapUsed: number
}
interface GateStats {
  readonly type: 'gate'
  readonly flips: number
  readonly served: number
  readonly refused: number
}
type ChildMessage = Ready | Rss | GateStats
type ParentMessage =
  { readonly type: 'rss' } | { readonly type: 'gate' } | { readonly type: 'stop' }

const LOOPBACK = '127.0.0.1'

// ---------------------------------------------------------------------------------------------
// The child: dev issuer, flapping gate, the example app

/** A key set endpoint in front of the dev issuer's keys, up or answering 500 by turns. */
function startGate(issuer: DevIssuer, flapMs: number) {
  let up = true
  let flips = 0
  let served = 0
  let refused = 0
  const body = JSON.stringify(issuer.jwks)
  const server: Server = createServer((request, response) => {
    if (!up) {
      refused++
      response.writeHead(500, { 'content-type': 'text/plain' }).end('upstream unavailable')
      return
    }
    served++
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=1' })
    response.end(body)
    request.resume()
  })
  const timer = setInterval(() => {
    up = !up
    flips++
  }, flapMs)
  return new Promise<{
    url: string
    stats: () => GateStats
    close: () => Promise<void>
  }>((resolve) => {
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://${LOOPBACK}:${port}`,
        stats: () => ({ type: 'gate', flips, served, refused }),
        close: () =>
          new Promise<void>((done) => {
            clearInterval(timer)
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}

/** Tokens of each kind, minted once: the load picks among them. */
function tokenMix(issuer: DevIssuer): Record<Kind, string[]> {
  const mint = (scopes: string[], groups: string[], expiresIn = 3600) =>
    issuer.mint({ shape: 'cognito', clientId: OFFLINE_CLIENT_ID, scopes, groups, expiresIn })
  const key = issuer.keys[0]
  if (key === undefined) throw new Error('the dev issuer has no key')
  const intruder = generateTestKey('RS256', { kid: key.kid })
  const sample = mint(['read:users'], [])
  const [header = '', payload = ''] = sample.split('.')
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >
  const decodedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >
  const many = <T>(n: number, make: (i: number) => T) =>
    Array.from({ length: n }, (_, i) => make(i))
  const printable = (n: number) =>
    Array.from(randomBytes(n), (b) => String.fromCharCode(0x21 + (b % 94))).join('')
  return {
    valid: many(200, (i) =>
      mint(['read:users', 'reports:read'], i % 2 === 0 ? ['admin'] : ['admin', 'staff']),
    ),
    'valid-no-group': many(50, () => mint(['read:users'], [])),
    expired: many(50, () => mint(['read:users'], ['admin'], -120)),
    forged: [
      ...many(10, () => forgeToken({ header: { alg: 'none', typ: 'JWT' }, payload: claims })),
      ...many(10, () =>
        hmacToken({
          secret: key.publicKeyPem,
          header: { kid: key.kid },
          claims: { ...claims, sub: 'admin' },
        }),
      ),
      ...many(10, () =>
        forgeToken({ header: decodedHeader, payload: { ...claims, sub: 'admin' }, key: intruder }),
      ),
      ...many(
        10,
        () =>
          `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${sample.split('.')[2] ?? ''}`,
      ),
      ...many(10, () =>
        forgeToken({
          header: { ...decodedHeader, jku: 'http://127.0.0.1:1/jwks' },
          payload: claims,
          key: intruder,
        }),
      ),
    ],
    'random-kid': many(50, (i) =>
      forgeToken({
        header: { ...decodedHeader, kid: `kid-${i}-${printable(8)}` },
        payload: claims,
        key: intruder,
      }),
    ),
    garbage: [
      ...many(30, (i) => printable(1 + ((i * 37) % 300))),
      ...many(10, () =>
        `${printable(20)}.${printable(40)}.${printable(30)}`.replace(/[^A-Za-z0-9._~+/-]/g, 'x'),
      ),
      ...many(10, () => `${header}.${payload}`),
      'a.b.c',
      '...',
      'x'.repeat(9000),
    ],
    none: [''],
  }
}

async function serveChild(flapMs: number): Promise<void> {
  const send = (message: ChildMessage) => process.send?.(message)
  const issuer = await startDevIssuer()
  const gate = await startGate(issuer, flapMs)
  // The example's production provider, pointed at the dev issuer, with its keys fetched through the
  // gate and counted stale after a second, so the flapping is felt: refreshes fail half the time.
  const provider = cognito({
    userPoolId: DEV_DEFAULTS.userPoolId,
    clientId: OFFLINE_CLIENT_ID,
    tokenUse: 'access',
    endpoint: issuer.url,
    jwks: { minMaxAgeMs: 0, maxMaxAgeMs: 1000 },
  })
  const reroute = (item: IssuerOptions): IssuerOptions => ({
    ...item,
    jwksUri: `${gate.url}${(item.jwksUri ?? '').slice(issuer.url.length)}`,
  })
  const issuers = Array.isArray(provider.issuers)
    ? (provider.issuers as readonly IssuerOptions[]).map(reroute)
    : reroute(provider.issuers as IssuerOptions)
  const app = await listen(createApp({ cognito: { ...provider, issuers } }), 0)
  const gc = (globalThis as { gc?: () => void }).gc
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'rss') {
      gc?.()
      const { rss, heapUsed } = process.memoryUsage()
      send({ type: 'rss', rss, heapUsed })
    } else if (message.type === 'gate') {
      send(gate.stats())
    } else {
      void Promise.all([app.close(), gate.close(), issuer.stop()]).then(() => process.exit(0))
    }
  })
  send({ type: 'ready', url: app.url, tokens: tokenMix(issuer) })
}

// ---------------------------------------------------------------------------------------------
// The parent: autocannon against the child

interface AutocannonRequest {
  readonly method?: string
  readonly path?: string
  readonly headers?: Record<string, string>
  readonly setupRequest?: (
    request: AutocannonRequest,
    context: Record<string, unknown>,
  ) => AutocannonRequest
  readonly onResponse?: (
    status: number,
    body: string,
    context: Record<string, unknown>,
    headers: Record<string, string | string[]>,
  ) => void
}
interface AutocannonResult {
  readonly requests: { readonly total: number; readonly average: number }
  readonly errors: number
  readonly timeouts: number
  readonly non2xx: number
  readonly duration: number
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  stop(): void
}
type Autocannon = (options: {
  url: string
  connections: number
  duration: number
  requests: AutocannonRequest[]
}) => AutocannonInstance

/** What each kind may be answered, on its route. Anything else is a finding. */
const ROUTES: Readonly<Record<Kind, readonly string[]>> = {
  valid: ['/api/users', '/api/me', '/api/user', '/api/admin', '/api/reports', '/api/hello'],
  'valid-no-group': ['/api/admin'],
  expired: ['/api/users', '/api/hello'],
  forged: ['/api/users', '/api/admin'],
  'random-kid': ['/api/users'],
  // Not /api/hello: a header of another scheme is no token there, and anonymous is allowed.
  garbage: ['/api/users'],
  none: ['/api/users'],
}
const ALLOWED: Readonly<Record<Kind, readonly number[]>> = {
  // 503 only while no keys are held (the very first fetch fell in a down phase).
  valid: [200, 503],
  'valid-no-group': [403, 503],
  expired: [401],
  forged: [401],
  // An unknown kid while the key set cannot be refreshed may be a rotation: 503, by design.
  'random-kid': [401, 503],
  garbage: [400, 401],
  none: [401],
}
const WEIGHTS: Readonly<Record<Kind, number>> = {
  valid: 40,
  'valid-no-group': 5,
  expired: 15,
  forged: 15,
  'random-kid': 5,
  garbage: 15,
  none: 5,
}

function pick<T>(list: readonly T[]): T {
  const item = list[Math.floor(Math.random() * list.length)]
  if (item === undefined) throw new Error('empty list')
  return item
}

function request<T extends ChildMessage['type']>(
  child: ChildProcess,
  type: ParentMessage['type'] & T,
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve) => {
    const listener = (message: ChildMessage) => {
      if (message.type !== type) return
      child.off('message', listener)
      resolve(message as Extract<ChildMessage, { type: T }>)
    }
    child.on('message', listener)
    child.send({ type })
  })
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '60' },
      connections: { type: 'string', default: '10' },
      flap: { type: 'string', default: '3' },
      serve: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  const duration = Number(values.duration)
  const connections = Number(values.connections)
  const flapSeconds = Number(values.flap)
  if (values.help) {
    console.log('usage: pnpm soak [--duration 60] [--connections 10] [--flap 3]')
    return 0
  }
  if (![duration, connections, flapSeconds].every((n) => Number.isFinite(n) && n > 0)) {
    console.error('--duration, --connections and --flap must be positive numbers')
    return 2
  }
  if (values.serve) {
    await serveChild(flapSeconds * 1000)
    return -1 // keeps serving until the parent says stop
  }

  const child = fork(fileURLToPath(import.meta.url), ['--serve', '--flap', String(flapSeconds)], {
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let crashed: string | undefined
  let stopping = false
  child.on('exit', (code, signal) => {
    if (!stopping) crashed = `the server exited (code ${String(code)}, signal ${String(signal)})`
  })
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (message: ChildMessage) => {
      if (message.type === 'ready') resolve(message)
      else reject(new Error(`unexpected message ${message.type}`))
    })
    child.once('exit', () => reject(new Error('the server did not start')))
  })
  const target = new URL(ready.url)
  if (target.hostname !== LOOPBACK) throw new Error('the soak sends traffic to 127.0.0.1 only')

  const kinds = Object.keys(WEIGHTS) as Kind[]
  const wheel = kinds.flatMap((kind) => Array<Kind>(WEIGHTS[kind]).fill(kind))
  const statuses = new Map<number, number>()
  const byKind = new Map<Kind, Map<number, number>>(kinds.map((kind) => [kind, new Map()]))
  const findings = new Map<string, number>()
  const note = (finding: string) => findings.set(finding, (findings.get(finding) ?? 0) + 1)
  const bump = (map: Map<number, number>, status: number) =>
    map.set(status, (map.get(status) ?? 0) + 1)

  const start = await request(child, 'rss')
  console.log(
    `cloudauth soak: ${duration} s, ${connections} connections, key set flapping every ${flapSeconds} s, server ${ready.url}`,
  )
  console.log(`  RSS at start             ${mb(start.rss)}`)

  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon
  const warmupSeconds = Math.min(10, duration / 4)
  let warm: Rss | undefined
  const warmTimer = setTimeout(() => {
    void request(child, 'rss').then((rss) => {
      warm = rss
      console.log(`  RSS after warm-up (${warmupSeconds.toFixed(0)} s)  ${mb(rss.rss)}`)
    })
  }, warmupSeconds * 1000)

  const run = autocannon({
    url: ready.url,
    connections,
    duration,
    requests: [
      {
        method: 'GET',
        setupRequest(req, context) {
          const kind = pick(wheel)
          const token = pick(ready.tokens[kind])
          context.kind = kind
          const headers: Record<string, string> = {}
          if (kind !== 'none')
            headers.authorization =
              kind === 'garbage' && token.length % 3 === 0 ? token : `Bearer ${token}`
          return { ...req, path: pick(ROUTES[kind]), headers }
        },
        onResponse(status, body, context, headers) {
          const kind = context.kind as Kind
          bump(statuses, status)
          const mine = byKind.get(kind)
          if (mine !== undefined) bump(mine, status)
          if (status >= 500 && status !== 503) note(`unexpected ${status}`)
          const retryAfter = Object.entries(headers).find(
            ([name]) => name.toLowerCase() === 'retry-after',
          )
          if (
            status === 503 &&
            (retryAfter === undefined || !body.includes('temporarily_unavailable'))
          )
            note('503 without Retry-After or without its body')
          if (!ALLOWED[kind].includes(status)) note(`${kind} answered ${status}`)
        },
      },
    ],
  })
  const result = await run
  clearTimeout(warmTimer)
  const end = await request(child, 'rss')
  const gate = await request(child, 'gate')
  stopping = true
  child.send({ type: 'stop' })
  await new Promise((resolve) => child.once('exit', resolve))

  const format = (n: number) => n.toLocaleString('en-US')
  console.log(`  RSS at end               ${mb(end.rss)}`)
  console.log(
    `requests served: ${format(result.requests.total)} in ${result.duration.toFixed(1)} s (${format(Math.round(result.requests.average))}/s), errors ${result.errors}, timeouts ${result.timeouts}`,
  )
  console.log(
    `key set gate: ${gate.flips} flips, ${format(gate.served)} served, ${format(gate.refused)} refused with 500`,
  )
  console.log('status counts:')
  for (const [status, count] of [...statuses].sort(([a], [b]) => a - b))
    console.log(`  ${status}  ${format(count).padStart(9)}`)
  console.log('by kind:')
  for (const kind of kinds) {
    const counts = [...(byKind.get(kind) ?? new Map<number, number>())]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}: ${format(count)}`)
      .join(', ')
    console.log(`  ${kind.padEnd(15)} ${counts}`)
  }

  const problems: string[] = []
  const unexpected5xx = [...statuses].filter(([status]) => status >= 500 && status !== 503)
  console.log(
    `5xx other than the designed 503: ${unexpected5xx.length === 0 ? 'none' : unexpected5xx.map(([s, c]) => `${s} x${c}`).join(', ')}`,
  )
  for (const [finding, count] of findings) problems.push(`${finding} (x${count})`)
  if (crashed !== undefined) problems.push(crashed)
  if (result.errors > 0 || result.timeouts > 0)
    problems.push(`${result.errors} connection errors, ${result.timeouts} timeouts`)
  if (warm === undefined) problems.push('no RSS reading after warm-up')
  else {
    const growth = (end.rss - warm.rss) / warm.rss
    console.log(`RSS growth after warm-up: ${(growth * 100).toFixed(1)}% (limit 10%)`)
    if (growth > 0.1) problems.push(`RSS grew ${(growth * 100).toFixed(1)}% after warm-up`)
  }
  if (problems.length === 0) {
    console.log('soak passed')
    return 0
  }
  console.error(`soak FAILED:\n  ${problems.join('\n  ')}`)
  return 1
}

const code = await main()
if (code >= 0) process.exit(code)
