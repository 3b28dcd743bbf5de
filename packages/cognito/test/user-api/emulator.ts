/**
 * Starts cognito-local on a free 127.0.0.1 port in a temporary directory (as
 * ../cognito-local.integration.test.ts does), with `CODE=123456` so every one-time code is known.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const START = join(dirname(require.resolve('cognito-local/package.json')), 'lib/bin/start.js')

/** The code cognito-local sends for every sign-up and forgot password. */
export const FIXED_CODE = '123456'

export interface Emulator {
  readonly endpoint: string
  readonly child: ChildProcess
  readonly dir: string
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port)
        else reject(new Error('no port'))
      })
    })
  })
}

export async function startEmulator(): Promise<Emulator> {
  const dir = await mkdtemp(join(tmpdir(), 'cloudauth-cognito-user-api-'))
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
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), CODE: FIXED_CODE, DEBUG: '' },
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
        if ((await fetch(`${endpoint}/health`)).ok) return { endpoint, child, dir }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await stopEmulator({ endpoint, child, dir: '' })
    if (!exited) {
      await rm(dir, { recursive: true, force: true })
      throw new Error(`cognito-local did not start:\n${output.join('')}`)
    }
  }
  await rm(dir, { recursive: true, force: true })
  throw new Error('cognito-local could not bind a free port')
}

export async function stopEmulator(emulator: Emulator | undefined): Promise<void> {
  if (emulator === undefined) return
  const { child } = emulator
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
    await exited
    clearTimeout(timer)
  }
  if (emulator.dir !== '') await rm(emulator.dir, { recursive: true, force: true })
}
