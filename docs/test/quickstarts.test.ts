import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEV_DEFAULTS,
  devProviderSetup,
  startDevIssuer,
  type DevIssuer,
  type DevMintOptions,
} from '@cloudauth/testing'
import { runCli } from '../../packages/testing/src/cli.js'
import { importedPackages, sectionBlocks, type CodeBlock } from './markdown.js'

// Each quick start of the top README, extracted as written and run as its own Node process
// (through tsx, as the README says), configured only by the environment variables that
// `cloudauth-dev serve` prints, against a dev issuer; then called over HTTP.

const root = fileURLToPath(new URL('../../', import.meta.url))
const scratch = join(root, 'docs', '.quickstarts')
const readme = await readFile(join(root, 'README.md'), 'utf8')

/** Fields of the serialised user the README documents; nothing else may appear. */
const USER_FIELDS = [
  'id',
  'username',
  'email',
  'emailVerified',
  'name',
  'picture',
  'groups',
  'provider',
]

function quickStart(heading: string): { install: string; server: string } {
  const blocks = sectionBlocks(readme, heading)
  const install = blocks.filter((block: CodeBlock) => block.lang === 'sh')
  const server = blocks.filter((block: CodeBlock) => block.lang === 'ts')
  expect(install, `${heading}: one install block`).toHaveLength(1)
  expect(server, `${heading}: one server file`).toHaveLength(1)
  return { install: install[0]!.code, server: server[0]!.code }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

interface Running {
  readonly url: string
  readonly child: ChildProcess
  output(): string
}

/** Writes `code` to a file and runs it as `npx tsx server.ts` would; resolves once it listens. */
async function runServer(
  name: string,
  code: string,
  env: Readonly<Record<string, string>>,
): Promise<Running> {
  await mkdir(scratch, { recursive: true })
  const file = join(scratch, `${name}.ts`)
  await writeFile(file, code)
  const port = await freePort()
  // Only the variables given: none of the provider variables this shell may hold.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(COGNITO|AUTH0|FIREBASE|CLOUDAUTH)_/.test(key),
    ),
  )
  const child = spawn(
    process.execPath,
    ['--conditions=@cloudauth/source', '--import', 'tsx', file],
    {
      cwd: root,
      env: { ...base, ...env, PORT: String(port), NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output}`)), 30_000)
    const onData = () => {
      if (output.includes(`listening on http://127.0.0.1:${port}`)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout.on('data', onData)
    child.on('exit', (status) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited with ${String(status)}:\n${output}`))
    })
  })
  return { url: `http://127.0.0.1:${port}`, child, output: () => output }
}

async function stopServer(running: Running | undefined): Promise<void> {
  if (running === undefined || running.child.exitCode !== null) return
  const exited = new Promise((resolve) => running.child.once('exit', resolve))
  running.child.kill('SIGTERM')
  await exited
}

interface Answer {
  readonly status: number
  readonly challenge: string | null
  readonly body: unknown
}

async function get(url: string, token?: string): Promise<Answer> {
  const response = await fetch(url, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  })
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // Plain text: keep it.
  }
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body }
}

/** The RFC 6750 `error` of a challenge. */
function challengeError(answer: Answer): string | undefined {
  return /error="([^"]*)"/.exec(answer.challenge ?? '')?.[1]
}

let issuer: DevIssuer
beforeAll(async () => {
  issuer = await startDevIssuer()
})
afterAll(async () => {
  await issuer.stop()
  await rm(scratch, { recursive: true, force: true })
})

describe('the binding READMEs: their first example installs what it imports', () => {
  it.each(['hono', 'express'])('packages/%s/README.md', async (name) => {
    const text = await readFile(join(root, 'packages', name, 'README.md'), 'utf8')
    const blocks = sectionBlocks(text, `# @cloudauth/${name}`)
    const install = blocks.find((block) => block.lang === 'sh')
    const example = blocks.find((block) => block.lang === 'ts')
    const installed = install!.code.split(/\s+/)
    for (const pkg of importedPackages(example!.code)) expect(installed, pkg).toContain(pkg)
  })
})

describe('README: Run your app offline', () => {
  it('lists the variables and code cloudauth-dev serve prints for its default port', () => {
    const setup = devProviderSetup(`http://127.0.0.1:${DEV_DEFAULTS.port}`)
    for (const { env, code } of Object.values(setup)) {
      const line = Object.entries(env)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')
      expect(readme).toContain(`\`${line}\``)
      expect(readme).toContain(`\`${code}\``)
    }
    const [shell] = sectionBlocks(readme, '## Run your app offline').filter(
      (block) => block.lang === 'sh' && block.code.includes('export '),
    )
    const exported = Object.entries(setup.cognito.env)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')
    expect(shell?.code).toContain(`export ${exported}\n`)
  })
})

