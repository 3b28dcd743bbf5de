/**
 * Verifies real tokens from cognito-local (an offline Cognito user pool emulator, see
 * ../../../shared/EMULATORS.md): the emulator is started on a free 127.0.0.1 port in a temporary
 * directory, driven through the AWS SDK's Cognito client, and stopped afterwards.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createVerifier } from '@cloudauth/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cognito } from '../src/index.js'

const require = createRequire(import.meta.url)
const START = join(dirname(require.resolve('cognito-local/package.json')), 'lib/bin/start.js')
const SEED = fileURLToPath(new URL('./cognito-local-seed.mjs', import.meta.url))

interface Emulator {
  readonly endpoint: string
  readonly child: ChildProcess
  readonly dir: string
  readonly output: string[]
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

async function startEmulator(): Promise<Emulator> {
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
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DEBUG: '' },
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
        const health = await fetch(`${endpoint}/health`)
        if (health.ok) return { endpoint, child, dir, output }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await stopEmulator({ endpoint, child, dir: '', output })
    if (!exited) {
      await rm(dir, { recursive: true, force: true })
      throw new Error(`cognito-local did not start:\n${output.join('')}`)
    }
  }
  await rm(dir, { recursive: true, force: true })
  throw new Error('cognito-local could not bind a free port')
}

async function stopEmulator(emulator: Emulator | undefined): Promise<void> {
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

/** What cognito-local-seed.mjs prints. */
interface Seed {
  readonly email: string
  readonly poolId: string
  readonly clientId: string
  readonly shortClientId: string
  readonly otherPoolId: string
  readonly otherClientId: string
  readonly tokens: Tokens
  readonly shortTokens: Tokens
  readonly otherPoolTokens: Tokens
}
interface Tokens {
  readonly access: string
  readonly id: string
}

let emulator: Emulator | undefined
let endpoint = ''
let seed: Seed

beforeAll(async () => {
  emulator = await startEmulator()
  endpoint = emulator.endpoint
  // A plain node process: see the note at the top of cognito-local-seed.mjs.
  const { stdout } = await promisify(execFile)(process.execPath, [SEED, endpoint], {
    cwd: dirname(SEED),
    env: { PATH: process.env.PATH ?? '' },
    timeout: 20_000,
  })
  seed = JSON.parse(stdout) as Seed
}, 25_000)

afterAll(async () => {
  await stopEmulator(emulator)
})

describe('cognito() against cognito-local', () => {
  it('verifies a real access token, groups included', async () => {
    const verifier = createVerifier(
      cognito({ userPoolId: seed.poolId, clientId: seed.clientId, tokenUse: 'access', endpoint }),
    )
    expect(seed.poolId).toMatch(/^local_/)
    const verified = await verifier.verify(seed.tokens.access)
    expect(verified.issuer).toBe(`${endpoint}/${seed.poolId}`)
    expect(verified.header).toMatchObject({ alg: 'RS256', kid: 'CognitoLocal' })
    expect(verified.claims).toMatchObject({ token_use: 'access', client_id: seed.clientId })
    expect('aud' in verified.claims).toBe(false)
    expect(verified.scopes).toEqual(['aws.cognito.signin.user.admin'])
    expect([...verified.groups].sort()).toEqual(['admins', 'readers'])
    const user = verifier.user(verified)
    expect(user).toMatchObject({ kind: 'user', provider: 'cognito', id: verified.claims.sub })
    expect(user.username).toBe(verified.claims.username)
  })

  it('verifies a real ID token and maps its user', async () => {
    const verifier = createVerifier(
      cognito({ userPoolId: seed.poolId, clientId: seed.clientId, tokenUse: 'id', endpoint }),
    )
    const verified = await verifier.verify(seed.tokens.id)
    expect(verified.claims).toMatchObject({
      token_use: 'id',
      aud: seed.clientId,
      email: seed.email,
    })
    const user = verifier.user(verified)
    expect(user).toMatchObject({
      kind: 'user',
      id: verified.claims.sub,
      username: verified.claims['cognito:username'],
      email: seed.email,
      emailVerified: true,
      provider: 'cognito',
    })
    expect([...user.groups].sort()).toEqual(['admins', 'readers'])
  })

  it('gives groups as scopes with scopeClaims cognito:groups (fastapi-cloudauth)', async () => {
    const verifier = createVerifier(
      cognito({
        userPoolId: seed.poolId,
        clientId: seed.clientId,
        tokenUse: 'access',
        endpoint,
        scopeClaims: 'cognito:groups',
      }),
    )
    expect([...(await verifier.verify(seed.tokens.access)).scopes].sort()).toEqual([
      'admins',
      'readers',
    ])
  })

  it('rejects the ID token where an access token is expected, and the reverse', async () => {
    const access = createVerifier(
      cognito({ userPoolId: seed.poolId, clientId: seed.clientId, tokenUse: 'access', endpoint }),
    )
    const id = createVerifier(
      cognito({ userPoolId: seed.poolId, clientId: seed.clientId, tokenUse: 'id', endpoint }),
    )
    await expect(access.verify(seed.tokens.id)).rejects.toMatchObject({ code: 'invalid_token_use' })
    await expect(id.verify(seed.tokens.access)).rejects.toMatchObject({ code: 'invalid_token_use' })
  })

  it("rejects another app client's tokens", async () => {
    const verifier = createVerifier(
      cognito({ userPoolId: seed.poolId, clientId: seed.clientId, tokenUse: null, endpoint }),
    )
    await expect(verifier.verify(seed.shortTokens.access)).rejects.toMatchObject({
      code: 'invalid_audience',
    })
    await expect(verifier.verify(seed.shortTokens.id)).rejects.toMatchObject({
      code: 'invalid_audience',
    })
  })

  it("rejects another pool's tokens, and accepts them when both pools are configured", async () => {
    const one = createVerifier(
      cognito({ userPoolId: seed.poolId, clientId: seed.clientId, tokenUse: 'access', endpoint }),
    )
    await expect(one.verify(seed.otherPoolTokens.access)).rejects.toMatchObject({
      code: 'invalid_issuer',
    })
    const both = createVerifier(
      cognito({
        tokenUse: 'access',
        endpoint,
        pools: [
          { userPoolId: seed.poolId, clientId: seed.clientId },
          { userPoolId: seed.otherPoolId, clientId: seed.otherClientId },
        ],
      }),
    )
    expect((await both.verify(seed.tokens.access)).issuer).toBe(`${endpoint}/${seed.poolId}`)
    expect((await both.verify(seed.otherPoolTokens.access)).issuer).toBe(
      `${endpoint}/${seed.otherPoolId}`,
    )
  })

  it('rejects a short-lived access token once it has expired', async () => {
    // The token lives 2 s and may be older than that by now: start the verifier's clock at its iat.
    const [, payload = ''] = seed.shortTokens.access.split('.')
    const { iat, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      iat: number
      exp: number
    }
    expect(exp - iat).toBe(2)
    let clock = iat * 1000
    const verifier = createVerifier(
      cognito({
        userPoolId: seed.poolId,
        clientId: seed.shortClientId,
        tokenUse: 'access',
        endpoint,
        clockTolerance: 0,
        now: () => clock,
      }),
    )
    const verified = await verifier.verify(seed.shortTokens.access)
    expect(verified.claims.exp).toBe(exp)
    // Move the verifier's clock past exp instead of sleeping; the cached result must not survive.
    clock = verified.claims.exp * 1000 + 1
    await expect(verifier.verify(seed.shortTokens.access)).rejects.toMatchObject({
      code: 'token_expired',
    })
  })
})
