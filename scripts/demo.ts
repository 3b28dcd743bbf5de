/**
 * `pnpm demo`: the whole of cloudauth in one command, offline.
 *
 * Starts the local dev issuer and both example apps on 127.0.0.1 (free ports, or from
 * `--port P`: the issuer on P, the Hono app on P+1, the Express app on P+2), walks through real
 * HTTP requests and prints each with its answer, then prints ready-to-paste curl commands and
 * keeps serving until Ctrl-C, which exits 0. `pnpm demo --once` stops after the walk-through and
 * exits 0 only if every answer was the expected one.
 *
 * Nothing leaves 127.0.0.1: the providers are pointed at the dev issuer (`endpoint`, `issuer`,
 * `jwksUri`), and the apps fetch keys through a small switchable proxy so the walk-through can
 * take the issuer down.
 */
import { createServer, request as httpRequest, STATUS_CODES, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { startDevIssuer } from '@cloudauth/testing'
import { startOffline as startHonoExample } from '../examples/hono/src/offline.js'
import { OFFLINE_CLIENT_ID } from '../examples/hono/src/config.js'
import { startLoginExample, type LoginExample } from '../examples/login/src/start.js'
import { scriptedLogin } from '../examples/login/src/scripted-login.js'
import {
  startOffline as startExpressExample,
  TENANT_CLAIM,
} from '../examples/express/src/offline.js'

// ---------------------------------------------------------------------------------------------
// Output

/** Where the demo writes, and whether it may colour. */
export interface DemoOutput {
  write(text: string): unknown
  readonly isTTY?: boolean
}

type Paint = (text: string) => string

interface Palette {
  readonly dim: Paint
  readonly bold: Paint
  readonly green: Paint
  readonly red: Paint
  readonly yellow: Paint
  readonly cyan: Paint
  readonly magenta: Paint
}

function palette(enabled: boolean): Palette {
  const sgr =
    (open: number, close: number): Paint =>
    (text) =>
      enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text
  return {
    dim: sgr(2, 22),
    bold: sgr(1, 22),
    green: sgr(32, 39),
    red: sgr(31, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
    magenta: sgr(35, 39),
  }
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
function wantsColour(out: DemoOutput, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true
  return out.isTTY === true
}

// ---------------------------------------------------------------------------------------------
// A switchable JWKS proxy: the "issuer outage" knob

/**
 * A tiny HTTP proxy on 127.0.0.1 in front of the dev issuer. The demo's apps fetch their keys
 * through it, so `down()` is a real outage as the verifier sees it: the connection is reset.
 */
export interface JwksGate {
  /** The proxy's base URL, `http://127.0.0.1:{port}`. */
  readonly url: string
  /** Requests that reached the issuer through the gate, and those refused while down. */
  readonly stats: { forwarded: number; refused: number }
  readonly isDown: boolean
  down(): void
  up(): void
  close(): Promise<void>
}

/** Starts a {@link JwksGate} forwarding to `target` (an http://127.0.0.1 origin). */
export async function startJwksGate(target: string): Promise<JwksGate> {
  const upstream = new URL(target)
  if (upstream.protocol !== 'http:' || upstream.hostname !== '127.0.0.1') {
    throw new Error('the JWKS gate forwards to http://127.0.0.1 only')
  }
  let down = false
  const stats = { forwarded: 0, refused: 0 }
  const server = createServer((req, res) => {
    if (down) {
      stats.refused += 1
      // As an unreachable host looks to a client: no answer at all.
      req.socket.destroy()
      return
    }
    stats.forwarded += 1
    const forward = httpRequest(
      {
        host: '127.0.0.1',
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    req.pipe(forward)
  })
  const url = await listenLocal(server)
  return {
    url,
    stats,
    get isDown() {
      return down
    },
    down: () => {
      down = true
    },
    up: () => {
      down = false
    },
    close: () => closeServer(server),
  }
}

/** Listens on 127.0.0.1, on a free port; resolves to the base URL. */
export function listenLocal(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      const { port } = server.address() as AddressInfo
      resolve(`http://127.0.0.1:${port}`)
    })
  })
}

/** Closes a server and its keep-alive connections, so the process can exit at once. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

// ---------------------------------------------------------------------------------------------
// The walk-through

/** What a step expects of the answer. */
export interface Expectation {
  readonly status: number
  /** The RFC 6750 `error` in `WWW-Authenticate`, or `null` for a challenge without one. */
  readonly challengeError?: string | null
  /** The `error` member of the JSON body. */
  readonly bodyError?: string
  /** A `Retry-After` header must be present. */
  readonly retryAfter?: boolean
}

/** One request of the walk-through. */
export interface Step {
  /** What the row shows, in a few words. */
  readonly title: string
  /** Which app answers: its label in the output. */
  readonly app: string
  readonly baseUrl: string
  /** Default `GET`. */
  readonly method?: 'GET' | 'PUT'
  readonly path: string
  /** A JSON body to send (with `Content-Type: application/json`). */
  readonly body?: unknown
  /** Which token, in short (`none` when there is none). */
  readonly tokenLabel: string
  readonly token?: string
  /** A `Cookie` header to send, read just before the request (a login session). */
  readonly cookie?: () => string | undefined
  readonly expect: Expectation
  /** Runs just before the request (take the issuer down, say). */
  readonly before?: () => void | Promise<void>
  /** Runs after the answer; returns notes to print under it (what the verifier reported). */
  readonly after?: () => readonly string[] | Promise<readonly string[]>
}

/** A step's answer, and whether it met the expectation. */
export interface StepResult {
  readonly step: Step
  readonly status: number
  readonly wwwAuthenticate: string | null
  readonly retryAfter: string | null
  readonly body: string
  readonly problems: readonly string[]
  readonly notes: readonly string[]
}

/** The RFC 6750 §3 `error` attribute of a challenge, or null when it has none. */
export function challengeError(value: string | null): string | null {
  if (value === null) return null
  return /(?:^|[\s,])error="([^"]*)"/.exec(value)?.[1] ?? null
}