describe('README quick start: Hono + Cognito', () => {
  const { install, server } = quickStart('### Hono + Cognito')
  let app: Running | undefined
  const mint = (options: Omit<DevMintOptions, 'shape'> = {}) =>
    issuer.mint({ shape: 'cognito', ...options })

  beforeAll(async () => {
    app = await runServer('hono-cognito', server, devProviderSetup(issuer.url).cognito.env)
  }, 40_000)
  afterAll(() => stopServer(app))

  it('installs every package it imports, and tsx to run it', () => {
    for (const name of importedPackages(server)) expect(install).toContain(` ${name}`)
    expect(importedPackages(server)).toContain('@hono/node-server')
    expect(install).toMatch(/ tsx\b/)
  })

  it('answers a good token 200, none 401, a missing scope 403', async () => {
    const good = await get(
      `${app!.url}/api/users`,
      mint({ subject: 'user-1', scopes: ['read:users'] }),
    )
    expect(good).toMatchObject({ status: 200, body: { sub: 'user-1' } })
    const none = await get(`${app!.url}/api/users`)
    expect(none.status).toBe(401)
    expect(none.challenge).toBe('Bearer realm="api"')
    const scope = await get(`${app!.url}/api/users`, mint({ scopes: ['reports:read'] }))
    expect(scope.status).toBe(403)
    expect(challengeError(scope)).toBe('insufficient_scope')
    expect((await get(`${app!.url}/`)).body).toBe('public')
  })

  it('checks groups', async () => {
    expect((await get(`${app!.url}/api/admin`, mint({ groups: ['admin'] }))).status).toBe(200)
    expect((await get(`${app!.url}/api/admin`, mint({ groups: ['staff'] }))).status).toBe(403)
  })

  it('answers claims that fail the route schema 401, naming the claim', async () => {
    const ok = await get(`${app!.url}/api/me`, mint({ subject: 'user-2', username: 'ada' }))
    expect(ok).toMatchObject({ status: 200, body: { sub: 'user-2', username: 'ada' } })
    const missing = await get(`${app!.url}/api/me`, mint({ omit: ['username'] }))
    expect(missing.status).toBe(401)
    expect(challengeError(missing)).toBe('invalid_token')
    expect(JSON.stringify(missing.body)).toContain('username')
  })

  it('refuses bad claims: expired, another pool, another app client', async () => {
    for (const token of [
      mint({ scopes: ['read:users'], expiresIn: -120 }),
      mint({ scopes: ['read:users'], userPoolId: 'local_other' }),
      mint({ scopes: ['read:users'], clientId: 'otherclient1' }),
    ]) {
      const answer = await get(`${app!.url}/api/users`, token)
      expect(answer.status).toBe(401)
      expect(challengeError(answer)).toBe('invalid_token')
    }
  })

  it('serialises auth.user() to the documented fields only', async () => {
    const answer = await get(
      `${app!.url}/api/profile`,
      mint({ subject: 'user-3', username: 'ada', groups: ['admin'] }),
    )
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({
      id: 'user-3',
      username: 'ada',
      groups: ['admin'],
      provider: 'cognito',
    })
  })

  it("runs the 'Run your app offline' shell session as written, with the statuses it shows", async () => {
    const [session] = sectionBlocks(readme, '## Run your app offline').filter(
      (block) => block.lang === 'sh' && block.code.includes('export '),
    )
    // The app is the quick start above, the issuer this test's: their ports replace 3000 and 9400.
    const env = devProviderSetup(issuer.url).cognito.env
    let token: string | undefined
    const seen: string[] = []
    for (const line of session!.code.split('\n')) {
      const mintLine = /^TOKEN=\$\(npx cloudauth-dev token ([^)]*)\)/.exec(line)
      if (mintLine?.[1] !== undefined) {
        let out = ''
        const status = await runCli(['token', ...mintLine[1].split(' ')], {
          env,
          stdout: (text) => (out += text),
          stderr: () => undefined,
        })
        expect(status, line).toBe(0)
        token = out.trim()
        continue
      }
      const curlLine =
        /^curl -i http:\/\/127\.0\.0\.1:3000(\S+)( -H "Authorization: Bearer \$TOKEN")?\s+# (\d{3})/.exec(
          line,
        )
      if (curlLine?.[1] === undefined) continue
      const answer = await get(
        `${app!.url}${curlLine[1]}`,
        curlLine[2] === undefined ? undefined : token,
      )
      seen.push(`${curlLine[1]} ${answer.status}`)
      expect(answer.status, line).toBe(Number(curlLine[3]))
    }
    expect(seen).toEqual([
      '/api/users 200',
      '/api/users 401',
      '/api/users 403',
      '/api/me 401',
      '/api/users 401',
    ])
  })

  it('accepts what cloudauth-dev token mints from the app’s own variables', async () => {
    let token = ''
    const status = await runCli(['token', '--shape', 'cognito', '--scope', 'read:users'], {
      env: devProviderSetup(issuer.url).cognito.env,
      stdout: (text) => (token += text),
      stderr: () => undefined,
    })
    expect(status).toBe(0)
    expect((await get(`${app!.url}/api/users`, token.trim())).status).toBe(200)
  })
})

