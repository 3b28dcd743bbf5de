import { parseArgs } from 'node:util'
import { SUPPORTED_ALGORITHMS, type Algorithm } from '@cloudauth/core'
import { DEV_DEFAULTS } from './dev-issuer/dev-defaults.js'
import { startDevIssuer, type DevMintOptions } from './dev-issuer/start-dev-issuer.js'

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
       until Ctrl-C. --keys FILE keeps the signing key in FILE (created with mode 0600) so
       restarts keep it: it is a private key, keep it out of version control.

token  Asks a running dev issuer for a token and prints it (only the token, for $(...)).
  --shape S          cognito, auth0 or firebase (required)
  --token-use U      access (default) or id; firebase: id (default) or session
  --scope S          a scope; repeat for more (joined into the scope claim)
  --group G          a group; repeat for more (cognito:groups, or the shape's group claim)
  --claim K=V        an extra claim; V is parsed as JSON when it can be (true, 42, ["a"]),
                     else kept as a string; repeat for more
  --expires-in N     lifetime in seconds (default 3600; negative for an expired token)
  --subject ID       the user id (sub)
  --email E, --username U
  --pool-id P, --client-id C, --audience A, --project-id P, --tenant-id T
  --issuer-url URL   the dev issuer (default $CLOUDAUTH_DEV_URL or http://127.0.0.1:${DEV_DEFAULTS.port});
                     loopback addresses only
  --json             print the whole response: { token, token_type, expires_in, issuer }

Example:
  cloudauth-dev serve &
  TOKEN=$(cloudauth-dev token --shape cognito --scope read:users --group admin --claim email=a@b.c)
  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:3000/api/users
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
  io.stdout(
    [
      `cloudauth-dev issuer listening on ${url} (Ctrl-C to stop)`,
      '',
      `  Cognito   issuer ${issuer.issuer('cognito')}`,
      `            jwks   ${issuer.jwksUri('cognito')}  (any pool id)`,
      `  Auth0     issuer ${issuer.issuer('auth0')}`,
      `            jwks   ${issuer.jwksUri('auth0')}`,
      `  Firebase  issuer ${issuer.issuer('firebase')}`,
      `            jwks   ${issuer.jwksUri('firebase')}`,
      '',
      `  Defaults: pool ${DEV_DEFAULTS.userPoolId}, client ${DEV_DEFAULTS.clientId}, audience ${DEV_DEFAULTS.audience}, project ${DEV_DEFAULTS.projectId}`,
      '',
      '  Get a token:',
      `    cloudauth-dev token --issuer-url ${url} --shape cognito --scope read:users --group admin`,
      `    curl -s -X POST ${url}/token -H 'content-type: application/json' -d '{"shape":"cognito","scopes":["read:users"]}'`,
      '',
    ].join('\n'),
  )
  io.onListening?.(url)
  await io.waitForStop()
  await issuer.stop()
  return 0
}

async function token(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    options: {
      shape: { type: 'string' },
      'token-use': { type: 'string' },
      scope: { type: 'string', multiple: true },
      group: { type: 'string', multiple: true },
      claim: { type: 'string', multiple: true },
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
    },
  })
  if (values.shape === undefined)
    throw new UsageError('--shape is required (cognito, auth0 or firebase)')
  const expiresIn = values['expires-in']
  if (expiresIn !== undefined && !/^-?\d+$/.test(expiresIn))
    throw new UsageError('--expires-in must be a whole number of seconds')
  const body: Record<string, unknown> = { shape: values.shape }
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
  if (expiresIn !== undefined) body['expiresIn'] = Number(expiresIn)

  const base = loopbackUrl(
    values['issuer-url'] ?? io.env['CLOUDAUTH_DEV_URL'] ?? `http://127.0.0.1:${DEV_DEFAULTS.port}`,
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
  return 0
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
      io.stderr(`cloudauth-dev: ${(error as Error).message}\n\n${USAGE}`)
      return 2
    }
    io.stderr(`cloudauth-dev: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
}
