import { parseArgs } from 'node:util'
import { SUPPORTED_ALGORITHMS, type Algorithm } from '@cloudauth/core'
import { DEV_DEFAULTS } from './dev-issuer/dev-defaults.js'
import { devProviderSetup } from './dev-issuer/dev-provider-setup.js'
import {
  startDevIssuer,
  type DevMintOptions,
  type DevShape,
} from './dev-issuer/start-dev-issuer.js'

/** What the CLI talks to; tests replace parts of it. */
export interface CliIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly env: Readonly<Record<string, string | undefined>>
  readonly fetch: typeof fetch
  /** Resolves when `serve` should stop. Default: on SIGINT or SIGTERM. */
  readonly waitForStop: () => Promise<void>
  /** Called once `serve` is listening, with its URL (tests use it). */
  readonly onListening?: (url: string) => void
}

export const USAGE = `cloudauth-dev: a local token issuer for cloudauth (Cognito, Auth0 and Firebase shapes)

Usage:
  cloudauth-dev serve [--port ${DEV_DEFAULTS.port}] [--host 127.0.0.1] [--keys FILE] [--alg RS256]
  cloudauth-dev token --shape cognito|auth0|firebase [options]
  cloudauth-dev help

serve  Serves JWKS and OpenID discovery documents on 127.0.0.1 and mints tokens on POST /token
       until Ctrl-C, and prints, for each provider, the environment variables and the code that
       point an app at it. --keys FILE keeps the signing key in FILE (created with mode 0600) so
       restarts keep it: it is a private key, keep it out of version control.

token  Asks a running dev issuer for a token and prints it (only the token, on stdout, for
       $(...)); what it was minted for goes to stderr. Unless given as options, the pool id,
       client id, audience, project and tenant come from the app's own variables when set:
       COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, COGNITO_TOKEN_USE, AUTH0_AUDIENCE,
       AUTH0_CLIENT_ID, FIREBASE_PROJECT_ID, FIREBASE_TENANT_ID (first of a comma list).
  --shape S          cognito, auth0 or firebase (required)
  --token-use U      access (default) or id; firebase: id (default) or session
  --scope S          a scope; repeat for more (joined into the scope claim)
  --group G          a group; repeat for more (cognito:groups, or the shape's group claim)
  --claim K=V        an extra claim; V is parsed as JSON when it can be (true, 42, ["a"]),
                     else kept as a string; repeat for more
  --omit NAME        leave claim NAME out of the token (after everything else); repeat for more
  --expires-in N     lifetime in seconds (default 3600; negative for an expired token: -120)
  --subject ID       the user id (sub)
  --email E          the email (Auth0 access tokens: added as an email claim)
  --username U
  --pool-id P, --client-id C, --audience A, --project-id P, --tenant-id T
  --issuer-url URL   the dev issuer (default $CLOUDAUTH_DEV_URL, else the loopback origin of
                     COGNITO_ENDPOINT, AUTH0_ISSUER or FIREBASE_JWKS_URI for the shape, else
                     http://127.0.0.1:${DEV_DEFAULTS.port}); loopback addresses only
  --json             print the whole response: { token, token_type, expires_in, issuer }
  --quiet            print nothing on stderr unless it fails

Exit status: 0 with a token, 1 when the dev issuer is down or refuses, 2 for a usage error;
on failure nothing is printed on stdout and the reason goes to stderr.

Example:
  cloudauth-dev serve &
  TOKEN=$(cloudauth-dev token --shape cognito --scope read:users --group admin)
  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3000/api/users
`

/** The first lines of {@link USAGE}: what a usage error prints under its message. */
const SHORT_USAGE = `${USAGE.slice(USAGE.indexOf('Usage:'), USAGE.indexOf('\n\nserve'))}
Run 'cloudauth-dev help' for every option.
`

const ALGORITHMS = new Set<string>(SUPPORTED_ALGORITHMS)

class UsageError extends Error {}

function defaultIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    fetch: globalThis.fetch,
    waitForStop: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      }),
  }
}

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new UsageError(`--port must be a number from 0 to 65535`)
  return port
}

/** `K=V`: V as JSON when it parses (booleans, numbers, arrays, objects, null), else a string. */
function parseClaim(text: string): [string, unknown] {
  const at = text.indexOf('=')
  if (at <= 0) throw new UsageError(`--claim needs KEY=VALUE, got ${JSON.stringify(text)}`)
  const raw = text.slice(at + 1)
  let value: unknown = raw
  try {
    value = JSON.parse(raw)
  } catch {
    // Not JSON: keep the text.
  }
  return [text.slice(0, at), value]
}