describe('README quick start: Express + Auth0', () => {
  const { install, server } = quickStart('### Express + Auth0')
  let app: Running | undefined
  const mint = (options: Omit<DevMintOptions, 'shape'> = {}) =>
    issuer.mint({ shape: 'auth0', ...options })

  beforeAll(async () => {
    app = await runServer('express-auth0', server, devProviderSetup(issuer.url).auth0.env)
  }, 40_000)
  afterAll(() => stopServer(app))

  it('installs every package it imports, and tsx to run it', () => {
    for (const name of importedPackages(server)) expect(install).toContain(` ${name}`)
    expect(server).toContain('app.listen(')
    expect(install).toMatch(/ tsx\b/)
  })

  it('answers a good token 200, none 401, a missing scope 403', async () => {
    const good = await get(
      `${app!.url}/users`,
      mint({ subject: 'auth0|u1', scopes: ['read:users'] }),
    )
    expect(good).toMatchObject({ status: 200, body: { sub: 'auth0|u1' } })
    const none = await get(`${app!.url}/users`)
    expect(none.status).toBe(401)
    expect(none.challenge).toBe('Bearer realm="api"')
    const scope = await get(`${app!.url}/users`, mint({ scopes: ['reports:read'] }))
    expect(scope.status).toBe(403)
    expect(challengeError(scope)).toBe('insufficient_scope')
  })

  it('/me takes a plain Auth0 access token (no email), and checks an email when there is one', async () => {
    const plain = await get(`${app!.url}/me`, mint({ subject: 'auth0|u2' }))
    expect(plain).toMatchObject({ status: 200, body: { sub: 'auth0|u2' } })
    expect(plain.body).not.toHaveProperty('email')
    const withEmail = await get(`${app!.url}/me`, mint({ email: 'ada@example.com' }))
    expect(withEmail).toMatchObject({ status: 200, body: { email: 'ada@example.com' } })
    const bad = await get(`${app!.url}/me`, mint({ claims: { email: 'not-an-email' } }))
    expect(bad.status).toBe(401)
    expect(challengeError(bad)).toBe('invalid_token')
    expect(JSON.stringify(bad.body)).toContain('email')
    expect(JSON.stringify(bad.body)).not.toContain('not-an-email')
  })

  it('refuses bad claims: wrong audience, expired', async () => {
    for (const token of [
      mint({ scopes: ['read:users'], audience: 'https://other-api.example' }),
      mint({ scopes: ['read:users'], expiresIn: -120 }),
    ]) {
      const answer = await get(`${app!.url}/users`, token)
      expect(answer.status).toBe(401)
      expect(challengeError(answer)).toBe('invalid_token')
    }
  })

  it('serialises the user to the documented fields only', async () => {
    // An access token: no profile claims but the email an Action may add.
    const answer = await get(
      `${app!.url}/profile`,
      mint({ subject: 'auth0|u3', email: 'ada@example.com' }),
    )
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({
      id: 'auth0|u3',
      email: 'ada@example.com',
      groups: [],
      provider: 'auth0',
    })
    expect(Object.keys(answer.body as object).every((key) => USER_FIELDS.includes(key))).toBe(true)
  })
})

describe('README quick start: Firebase', () => {
  const { install, server } = quickStart('### Firebase')
  let app: Running | undefined
  const mint = (options: Omit<DevMintOptions, 'shape'> = {}) =>
    issuer.mint({ shape: 'firebase', ...options })

  beforeAll(async () => {
    app = await runServer('hono-firebase', server, devProviderSetup(issuer.url).firebase.env)
  }, 40_000)
  afterAll(() => stopServer(app))

  it('installs every package it imports, and tsx to run it', () => {
    for (const name of importedPackages(server)) expect(install).toContain(` ${name}`)
    expect(importedPackages(server)).toContain('@cloudauth/firebase')
    expect(server).toContain('firebaseFromEnv()')
    expect(install).toMatch(/ tsx\b/)
  })

  it('answers a good Firebase token 200 with the user, none 401', async () => {
    const good = await get(
      `${app!.url}/profile`,
      mint({ subject: 'fbuser1', email: 'ada@example.com' }),
    )
    expect(good.status).toBe(200)
    expect(good.body).toMatchObject({
      id: 'fbuser1',
      email: 'ada@example.com',
      provider: 'firebase',
    })
    expect(Object.keys(good.body as object).every((key) => USER_FIELDS.includes(key))).toBe(true)
    const none = await get(`${app!.url}/profile`)
    expect(none.status).toBe(401)
    expect(none.challenge).toBe('Bearer realm="api"')
    expect((await get(`${app!.url}/`)).body).toBe('public')
  })

  it('refuses a token for another project, and an expired one, 401', async () => {
    for (const token of [mint({ projectId: 'other-project' }), mint({ expiresIn: -120 })]) {
      const answer = await get(`${app!.url}/profile`, token)
      expect(answer.status).toBe(401)
      expect(challengeError(answer)).toBe('invalid_token')
    }
  })
})
