#!/usr/bin/env node
/**
 * Opt-in check of @cloudauth/firebase against the real Firebase Auth emulator (firebase-tools).
 *
 *   pnpm test:firebase-emulator
 *
 * firebase-tools is ~310 MB and takes minutes to install, so it is kept out of the workspace and
 * out of CI: this script installs it once into a cache directory (FIREBASE_TOOLS_DIR, default
 * <tmp>/cloudauth-firebase-tools) with `npm i --prefix`, writes a firebase.json that binds the
 * auth emulator (and its hub and logging) to 127.0.0.1 on free ports with the UI off, starts
 * `firebase emulators:start --only auth --project demo-cloudauth`, signs a user up through the
 * emulator's REST API, gives the user a custom `roles` claim, verifies the emulator's unsigned ID
 * tokens through `firebase({ projectId: 'demo-cloudauth', emulator: true })`, checks that the
 * same token is refused without emulator mode, prints the result, and stops the emulator.
 *
 * Environment: FIREBASE_TOOLS_DIR (install cache), FIREBASE_TOOLS_VERSION (default 15),
 * FIREBASE_EMULATOR_TIMEOUT_MS (start-up timeout, default 120000). No token is printed.
 */
/* global process, console, fetch, AbortSignal, Buffer, setTimeout -- Node globals; the root ESLint config defines none for .mjs */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const PROJECT_ID = 'demo-cloudauth'
const HOST = '127.0.0.1'
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const TOOLS_DIR = process.env.FIREBASE_TOOLS_DIR ?? join(tmpdir(), 'cloudauth-firebase-tools')
const TOOLS_VERSION = process.env.FIREBASE_TOOLS_VERSION ?? '15'
const START_TIMEOUT_MS = Number(process.env.FIREBASE_EMULATOR_TIMEOUT_MS ?? 120_000)
const CHILD_FLAG = 'CLOUDAUTH_FIREBASE_EMULATOR_CHILD'

/**
 * The workspace packages are TypeScript sources (the `source` export condition): run this file
 * again under tsx with that condition, unless that is already the case.
 */
async function reexecUnderTsx() {
  const tsx = import.meta.resolve('tsx')
  const child = spawn(
    process.execPath,
    [
      '--import',
      tsx,
      '--conditions=@cloudauth/source',
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', env: { ...process.env, [CHILD_FLAG]: '1' } },
  )
  const forward = (signal) => child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  const code = await new Promise((resolve) => {
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal === null ? 1 : 130)))
  })
  process.exit(code)
}

function log(message) {
  console.log(`[firebase-emulator] ${message}`)
}

/** Runs a command to completion with inherited output; rejects on a non-zero exit. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options })
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`)),
    )
  })
}

/** The path of firebase-tools' CLI entry, installing the package first when it is missing. */
async function firebaseCli() {
  const manifest = join(TOOLS_DIR, 'node_modules', 'firebase-tools', 'package.json')
  if (!existsSync(manifest)) {
    log(`installing firebase-tools@${TOOLS_VERSION} into ${TOOLS_DIR} (large; takes minutes)`)
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
    await run(
      npm,
      [
        'install',
        '--prefix',
        TOOLS_DIR,
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `firebase-tools@${TOOLS_VERSION}`,
      ],
      { shell: process.platform === 'win32' },
    )
  }
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'))
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.firebase
  log(`firebase-tools ${pkg.version}`)
  return join(dirname(manifest), bin)
}

/** A port nothing listens on right now (the OS picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

async function writeConfig(dir) {
  const [auth, hub, logging] = [await freePort(), await freePort(), await freePort()]
  const config = {
    emulators: {
      auth: { host: HOST, port: auth },
      hub: { host: HOST, port: hub },
      logging: { host: HOST, port: logging },
      ui: { enabled: false },
      singleProjectMode: true,
    },
  }
  writeFileSync(join(dir, 'firebase.json'), `${JSON.stringify(config, null, 2)}\n`)
  return auth
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls the emulator until it answers, the child dies, or the timeout passes. */
async function waitUntilReady(base, child) {
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the emulator exited with ${child.exitCode}`)
    try {
      const response = await fetch(base, { signal: AbortSignal.timeout(2_000) })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await sleep(500)
  }
  throw new Error(`the emulator did not answer within ${START_TIMEOUT_MS} ms`)
}

/** Calls the emulator's Identity Toolkit REST API; `owner` authenticates as an admin. */
async function identityToolkit(base, path, body, { admin = false } = {}) {
  const response = await fetch(`${base}/identitytoolkit.googleapis.com/v1/${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(admin ? { authorization: 'Bearer owner' } : {}),
    },
    body: JSON.stringify(body),
  })
  const json = await response.json()
  if (!response.ok) throw new Error(`${path}: ${response.status} ${json?.error?.message ?? ''}`)
  return json
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  // The CLI and any helper it spawned form one process group (detached): signal the group.
  const signal = (name) => {
    try {
      if (process.platform === 'win32') child.kill(name)
      else process.kill(-child.pid, name)
    } catch {
      // already gone
    }
  }
  signal('SIGINT')
  const timeout = sleep(15_000).then(() => 'timeout')
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    signal('SIGKILL')
    await exited
  }
}