/** Refuses anything but a loopback http URL: the CLI never sends a request off this machine. */
function loopbackUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`--issuer-url is not a URL: ${text}`)
  }
  const host = url.hostname
  const loopback = host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host)
  if (url.protocol !== 'http:' || !loopback) {
    throw new UsageError('--issuer-url must be an http:// URL on 127.0.0.1, localhost or [::1]')
  }
  return url.origin
}

async function serve(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      keys: { type: 'string' },
      alg: { type: 'string' },
    },
  })
  if (values.alg !== undefined && !ALGORITHMS.has(values.alg))
    throw new UsageError(`--alg must be one of ${[...ALGORITHMS].join(', ')}`)
  const issuer = await startDevIssuer({
    port: parsePort(values.port, DEV_DEFAULTS.port),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values.keys === undefined ? {} : { keyFile: values.keys }),
    ...(values.alg === undefined ? {} : { alg: values.alg as Algorithm }),
  })
  const { url } = issuer
  io.stdout(serveBanner(url))
  io.onListening?.(url)
  await io.waitForStop()
  await issuer.stop()
  return 0
}

/** What `serve` prints: where it listens, and how to point each provider at it. */
function serveBanner(url: string): string {
  const setup = devProviderSetup(url)
  const lines = [`cloudauth-dev issuer listening on ${url} (Ctrl-C to stop)`, '']
  // Off the default URL, the token command must be told where (or read the app's variables).
  const elsewhere = url === `http://127.0.0.1:${DEV_DEFAULTS.port}` ? '' : ` --issuer-url ${url}`
  const titles: Readonly<Record<DevShape, string>> = {
    cognito: `Cognito   issuer ${url}/{userPoolId}, any pool id; keys ${url}/{userPoolId}/.well-known/jwks.json`,
    auth0: `Auth0     issuer ${url}/ (with the slash); keys ${url}/.well-known/jwks.json`,
    firebase: `Firebase  issuer https://securetoken.google.com/{projectId}; keys ${url}/firebase/jwks.json`,
  }
  const fromEnv: Readonly<Record<DevShape, string>> = {
    cognito: "cognitoFromEnv(process.env, { tokenUse: 'access' })",
    auth0: 'auth0FromEnv()',
    firebase: 'firebaseFromEnv()',
  }
  lines.push(
    '  Point your app at it with the variables (for the *FromEnv helpers) or the code:',
    '',
  )
  for (const shape of SHAPES) {
    const { env, code } = setup[shape]
    const exports = Object.entries(env)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')
    lines.push(
      `  ${titles[shape]}`,
      `    env    export ${exports}`,
      `           (read by ${fromEnv[shape]})`,
      `    code   ${code}`,
      `    token  cloudauth-dev token --shape ${shape}${shape === 'firebase' ? '' : ' --scope read:users'}${elsewhere}`,
      '',
    )
  }
  lines.push(
    '  Over HTTP (the JSON body takes shape, scopes, groups, claims, omit, expiresIn, ...):',
    `    curl -s -X POST ${url}/token -H 'content-type: application/json' -d '{"shape":"cognito","scopes":["read:users"]}' | jq -r .token`,
    '',
  )
  return lines.join('\n')
}

const SHAPES: readonly DevShape[] = ['cognito', 'auth0', 'firebase']

/** The app's variables the token command reads when no option gives the value, per shape. */
const APP_VARIABLES: Readonly<
  Record<DevShape, readonly (readonly [keyof DevMintOptions, string])[]>
> = {
  cognito: [
    ['userPoolId', 'COGNITO_USER_POOL_ID'],
    ['clientId', 'COGNITO_CLIENT_ID'],
  ],
  auth0: [
    ['audience', 'AUTH0_AUDIENCE'],
    ['clientId', 'AUTH0_CLIENT_ID'],
  ],
  firebase: [
    ['projectId', 'FIREBASE_PROJECT_ID'],
    ['tenantId', 'FIREBASE_TENANT_ID'],
  ],
}

/** The variable naming the dev issuer's URL in an app's environment, per shape. */
const URL_VARIABLES: Readonly<Record<DevShape, string>> = {
  cognito: 'COGNITO_ENDPOINT',
  auth0: 'AUTH0_ISSUER',
  firebase: 'FIREBASE_JWKS_URI',
}

function firstOf(value: string | undefined): string | undefined {
  const first = value?.split(',')[0]?.trim()
  return first === undefined || first === '' ? undefined : first
}

function isLoopback(url: URL): boolean {
  const host = url.hostname
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host)
}

/** The origin of a loopback http URL, or undefined for anything else (a real IdP's URL). */
function loopbackOrigin(text: string | undefined): string | undefined {
  if (text === undefined || !URL.canParse(text)) return undefined
  const url = new URL(text)
  return url.protocol === 'http:' && isLoopback(url) ? url.origin : undefined
}