/** Compares an answer with what the step expected; the list of differences, empty when it matched. */
export function check(
  expect: Expectation,
  answer: Pick<StepResult, 'status' | 'wwwAuthenticate' | 'retryAfter' | 'body'>,
): string[] {
  const problems: string[] = []
  if (answer.status !== expect.status) {
    problems.push(`status ${answer.status}, expected ${expect.status}`)
  }
  if (expect.challengeError !== undefined) {
    if (answer.wwwAuthenticate === null) problems.push('no WWW-Authenticate header')
    else {
      const got = challengeError(answer.wwwAuthenticate)
      if (got !== expect.challengeError) {
        problems.push(
          `WWW-Authenticate error ${got ?? '(none)'}, expected ${expect.challengeError ?? '(none)'}`,
        )
      }
    }
  }
  if (expect.bodyError !== undefined) {
    let got: unknown
    try {
      got = (JSON.parse(answer.body) as { error?: unknown }).error
    } catch {
      got = undefined
    }
    if (got !== expect.bodyError) {
      problems.push(`body error ${JSON.stringify(got) ?? '(none)'}, expected ${expect.bodyError}`)
    }
  }
  if (expect.retryAfter === true && answer.retryAfter === null) problems.push('no Retry-After')
  return problems
}

async function runStep(step: Step): Promise<StepResult> {
  const url = new URL(step.path, step.baseUrl)
  if (url.hostname !== '127.0.0.1') throw new Error('the demo only talks to 127.0.0.1')
  await step.before?.()
  const headers: Record<string, string> = { accept: 'application/json' }
  if (step.token !== undefined) headers['authorization'] = `Bearer ${step.token}`
  const cookie = step.cookie?.()
  if (cookie !== undefined) headers['cookie'] = cookie
  if (step.body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(url, {
    method: step.method ?? 'GET',
    headers,
    ...(step.body === undefined ? {} : { body: JSON.stringify(step.body) }),
    signal: AbortSignal.timeout(10_000),
  })
  const body = await response.text()
  const answer = {
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    retryAfter: response.headers.get('retry-after'),
    body,
  }
  const notes = (await step.after?.()) ?? []
  return { step, ...answer, problems: check(step.expect, answer), notes }
}

/** The body on one line: JSON compacted, long values cut, never more than `width` characters. */
export function compactBody(body: string, width = 140): string {
  let text = body.trim()
  try {
    text = JSON.stringify(JSON.parse(text))
  } catch {
    text = text.replace(/\s+/g, ' ')
  }
  return text.length > width ? `${text.slice(0, width - 1)}…` : text
}

function formatResult(result: StepResult, index: number, paint: Palette): string {
  const { step } = result
  const mark = result.problems.length === 0 ? paint.green('✓') : paint.red('✗')
  const status = `${result.status} ${STATUS_CODES[result.status] ?? ''}`.trim()
  const statusColour =
    result.status < 300 ? paint.green : result.status < 500 ? paint.yellow : paint.magenta
  const indent = '       '
  const lines = [
    `${mark} ${paint.dim(String(index + 1).padStart(2))}  ${paint.bold(step.title)}`,
    `${indent}${paint.cyan(step.app.padEnd(APP_WIDTH))} ${(step.method ?? 'GET').padEnd(3)} ${step.path.padEnd(13)} ${paint.dim('token:')} ${step.tokenLabel}`,
    `${indent}${paint.dim('→')} ${statusColour(status)}`,
  ]
  if (result.wwwAuthenticate !== null) {
    lines.push(`${indent}  ${paint.dim('WWW-Authenticate:')} ${result.wwwAuthenticate}`)
  }
  if (result.retryAfter !== null) {
    lines.push(`${indent}  ${paint.dim('Retry-After:')} ${result.retryAfter}`)
  }
  if (result.body !== '') lines.push(`${indent}  ${paint.dim(compactBody(result.body))}`)
  for (const note of result.notes) lines.push(`${indent}  ${paint.magenta('•')} ${note}`)
  for (const problem of result.problems) {
    lines.push(`${indent}  ${paint.red(`✗ expected otherwise: ${problem}`)}`)
  }
  return lines.join('\n')
}

/** Width of the app column: the longest app label ('express (cold)'). */
const APP_WIDTH = 14

// ---------------------------------------------------------------------------------------------
// The demo's world: one dev issuer, the gate, both example apps and a cold one

/** A key set event as the demo sees it (the verifier's `VerifierEvent`, what the demo reads of it). */
interface KeyEvent {
  readonly type: string
  readonly reason?: string
  readonly at: number
}

/** Key set events per app, so a step can say what the verifier did behind its answer. */
class KeyEvents {
  private readonly events = new Map<string, KeyEvent[]>()

  /** An `onEvent` hook that files events under `app`. */
  hook(app: string): (event: { readonly type: string; readonly reason?: string }) => void {
    return (event) => {
      const list = this.events.get(app) ?? []
      // Only the type and the reason: an event's `error` may be large, and is not for printing.
      list.push({
        type: event.type,
        ...(event.reason === undefined ? {} : { reason: event.reason }),
        at: Date.now(),
      })
      this.events.set(app, list)
    }
  }

  since(app: string, at: number): KeyEvent[] {
    return (this.events.get(app) ?? []).filter((event) => event.at >= at)
  }

  /** Waits (at most `ms`) for an event of `type` from `app` at or after `at`. */
  async waitFor(app: string, type: string, at: number, ms: number): Promise<KeyEvent | undefined> {
    const deadline = Date.now() + ms
    for (;;) {
      const hit = this.since(app, at).find((event) => event.type === type)
      if (hit !== undefined || Date.now() >= deadline) return hit
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }
}

/** The verifiers' development log lines (`devLog`), so a row can say why a token was refused. */
class DevLines {
  private readonly lines: string[] = []

  /** A `devLog` function that keeps its lines. */
  readonly hook = (line: string): void => {
    this.lines.push(line.replace(/^cloudauth: /, ''))
  }

  /** Where the log is now: pass it to {@link since}. */
  mark(): number {
    return this.lines.length
  }

  since(mark: number): string[] {
    return this.lines.slice(mark)
  }
}

interface IssuerLike {
  readonly jwksUri?: string
}

interface ProviderLike {
  readonly issuers: IssuerLike | readonly IssuerLike[]
  readonly jwks?: object
  readonly onEvent?: (event: never) => void
}

/**
 * The same provider, fetching its keys through the gate instead of straight from the dev issuer,
 * and reporting its key set events to the demo. Its keys also count as stale as soon as they are
 * fetched (at most 1 ms fresh): so every new token makes the verifier refresh them in the
 * background, and the outage rows show what it does when that refresh fails.
 */
function throughGate<P>(
  source: P,
  issuerUrl: string,
  gate: JwksGate,
  onEvent: (event: { readonly type: string; readonly reason?: string }) => void,
  devLog: (line: string) => void,
): P {
  if (typeof source !== 'object' || source === null || !('issuers' in source)) {
    throw new Error('the demo reroutes providers only (objects with issuers)')
  }
  const provider = source as ProviderLike
  const reroute = (issuer: IssuerLike): IssuerLike =>
    issuer.jwksUri?.startsWith(`${issuerUrl}/`) === true
      ? { ...issuer, jwksUri: `${gate.url}${issuer.jwksUri.slice(issuerUrl.length)}` }
      : issuer
  const issuers = Array.isArray(provider.issuers)
    ? (provider.issuers as readonly IssuerLike[]).map(reroute)
    : reroute(provider.issuers as IssuerLike)
  const own = provider.onEvent as ((event: unknown) => void) | undefined
  return {
    ...provider,
    issuers,
    jwks: { ...provider.jwks, minMaxAgeMs: 0, maxMaxAgeMs: 1 },
    // The development log: why each refused token was refused, printed under its row.
    devLog,
    onEvent: (event: { readonly type: string; readonly reason?: string }) => {
      own?.(event)
      onEvent(event)
    },
  } as P
}

/** Everything the demo started, and how to stop it. */
interface World {
  readonly issuerUrl: string
  readonly gate: JwksGate
  readonly hono: HonoExample
  readonly express: ExpressExample
  /** A second Express app that has served nothing yet: its verifier holds no keys. */
  readonly cold: ExpressExample
  /** examples/login: logs users in through its own dev issuer's login page. */
  readonly login: LoginExample
  readonly events: KeyEvents
  readonly devLog: DevLines
  mintCognito(options?: CognitoMint): string
  mintAuth0(options?: Auth0Mint): string
  mintFirebase(): string
  close(): Promise<void>
}

type HonoExample = Awaited<ReturnType<typeof startHonoExample>>
type ExpressExample = Awaited<ReturnType<typeof startExpressExample>>
type MintOptions = Parameters<HonoExample['issuer']['mint']>[0]
type CognitoMint = Omit<MintOptions, 'shape' | 'clientId'>
type Auth0Mint = Omit<MintOptions, 'shape'>

async function startWorld(port: number | undefined): Promise<World> {
  const events = new KeyEvents()
  const devLog = new DevLines()
  const stops: (() => Promise<void>)[] = []
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined)
  }
  const at = (offset: number) => (port === undefined ? 0 : port + offset)
  try {
    let gate: JwksGate | undefined
    // One dev issuer, shared by both examples.
    const issuer = await startDevIssuer({ port: at(0) })
    stops.push(() => issuer.stop())
    const hono = await startHonoExample({
      issuer,
      port: at(1),
      // Roles in PGlite, seeded on start: the permission rows (403, an admin grant, 200).
      // Only this app: the Express ones skip PGlite, which takes seconds to start.
      adjust: async (config) => {
        gate = await startJwksGate(issuer.url)
        const hook = events.hook('hono')
        return {
          ...config,
          cognito: throughGate(config.cognito, issuer.url, gate, hook, devLog.hook),
          ...(config.firebase === undefined
            ? {}
            : {
                firebase: throughGate(
                  config.firebase,
                  issuer.url,
                  gate,
                  events.hook('hono-firebase'),
                  devLog.hook,
                ),
              }),
        }
      },
    })
    stops.push(() => hono.close())
    if (gate === undefined) throw new Error('the gate did not start')
    const opened = gate
    stops.push(() => opened.close())
    const expressFor = (label: string, appPort: number) =>
      startExpressExample({
        issuer,
        port: appPort,
        permissions: false,
        adjust: (config) => ({
          ...config,
          auth0: throughGate(config.auth0, issuer.url, opened, events.hook(label), devLog.hook),
        }),
      })
    const express = await expressFor('express', at(2))
    stops.push(() => express.close())
    const cold = await expressFor('express-cold', 0)
    stops.push(() => cold.close())
    const login = await startLoginExample()
    stops.push(() => login.close())
    return {
      issuerUrl: issuer.url,
      gate: opened,
      hono,
      express,
      cold,
      login,
      events,
      devLog,
      mintCognito: (options = {}) =>
        issuer.mint({ shape: 'cognito', clientId: OFFLINE_CLIENT_ID, ...options }),
      mintAuth0: (options = {}) => issuer.mint({ shape: 'auth0', ...options }),
      mintFirebase: () => issuer.mint({ shape: 'firebase' }),
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

function loginSteps(world: World): Step[] {
  const login = { app: 'login', baseUrl: world.login.url }
  const session: { cookie?: string } = {}
  return [
    {
      ...login,
      title: 'login example, no session',
      path: '/api/me',
      tokenLabel: 'none',
      expect: { status: 401, challengeError: null },
    },
    {
      ...login,
      title: "logged in through the issuer's page",
      path: '/api/me',
      tokenLabel: 'session cookie (code + PKCE)',
      before: async () => {
        session.cookie = (await scriptedLogin(world.login.url, { username: 'demo-user' })).header()
      },
      cookie: () => session.cookie,
      expect: { status: 200 },
    },
  ]
}

/** `GET /api/orders` needs `orders:read`, from roles in PGlite: 403, an admin grants it, 200. */
function permissionSteps(world: World): Step[] {
  const hono = { app: 'hono', baseUrl: world.hono.app.url }
  const user = world.mintCognito({ subject: 'demo-clerk', groups: ['staff'] })
  const orders = { ...hono, path: '/api/orders', token: user }
  return [
    {
      ...orders,
      title: 'permission route, no role grants orders:read',
      tokenLabel: 'Cognito access, sub demo-clerk, groups staff',
      expect: { status: 403, challengeError: 'insufficient_scope' },
    },
    {
      ...hono,
      title: 'an admin grants the role orders-reader (admin API)',
      method: 'PUT',
      path: '/permissions/users/demo-clerk/roles/orders-reader',
      body: {},
      tokenLabel: 'Cognito access, groups admin (permissions:admin)',
      token: world.mintCognito({ subject: 'demo-admin', groups: ['admin'] }),
      expect: { status: 200 },
    },
    {
      ...orders,
      title: 'the same token, now granted',
      tokenLabel: 'the same token (sub demo-clerk)',
      expect: { status: 200 },
    },
  ]
}

function walkThrough(world: World): Step[] {
  const hono = { app: 'hono', baseUrl: world.hono.app.url }
  const express = { app: 'express', baseUrl: world.express.app.url }
  const invalid = { challengeError: 'invalid_token' } as const
  const tenant = { [TENANT_CLAIM]: 'acme' }
  let outageStart = 0
  return [
    {
      ...hono,
      title: 'public route',
      path: '/',
      tokenLabel: 'none',
      expect: { status: 200 },
    },
    {
      ...hono,
      title: 'no token',
      path: '/api/users',
      tokenLabel: 'none',
      expect: { status: 401, challengeError: null },
    },
    {
      ...hono,
      title: 'valid token with the scope',
      path: '/api/users',
      tokenLabel: 'Cognito access, scope read:users',
      token: world.mintCognito({ scopes: ['read:users'] }),
      expect: { status: 200 },
    },
    {
      ...hono,
      title: 'valid token, missing scope',
      path: '/api/users',
      tokenLabel: 'Cognito access, scope reports:read',
      token: world.mintCognito({ scopes: ['reports:read'] }),
      expect: { status: 403, challengeError: 'insufficient_scope' },
    },
    {
      ...hono,
      title: "'any' scope: one of reports:read, reports:admin",
      path: '/api/reports',
      tokenLabel: 'Cognito access, scope reports:admin',
      token: world.mintCognito({ scopes: ['reports:admin'] }),
      expect: { status: 200 },
    },
    {
      ...hono,
      title: 'not in the admin group',
      path: '/api/admin',
      tokenLabel: 'Cognito access, groups staff',
      token: world.mintCognito({ groups: ['staff'] }),
      expect: { status: 403, challengeError: 'insufficient_scope' },
    },
    {
      ...hono,
      title: 'expired token',
      path: '/api/users',
      tokenLabel: 'Cognito access, expired 2 min ago',
      token: world.mintCognito({ scopes: ['read:users'], expiresIn: -120 }),
      expect: { status: 401, ...invalid },
    },
    {
      ...hono,
      title: 'Firebase route, second verifier in the same app',
      path: '/firebase/me',
      tokenLabel: 'Firebase ID token',
      token: world.mintFirebase(),
      expect: { status: 200 },
    },
    ...permissionSteps(world),
    {
      ...express,
      title: 'claims checked by a zod schema',
      path: '/api/me',
      tokenLabel: 'Auth0 access, with the tenant claim',
      token: world.mintAuth0({ claims: tenant }),
      expect: { status: 200 },
    },
    {
      ...express,
      title: 'claim schema failure',
      path: '/api/me',
      tokenLabel: 'Auth0 access, no tenant claim',
      token: world.mintAuth0(),
      expect: { status: 401, ...invalid },
    },
    {
      ...express,
      title: 'wrong audience',
      path: '/api/users',
      tokenLabel: 'Auth0 access for https://other-api.example',
      token: world.mintAuth0({ scopes: ['read:users'], audience: 'https://other-api.example' }),
      expect: { status: 401, ...invalid },
    },
    {
      ...express,
      title: 'RBAC permissions count as scopes',
      path: '/api/users',
      tokenLabel: 'Auth0 access, permissions read:users',
      token: world.mintAuth0({ scopes: ['openid'], claims: { permissions: ['read:users'] } }),
      expect: { status: 200 },
    },
    {
      ...hono,
      title: 'issuer down, keys held: still 200',
      path: '/api/users',
      tokenLabel: 'Cognito access (new), scope read:users',
      token: world.mintCognito({ scopes: ['read:users'] }),
      expect: { status: 200 },
      before: () => {
        outageStart = Date.now()
        world.gate.down()
      },
      after: async () => {
        // The refresh runs in the background; give it a moment to fail.
        const failed = await world.events.waitFor('hono', 'jwks_refresh_failed', outageStart, 2_000)
        return failed === undefined
          ? ['keys still fresh: the verifier did not need the issuer']
          : [
              `verifier: key refresh failed (${failed.reason ?? 'unknown'}), answered with the keys it held`,
            ]
      },
    },
    {
      app: 'express (cold)',
      baseUrl: world.cold.app.url,
      title: 'issuer down, no keys held yet: 503, not 401',
      path: '/api/users',
      tokenLabel: 'Auth0 access, scope read:users',
      token: world.mintAuth0({ scopes: ['read:users'] }),
      expect: { status: 503, retryAfter: true },
      after: () => {
        world.gate.up()
        return ['clients keep their tokens and retry later; the issuer is back up now']
      },
    },
  ]
}

// ---------------------------------------------------------------------------------------------
// Entry point

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Stop after the walk-through (and close everything) instead of serving until Ctrl-C. */
  readonly once?: boolean
  /** Where to print. Default `process.stdout`. */
  readonly out?: DemoOutput
  /** Colour the output. Default: when `out` is a terminal and NO_COLOR is not set. */
  readonly color?: boolean
  /** The dev issuer's port; the Hono app takes the next one, the Express app the one after. Default: free ports. */
  readonly port?: number
}

/** What {@link runDemo} returns. */
export interface DemoRun {
  readonly results: readonly StepResult[]
  /** The steps whose answer was not the expected one. */
  readonly mismatches: readonly StepResult[]
  /** Stops the issuer, the proxy and the apps (already done with `once`). */
  readonly close: () => Promise<void>
}

function curlLines(world: World, paint: Palette): string[] {
  const cognito = world.mintCognito({ scopes: ['read:users', 'reports:read'], groups: ['admin'] })
  const auth0 = world.mintAuth0({
    scopes: ['read:users', 'reports:read'],
    groups: ['admin'],
    claims: { [TENANT_CLAIM]: 'acme' },
  })
  const firebase = world.mintFirebase()
  const comment = (text: string) => paint.dim(`# ${text}`)
  return [
    comment('Paste into a shell. Dev tokens from the local issuer, valid for an hour.'),
    `HONO=${world.hono.app.url} EXPRESS=${world.express.app.url} ISSUER=${world.issuerUrl}`,
    `COGNITO_TOKEN='${cognito}'`,
    `AUTH0_TOKEN='${auth0}'`,
    `FIREBASE_TOKEN='${firebase}'`,
    '',
    comment('Hono + Cognito'),
    'curl -i $HONO/api/users',
    'curl -i $HONO/api/users -H "Authorization: Bearer $COGNITO_TOKEN"',
    'curl -i $HONO/api/me -H "Authorization: Bearer $COGNITO_TOKEN"',
    'curl -i $HONO/api/admin -H "Authorization: Bearer $COGNITO_TOKEN"',
    'curl -i $HONO/firebase/me -H "Authorization: Bearer $FIREBASE_TOKEN"',
    'curl -i $HONO/api/orders -H "Authorization: Bearer $COGNITO_TOKEN"',
    comment('Express + Auth0'),
    'curl -i $EXPRESS/api/me -H "Authorization: Bearer $AUTH0_TOKEN"',
    'curl -i $EXPRESS/api/reports -H "Authorization: Bearer $AUTH0_TOKEN"',
    comment(
      'More tokens, with the scopes, groups and claims you choose (jq reads the token out of the JSON):',
    ),
    `TOKEN=$(curl -s -X POST $ISSUER/token -H 'Content-Type: application/json' -d '{"shape":"cognito","scopes":["read:users"]}' | jq -r .token)`,
    'curl -i $HONO/api/users -H "Authorization: Bearer $TOKEN"',
    comment(
      'An expired token (expiresIn -60: it expired a minute ago): the app answers 401 invalid_token',
    ),
    `EXPIRED=$(curl -s -X POST $ISSUER/token -H 'Content-Type: application/json' -d '{"shape":"auth0","scopes":["read:users"],"expiresIn":-60}' | jq -r .token)`,
    'curl -i $EXPRESS/api/users -H "Authorization: Bearer $EXPIRED"',
    comment('Without jq, the CLI prints the token alone:'),
    'TOKEN=$(npx cloudauth-dev token --issuer-url $ISSUER --shape cognito --scope read:users)',
  ]
}

/**
 * Runs the demo: starts everything on 127.0.0.1, walks through the requests and prints each with
 * its answer. With `once`, closes everything and resolves; otherwise prints curl commands and
 * leaves everything running (call `close()`).
 *
 * @example
 * ```ts
 * const run = await runDemo({ once: true })
 * process.exitCode = run.mismatches.length === 0 ? 0 : 1
 * ```
 * @throws Error when something cannot start (a port, the issuer); what did start is stopped.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoRun> {
  const out = options.out ?? process.stdout
  const paint = palette(options.color ?? wantsColour(out, process.env))
  const print = (text = '') => out.write(`${text}\n`)

  const world = await startWorld(options.port)
  const results: StepResult[] = []
  try {
    print(paint.bold('cloudauth demo') + paint.dim(': offline, everything on 127.0.0.1'))
    print()
    print(
      `  ${'dev issuer'.padEnd(16)} ${world.issuerUrl}  ${paint.dim('Cognito, Auth0 and Firebase shaped tokens')}`,
    )
    print(
      `  ${'hono'.padEnd(16)} ${world.hono.app.url}  ${paint.dim('examples/hono: Cognito access tokens, one Firebase route, roles in PGlite')}`,
    )
    print(
      `  ${'express'.padEnd(16)} ${world.express.app.url}  ${paint.dim('examples/express: Auth0 access tokens, one Firebase route')}`,
    )
    print(
      `  ${'express (cold)'.padEnd(16)} ${world.cold.app.url}  ${paint.dim('the same app, not used until the issuer is down')}`,
    )
    print(
      `  ${'login'.padEnd(16)} ${world.login.url}  ${paint.dim("examples/login: open it in a browser and log in through the dev issuer's page")}`,
    )
    print()
    const steps = [...walkThrough(world), ...loginSteps(world)]
    for (const [index, step] of steps.entries()) {
      const mark = world.devLog.mark()
      const answered = await runStep(step)
      const lines = world.devLog.since(mark).map((line) => `dev log: ${line}`)
      const result = { ...answered, notes: [...answered.notes, ...lines] }
      results.push(result)
      print(formatResult(result, index, paint))
    }
  } catch (error) {
    await world.close()
    throw error
  }

  const mismatches = results.filter((result) => result.problems.length > 0)
  print()
  if (mismatches.length === 0) {
    print(paint.green(`All ${results.length} answers were the expected ones.`))
  } else {
    print(
      paint.red(
        `${mismatches.length} of ${results.length} answers ${mismatches.length === 1 ? 'was' : 'were'} not the expected one${mismatches.length === 1 ? '' : 's'}:`,
      ),
    )
    for (const result of mismatches) {
      print(
        paint.red(
          `  - ${result.step.title} (${result.step.app} GET ${result.step.path}): ${result.problems.join('; ')}`,
        ),
      )
    }
  }

  if (options.once === true) {
    await world.close()
    return { results, mismatches, close: async () => undefined }
  }
  print()
  for (const line of curlLines(world, paint)) print(line)
  print()
  print(paint.dim('Serving until Ctrl-C.'))
  return { results, mismatches, close: () => world.close() }
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href

if (isMain) {
  let once = false
  let port: number | undefined
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: { once: { type: 'boolean' }, port: { type: 'string' } },
    })
    once = values.once === true
    if (values.port !== undefined) {
      port = Number(values.port)
      if (!/^\d+$/.test(values.port) || port < 1 || port > 65_533)
        throw new Error('--port must be a number from 1 to 65533 (the apps take the next two)')
    }
  } catch (error) {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`)
    console.error('usage: pnpm demo [--once] [--port P]')
    process.exit(2)
  }
  // `pnpm demo | head` closes the pipe early: stop quietly rather than with an EPIPE trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
  if (once) {
    // A walk-through takes a few seconds; never let CI hang on a stuck socket.
    setTimeout(() => {
      console.error('demo: the walk-through did not finish within 60 s')
      process.exit(2)
    }, 60_000).unref()
  }
  const started = runDemo({ once, ...(port === undefined ? {} : { port }) })
  if (!once) {
    // Ctrl-C is how the demo ends: a clean exit (0), not a failure. Listening from the start, so
    // a Ctrl-C while it starts up also stops whatever did start.
    let stopping = false
    const stop = () => {
      if (stopping) process.exit(0)
      stopping = true
      process.stdout.write('\nStopped.\n')
      void started
        .then((run) => run.close())
        .then(
          () => process.exit(0),
          () => process.exit(0),
        )
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  }
  started.then(
    (run) => {
      if (once) process.exitCode = run.mismatches.length === 0 ? 0 : 1
    },
    (error: unknown) => {
      console.error('demo: could not run:', error instanceof Error ? error.message : error)
      process.exit(1)
    },
  )
}
