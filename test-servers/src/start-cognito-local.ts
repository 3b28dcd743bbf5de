import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { freePort } from './free-port.js'

const require = createRequire(import.meta.url)
const START = join(dirname(require.resolve('cognito-local/package.json')), 'lib/bin/start.js')

/** A running cognito-local. */
export interface CognitoLocal {
  /** Its base URL, e.g. `http://127.0.0.1:40123`: the Cognito API, Hosted UI and issuer domain. */
  readonly endpoint: string
  /** Its temporary working directory (its `.cognito` database). */
  readonly dir: string
  /** The last lines it printed, for error messages. */
  readonly output: readonly string[]
  /** One call of its Cognito API (AWS JSON 1.1); throws unless it answers 200. */
  call(operation: string, body: object): Promise<Record<string, unknown>>
  /** Stops it (SIGTERM, then SIGKILL after 3 s) and removes its directory. */
  stop(): Promise<void>
}

export interface StartCognitoLocalOptions {
  /** Every one-time code it sends (sign-up, forgot password). Default: random codes. */
  readonly code?: string
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
  await exited
  clearTimeout(timer)
}

/**
 * Starts cognito-local (the quirks: ../../../shared/EMULATORS.md) in a temporary directory on a free port of
 * 127.0.0.1, its token issuer domain set to its own URL; resolves once it answers `/health`.
 *
 * @example
 * ```ts
 * const cognitoLocal = await startCognitoLocal()
 * const pool = await cognitoLocal.call('CreateUserPool', { PoolName: 'test' })
 * await cognitoLocal.stop()
 * ```
 */
export async function startCognitoLocal(
  options: StartCognitoLocalOptions = {},
): Promise<CognitoLocal> {
  const dir = await mkdtemp(join(tmpdir(), 'cloudauth-cognito-local-'))
  // Another process may take the probed port before the emulator binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const endpoint = `http://127.0.0.1:${port}`
    await mkdir(join(dir, '.cognito'), { recursive: true })
    await writeFile(
      join(dir, '.cognito', 'config.json'),
      JSON.stringify({ TokenConfig: { IssuerDomain: endpoint } }),
    )
    const child = spawn(process.execPath, [START], {
      cwd: dir,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        DEBUG: '',
        ...(options.code === undefined ? {} : { CODE: options.code }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const output: string[] = []
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString())
      if (output.length > 50) output.shift()
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    let exited = false
    child.once('exit', () => (exited = true))
    const deadline = Date.now() + 15_000
    while (!exited && Date.now() < deadline) {
      try {
        if ((await fetch(`${endpoint}/health`, { redirect: 'manual' })).ok) {
          return {
            endpoint,
            dir,
            output,
            call: (operation, body) => call(endpoint, operation, body),
            async stop() {
              await stopChild(child)
              await rm(dir, { recursive: true, force: true })
            },
          }
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await stopChild(child)
    if (!exited) {
      await rm(dir, { recursive: true, force: true })
      throw new Error(`cognito-local did not start:\n${output.join('')}`)
    }
  }
  await rm(dir, { recursive: true, force: true })
  throw new Error('cognito-local could not bind a free port')
}

async function call(
  endpoint: string,
  operation: string,
  body: object,
): Promise<Record<string, unknown>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  })
  const json = (await response.json()) as Record<string, unknown>
  if (response.status !== 200) throw new Error(`cognito-local ${operation}: ${response.status}`)
  return json
}