/**
 * `--expires-in -120`: parseArgs takes a value starting with `-` for an option, so a negative
 * number would read as "argument is ambiguous". Joined as `--expires-in=-120`, it is a value.
 */
function joinNegativeNumbers(args: readonly string[]): string[] {
  const joined: string[] = []
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? ''
    const next = args[index + 1]
    if (/^--[a-z-]+$/.test(arg) && next !== undefined && /^-\d+$/.test(next)) {
      joined.push(`${arg}=${next}`)
      index += 1
    } else joined.push(arg)
  }
  return joined
}

async function token(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: joinNegativeNumbers(args),
    strict: true,
    options: {
      shape: { type: 'string' },
      'token-use': { type: 'string' },
      scope: { type: 'string', multiple: true },
      group: { type: 'string', multiple: true },
      claim: { type: 'string', multiple: true },
      omit: { type: 'string', multiple: true },
      'expires-in': { type: 'string' },
      subject: { type: 'string' },
      email: { type: 'string' },
      username: { type: 'string' },
      'pool-id': { type: 'string' },
      'client-id': { type: 'string' },
      audience: { type: 'string' },
      'project-id': { type: 'string' },
      'tenant-id': { type: 'string' },
      'issuer-url': { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
  })
  const shape = values.shape as DevShape | undefined
  if (shape === undefined) throw new UsageError('--shape is required: cognito, auth0 or firebase')
  if (!SHAPES.includes(shape)) throw new UsageError('--shape must be cognito, auth0 or firebase')
  const expiresIn = values['expires-in']
  if (expiresIn !== undefined && !/^-?\d+$/.test(expiresIn))
    throw new UsageError('--expires-in must be a whole number of seconds (-120: expired)')
  const body: Record<string, unknown> = { shape }
  // The app's own variables first, so a token matches the app run from the same shell...
  const fromEnv: string[] = []
  for (const [field, variable] of APP_VARIABLES[shape]) {
    const value = firstOf(io.env[variable])
    if (value !== undefined) {
      body[field] = value
      fromEnv.push(variable)
    }
  }
  const envTokenUse = io.env['COGNITO_TOKEN_USE']?.trim().toLowerCase()
  if (shape === 'cognito' && (envTokenUse === 'access' || envTokenUse === 'id')) {
    body['tokenUse'] = envTokenUse
    fromEnv.push('COGNITO_TOKEN_USE')
  }
  // ...then the options, which win.
  const fields: readonly (readonly [string, string | undefined])[] = [
    ['tokenUse', values['token-use']],
    ['subject', values.subject],
    ['email', values.email],
    ['username', values.username],
    ['userPoolId', values['pool-id']],
    ['clientId', values['client-id']],
    ['audience', values.audience],
    ['projectId', values['project-id']],
    ['tenantId', values['tenant-id']],
  ]
  for (const [field, value] of fields) if (value !== undefined) body[field] = value
  if (values.scope !== undefined) body['scopes'] = values.scope
  if (values.group !== undefined) body['groups'] = values.group
  if (values.claim !== undefined) body['claims'] = Object.fromEntries(values.claim.map(parseClaim))
  if (values.omit !== undefined) body['omit'] = values.omit
  if (expiresIn !== undefined) body['expiresIn'] = Number(expiresIn)

  const base = loopbackUrl(
    values['issuer-url'] ??
      io.env['CLOUDAUTH_DEV_URL'] ??
      loopbackOrigin(io.env[URL_VARIABLES[shape]]) ??
      `http://127.0.0.1:${DEV_DEFAULTS.port}`,
  )
  let response: Response
  try {
    response = await io.fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body satisfies Partial<Record<keyof DevMintOptions, unknown>>),
      // Never follow a redirect (SECURITY.md): the dev issuer answers directly or not at all.
      redirect: 'manual',
    })
  } catch {
    io.stderr(
      `cloudauth-dev: no dev issuer answers at ${base}; start one with: cloudauth-dev serve\n`,
    )
    return 1
  }
  if (
    response.type === 'opaqueredirect' ||
    response.redirected ||
    (response.status >= 300 && response.status < 400)
  ) {
    void response.body?.cancel().catch(() => undefined)
    io.stderr(
      `cloudauth-dev: ${base}/token answered a redirect, which is never followed; point --issuer-url at the dev issuer itself\n`,
    )
    return 1
  }
  const answer = (await response.json().catch(() => ({}))) as {
    token?: unknown
    issuer?: unknown
    expires_in?: unknown
    error_description?: unknown
  }
  if (!response.ok || typeof answer.token !== 'string') {
    const reason =
      typeof answer.error_description === 'string'
        ? answer.error_description
        : `HTTP ${response.status}`
    io.stderr(`cloudauth-dev: the dev issuer refused: ${reason}\n`)
    return 1
  }
  io.stdout(values.json === true ? `${JSON.stringify(answer, null, 2)}\n` : `${answer.token}\n`)
  if (values.quiet !== true) {
    io.stderr(mintedFor(shape, body, answer, fromEnv))
    const hint = mismatchHint(shape, io.env, base)
    if (hint !== undefined) io.stderr(`cloudauth-dev: note: ${hint}\n`)
  }
  return 0
}

