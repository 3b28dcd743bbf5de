import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEV_DEFAULTS, defaultKey, startDevIssuer, type DevIssuer } from '@cloudauth/testing'
import { runCli, type CliIo } from '../src/cli.js'

function capture(overrides: Partial<CliIo> = {}) {
  const out: string[] = []
  const err: string[] = []
  const io: Partial<CliIo> = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env: {},
    ...overrides,
  }
  return { io, out: () => out.join(''), err: () => err.join('') }
}

describe('runCli token', () => {
  let issuer: DevIssuer
  beforeAll(async () => {
    issuer = await startDevIssuer({ keys: [defaultKey()] })
  })
  afterAll(() => issuer.stop())

  it('prints only a token with the asked scopes, groups and claims', async () => {
    const run = capture()
    const status = await runCli(
      [
        'token',
        '--issuer-url',
        issuer.url,
        '--shape',
        'cognito',
        '--scope',
        'read:users',
        '--scope',
        'write:users',
        '--group',
        'admin',
        '--claim',
        'email=a@b.c',
        '--claim',
        'email_verified=true',
        '--claim',
        'zip=01234',
        '--expires-in',
        '60',
      ],
      run.io,
    )
    expect(run.err()).toBe('')
    expect(status).toBe(0)
    const token = run.out().trim()
    expect(run.out()).toBe(`${token}\n`)
    const { payload } = await jwtVerify(
      token,
      createRemoteJWKSet(new URL(issuer.jwksUri('cognito'))),
      {
        issuer: issuer.issuer('cognito'),
      },
    )
    expect(payload).toMatchObject({
      scope: 'read:users write:users',
      'cognito:groups': ['admin'],
      email: 'a@b.c',
      email_verified: true,
      zip: '01234',
      token_use: 'access',
    })
    expect(payload.exp! - payload.iat!).toBe(60)
  })

  it('reads the issuer URL from CLOUDAUTH_DEV_URL and prints JSON with --json', async () => {
    const run = capture({ env: { CLOUDAUTH_DEV_URL: issuer.url } })
    const status = await runCli(
      ['token', '--shape', 'firebase', '--token-use', 'session', '--json'],
      run.io,
    )
    expect(status).toBe(0)
    const body = JSON.parse(run.out()) as { token: string; issuer: string; token_type: string }
    expect(body.token_type).toBe('Bearer')
    expect(body.issuer).toBe(`https://session.firebase.google.com/${DEV_DEFAULTS.projectId}`)
    expect(decodeJwt(body.token).iss).toBe(body.issuer)
  })

  it('reports what the issuer refused, with status 1', async () => {
    const run = capture()
    const status = await runCli(
      ['token', '--issuer-url', issuer.url, '--shape', 'auth0', '--token-use', 'session'],
      run.io,
    )
    expect(status).toBe(1)
    expect(run.err()).toMatch(/refused: tokenUse must be access or id/)
    expect(run.out()).toBe('')
  })

  it('says so when no issuer answers', async () => {
    const stopped = await startDevIssuer({ keys: [defaultKey()] })
    await stopped.stop()
    const run = capture()
    expect(await runCli(['token', '--issuer-url', stopped.url, '--shape', 'cognito'], run.io)).toBe(
      1,
    )
    expect(run.err()).toMatch(/no dev issuer answers at http:\/\/127\.0\.0\.1:\d+; start one/)
  })

  it.each([
    [['token'], /--shape is required/],
    [
      ['token', '--shape', 'cognito', '--issuer-url', 'https://example.com'],
      /loopback|127\.0\.0\.1/,
    ],
    [['token', '--shape', 'cognito', '--issuer-url', 'http://10.0.0.1:9400'], /127\.0\.0\.1/],
    [['token', '--shape', 'cognito', '--claim', 'novalue'], /KEY=VALUE/],
    [['token', '--shape', 'cognito', '--expires-in', 'soon'], /--expires-in/],
    [['token', '--shape', 'cognito', '--bogus'], /bogus/],
    [['serve', '--port', 'x'], /--port/],
    [['serve', '--alg', 'HS256'], /--alg/],
    [['nope'], /unknown command/],
  ])('%j is a usage error (status 2) and sends nothing', async (argv, message) => {
    let fetched = false
    const run = capture({
      fetch: () => {
        fetched = true
        return Promise.reject(new Error('no'))
      },
    })
    expect(await runCli(argv, run.io)).toBe(2)
    expect(run.err()).toMatch(message)
    expect(run.err()).toContain('Usage:')
    expect(fetched).toBe(false)
  })

  it('prints usage for help', async () => {
    const run = capture()
    expect(await runCli(['help'], run.io)).toBe(0)
    expect(run.out()).toContain('cloudauth-dev serve')
  })
})

describe('runCli serve', () => {
  it('serves until told to stop, printing the endpoints', async () => {
    let stop!: () => void
    let listening!: (url: string) => void
    const url = new Promise<string>((resolve) => (listening = resolve))
    const run = capture({
      waitForStop: () => new Promise<void>((resolve) => (stop = resolve)),
      onListening: (u) => listening(u),
    })
    const done = runCli(['serve', '--port', '0'], run.io)
    const base = await url
    expect(run.out()).toContain(`cloudauth-dev issuer listening on ${base}`)
    expect(run.out()).toContain(`${base}/${DEV_DEFAULTS.userPoolId}/.well-known/jwks.json`)
    expect((await fetch(`${base}/health`)).status).toBe(200)
    stop()
    expect(await done).toBe(0)
    await expect(fetch(`${base}/health`)).rejects.toThrow()
  })

  it('refuses a non-loopback host', async () => {
    const run = capture()
    expect(await runCli(['serve', '--host', '0.0.0.0', '--port', '0'], run.io)).toBe(1)
    expect(run.err()).toMatch(/loopback/)
  })
})

describe('bin/cloudauth-dev.mjs', () => {
  const bin = fileURLToPath(new URL('../bin/cloudauth-dev.mjs', import.meta.url))

  it('runs serve and token as real processes; Ctrl-C stops the server', async () => {
    const server = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      const base = await new Promise<string>((resolve, reject) => {
        let text = ''
        server.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString()
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)
          if (match?.[1]) resolve(match[1])
        })
        server.on('exit', (code) => reject(new Error(`serve exited early with ${code}`)))
      })
      const token = await new Promise<string>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [bin, 'token', '--issuer-url', base, '--shape', 'auth0', '--scope', 'read:users'],
          {
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        )
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
        child.on('exit', (code) =>
          code === 0 ? resolve(out.trim()) : reject(new Error(`token exited with ${code}`)),
        )
      })
      const { payload } = await jwtVerify(
        token,
        createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`)),
        {
          issuer: `${base}/`,
          audience: DEV_DEFAULTS.audience,
        },
      )
      expect(payload.scope).toBe('read:users')
      const exit = new Promise<number | null>((resolve) =>
        server.on('exit', (code) => resolve(code)),
      )
      server.kill('SIGINT')
      expect(await exit).toBe(0)
    } finally {
      server.kill('SIGKILL')
    }
  })
})