async function verify(base) {
  const { firebase } = await import(
    pathToFileURL(join(ROOT, 'packages/firebase/src/index.ts')).href
  )
  const { createVerifier } = await import(
    pathToFileURL(join(ROOT, 'packages/core/src/index.ts')).href
  )

  const email = `ada+${Date.now()}@example.com`
  const signUp = await identityToolkit(base, 'accounts:signUp?key=fake-api-key', {
    email,
    password: 'correct horse battery staple',
    returnSecureToken: true,
  })
  log(`signed up ${email} (uid ${signUp.localId})`)

  const [header] = signUp.idToken.split('.')
  log(`emulator token header: ${Buffer.from(header, 'base64url').toString()}`)

  // Emulator mode fails closed: besides emulator: true it needs the emulator on loopback in
  // FIREBASE_AUTH_EMULATOR_HOST (as firebase-admin reads it) and NODE_ENV development or test.
  process.env.FIREBASE_AUTH_EMULATOR_HOST = base.replace(/^http:\/\//, '')
  process.env.NODE_ENV ??= 'test'
  const verifier = createVerifier(firebase({ projectId: PROJECT_ID, emulator: true }))
  const verified = await verifier.verify(signUp.idToken)
  const user = verifier.user(verified)
  if (user.id !== signUp.localId) throw new Error('the verified uid is not the signed-up user')
  log(`verified: ${JSON.stringify({ id: user.id, email: user.email, provider: user.provider })}`)
  log(`claims: ${JSON.stringify({ ...verified.claims })}`)

  const strict = createVerifier(firebase({ projectId: PROJECT_ID }))
  const refused = await strict.verify(signUp.idToken).then(
    () => 'accepted',
    (error) => error.code,
  )
  if (refused !== 'unsupported_algorithm')
    throw new Error(`without emulator mode the token was ${refused}, not unsupported_algorithm`)
  log('without emulator mode the same token is refused: unsupported_algorithm')

  // Custom claims (Admin SDK setCustomUserClaims), then a fresh sign-in to see them.
  await identityToolkit(
    base,
    `projects/${PROJECT_ID}/accounts:update`,
    { localId: signUp.localId, customAttributes: JSON.stringify({ roles: ['admin'] }) },
    { admin: true },
  )
  const signIn = await identityToolkit(base, 'accounts:signInWithPassword?key=fake-api-key', {
    email,
    password: 'correct horse battery staple',
    returnSecureToken: true,
  })
  const withRoles = createVerifier(
    firebase({ projectId: PROJECT_ID, emulator: true, groupClaims: 'roles' }),
  )
  const groups = withRoles.user(await withRoles.verify(signIn.idToken)).groups
  if (groups.join() !== 'admin')
    throw new Error(`expected groups [admin], got ${JSON.stringify(groups)}`)
  log(`custom claim roles as groups: ${JSON.stringify(groups)}`)
}

async function main() {
  const cli = await firebaseCli()
  const dir = mkdtempSync(join(tmpdir(), 'cloudauth-firebase-emulator-'))
  const port = await writeConfig(dir)
  const base = `http://${HOST}:${port}`
  log(`starting the auth emulator on ${base} (project ${PROJECT_ID})`)
  const child = spawn(
    process.execPath,
    [cli, 'emulators:start', '--only', 'auth', '--project', PROJECT_ID],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      env: { ...process.env, CI: 'true', NO_UPDATE_NOTIFIER: '1' },
    },
  )
  const output = []
  const keep = (chunk) => {
    output.push(chunk.toString())
    if (output.length > 200) output.shift()
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  let interrupted = false
  const interrupt = () => {
    if (interrupted) return
    interrupted = true
    void stop(child).finally(() => {
      rmSync(dir, { recursive: true, force: true })
      process.exit(130)
    })
  }
  process.on('SIGINT', interrupt)
  process.on('SIGTERM', interrupt)

  let failed = false
  try {
    await waitUntilReady(base, child)
    log('emulator ready')
    await verify(base)
    log('OK: the Firebase Auth emulator’s tokens verify in emulator mode, and only there')
  } catch (error) {
    failed = true
    console.error(`[firebase-emulator] FAILED: ${error instanceof Error ? error.message : error}`)
    console.error(`[firebase-emulator] last emulator output:\n${output.join('').slice(-4_000)}`)
  } finally {
    await stop(child)
    rmSync(dir, { recursive: true, force: true })
    log('emulator stopped')
  }
  process.exit(failed ? 1 : 0)
}

if (process.env[CHILD_FLAG] === undefined) {
  await reexecUnderTsx()
} else {
  await main()
}