/**
 * When the app's variables (in this shell) point the provider at the real IdP, dev tokens will be
 * refused: says which variable to set. Only looks at variables that are set.
 */
function mismatchHint(
  shape: DevShape,
  env: Readonly<Record<string, string | undefined>>,
  base: string,
): string | undefined {
  const set = (name: string) => (env[name]?.trim() ?? '') !== ''
  const local = (name: string) => loopbackOrigin(env[name]) !== undefined
  const setup = devProviderSetup(base)[shape].env
  if (shape === 'cognito' && set('COGNITO_USER_POOL_ID') && !local('COGNITO_ENDPOINT'))
    return `COGNITO_USER_POOL_ID is set without a local COGNITO_ENDPOINT: the app trusts AWS's issuer, not this token's; set COGNITO_ENDPOINT=${setup['COGNITO_ENDPOINT'] ?? base}`
  if (shape === 'auth0' && (set('AUTH0_DOMAIN') || set('AUTH0_ISSUER')) && !local('AUTH0_ISSUER'))
    return `the app trusts its Auth0 tenant (AUTH0_DOMAIN or AUTH0_ISSUER), not this token's issuer; set AUTH0_ISSUER=${setup['AUTH0_ISSUER'] ?? base}`
  if (shape === 'firebase' && set('FIREBASE_PROJECT_ID') && !local('FIREBASE_JWKS_URI'))
    return `FIREBASE_PROJECT_ID is set without a local FIREBASE_JWKS_URI: the app takes Google's keys, which did not sign this token; set FIREBASE_JWKS_URI=${setup['FIREBASE_JWKS_URI'] ?? base}`
  return undefined
}

/** One line on stderr: what the token is for, in the terms an app is configured with. */
function mintedFor(
  shape: DevShape,
  body: Readonly<Record<string, unknown>>,
  answer: { readonly issuer?: unknown; readonly expires_in?: unknown },
  fromEnv: readonly string[],
): string {
  const value = (field: string, fallback: string) =>
    typeof body[field] === 'string' ? body[field] : fallback
  const tokenUse = value('tokenUse', shape === 'firebase' ? 'id' : 'access')
  const parts = [`iss ${String(answer.issuer)}`]
  if (shape === 'cognito') parts.push(`client ${value('clientId', DEV_DEFAULTS.clientId)}`)
  if (shape === 'auth0') {
    if (tokenUse === 'access') parts.push(`aud ${value('audience', DEV_DEFAULTS.audience)}`)
    parts.push(`client ${value('clientId', DEV_DEFAULTS.clientId)}`)
  }
  if (shape === 'firebase') parts.push(`aud ${value('projectId', DEV_DEFAULTS.projectId)}`)
  const lifetime =
    typeof answer.expires_in === 'number' && answer.expires_in < 0
      ? `expired ${-answer.expires_in} s ago`
      : `expires in ${String(answer.expires_in)} s`
  const env = fromEnv.length === 0 ? '' : ` (from ${fromEnv.join(', ')})`
  return `cloudauth-dev: ${shape} ${tokenUse} token: ${parts.join(', ')}, ${lifetime}${env}\n`
}

/**
 * Runs the `cloudauth-dev` command line and resolves to its exit status: 0 on success, 1 when the
 * dev issuer fails or refuses, 2 for a usage error. See {@link USAGE}.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2))
 * ```
 */
export async function runCli(
  argv: readonly string[],
  overrides: Partial<CliIo> = {},
): Promise<number> {
  const io: CliIo = { ...defaultIo(), ...overrides }
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'serve':
        return await serve(rest, io)
      case 'token':
        return await token(rest, io)
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE)
        return command === undefined ? 2 : 0
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`)
    }
  } catch (error) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
    const code = (error as { code?: unknown }).code
    if (
      error instanceof UsageError ||
      (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))
    ) {
      io.stderr(`cloudauth-dev: ${(error as Error).message}\n\n${SHORT_USAGE}`)
      return 2
    }
    io.stderr(`cloudauth-dev: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
}
