import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  DEV_DEFAULTS,
  defaultKey,
  devProviderSetup,
  startDevIssuer,
  type DevIssuer,
} from '@cloudauth/testing'
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
    expect(run.err()).toBe(
      `cloudauth-dev: cognito access token: iss ${issuer.url}/${DEV_DEFAULTS.userPoolId}, client ${DEV_DEFAULTS.clientId}, expires in 60 s\n`,
    )
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

  it('takes a negative --expires-in as a number: an expired token', async () => {
    const run = capture({ env: { CLOUDAUTH_DEV_URL: issuer.url } })
    const status = await runCli(['token', '--shape', 'cognito', '--expires-in', '-120'], run.io)
    expect(status).toBe(0)
    const claims = decodeJwt(run.out().trim())
    expect(claims.exp! - claims.iat!).toBe(-120)
    expect(run.err()).toContain('expired 120 s ago')
  })

  it('--omit leaves claims out, and --email reaches Auth0 access tokens', async () => {
    const cognito = capture({ env: { CLOUDAUTH_DEV_URL: issuer.url } })
    expect(
      await runCli(
        ['token', '--shape', 'cognito', '--omit', 'username', '--omit', 'scope', '--quiet'],
        cognito.io,
      ),
    ).toBe(0)
    const claims = decodeJwt(cognito.out().trim())
    expect(claims).not.toHaveProperty('username')
    expect(claims).not.toHaveProperty('scope')
    expect(claims).toHaveProperty('sub')
    expect(cognito.err()).toBe('')

    const auth0 = capture({ env: { CLOUDAUTH_DEV_URL: issuer.url } })
    expect(
      await runCli(['token', '--shape', 'auth0', '--email', 'ada@example.com'], auth0.io),
    ).toBe(0)
    expect(decodeJwt(auth0.out().trim())).toMatchObject({ email: 'ada@example.com' })
    const plain = capture({ env: { CLOUDAUTH_DEV_URL: issuer.url } })
    expect(await runCli(['token', '--shape', 'auth0'], plain.io)).toBe(0)
    expect(decodeJwt(plain.out().trim())).not.toHaveProperty('email')
  })

  it("reads the app's own variables, and finds the issuer through them; options win", async () => {
    const env = {
      COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
      COGNITO_CLIENT_ID: 'appclient1, appclient2',
      COGNITO_TOKEN_USE: 'id',
      COGNITO_ENDPOINT: issuer.url,
      AUTH0_ISSUER: `${issuer.url}/`,
      AUTH0_AUDIENCE: 'https://api.acme.test',
      FIREBASE_PROJECT_ID: 'my-project',
      FIREBASE_JWKS_URI: issuer.jwksUri('firebase'),
    }
    const cognito = capture({ env })
    expect(await runCli(['token', '--shape', 'cognito'], cognito.io)).toBe(0)
    expect(decodeJwt(cognito.out().trim())).toMatchObject({
      iss: `${issuer.url}/eu-west-1_AbCdEf123`,
      aud: 'appclient1',
      token_use: 'id',
    })
    expect(cognito.err()).toContain(
      '(from COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, COGNITO_TOKEN_USE)',
    )

    const auth0 = capture({ env })
    expect(await runCli(['token', '--shape', 'auth0'], auth0.io)).toBe(0)
    expect(decodeJwt(auth0.out().trim()).aud).toEqual([
      'https://api.acme.test',
      `${issuer.url}/userinfo`,
    ])
    expect(auth0.err()).toContain('aud https://api.acme.test')

    const firebase = capture({ env })
    expect(
      await runCli(['token', '--shape', 'firebase', '--project-id', 'other-project'], firebase.io),
    ).toBe(0)
    expect(decodeJwt(firebase.out().trim()).aud).toBe('other-project')

    // A real IdP's URL in the app's variables is not where dev tokens come from.
    const fetched: string[] = []
    const real = capture({
      env: { ...env, COGNITO_ENDPOINT: 'https://cognito-idp.eu-west-1.amazonaws.com' },
      fetch: (input) => {
        fetched.push(
          typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
        )
        return Promise.reject(new Error('down'))
      },
    })
    expect(await runCli(['token', '--shape', 'cognito'], real.io)).toBe(1)
    expect(fetched).toEqual([`http://127.0.0.1:${DEV_DEFAULTS.port}/token`])
  })

  it('says which variable to set when the app in this shell trusts the real IdP', async () => {
    const hints = async (env: Record<string, string>, shape: string) => {
      const run = capture({ env: { CLOUDAUTH_DEV_URL: issuer.url, ...env } })
      expect(await runCli(['token', '--shape', shape], run.io)).toBe(0)
      return run.err()
    }
    expect(await hints({ COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123' }, 'cognito')).toContain(
      `note: COGNITO_USER_POOL_ID is set without a local COGNITO_ENDPOINT: the app trusts AWS's issuer, not this token's; set COGNITO_ENDPOINT=${issuer.url}\n`,
    )
    expect(await hints({ AUTH0_DOMAIN: 'acme.eu.auth0.com' }, 'auth0')).toContain(
      `set AUTH0_ISSUER=${issuer.url}/\n`,
    )
    expect(await hints({ FIREBASE_PROJECT_ID: 'my-project' }, 'firebase')).toContain(
      `set FIREBASE_JWKS_URI=${issuer.url}/firebase/jwks.json\n`,
    )
    // Pointed at the dev issuer, or not configured at all: nothing to say.
    for (const [env, shape] of [
      [devProviderSetup(issuer.url).cognito.env, 'cognito'],
      [devProviderSetup(issuer.url).auth0.env, 'auth0'],
      [{}, 'firebase'],
    ] as const) {
      expect(await hints(env, shape)).not.toContain('note:')
    }
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
    [['token', '--shape', 'okta'], /--shape must be/],
    [['token', '--shape', 'cognito', '--expires-in', '--scope'], /--expires-in/],
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
    expect(run.out()).toContain(`${base}/{userPoolId}/.well-known/jwks.json`)
    // For each provider, the app's variables and the code that point it here.
    for (const { env, code } of Object.values(devProviderSetup(base))) {
      const exports = Object.entries(env).map(([name, value]) => `${name}=${value}`)
      expect(run.out()).toContain(`export ${exports.join(' ')}`)
      expect(run.out()).toContain(code)
    }
    expect(run.out()).toContain(`COGNITO_ENDPOINT=${base}\n`)
    expect(run.out()).toContain(`AUTH0_ISSUER=${base}/ `)
    expect(run.out()).toContain(`FIREBASE_JWKS_URI=${base}/firebase/jwks.json`)
    expect(run.out()).toContain('| jq -r .token')
    expect(run.out()).toContain(
      `cloudauth-dev token --shape auth0 --scope read:users --issuer-url ${base}\n`,
    )
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

  it('fails inside $(...) with a non-zero status, nothing on stdout and the reason on stderr', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
        let out = ''
        let err = ''
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
        child.on('close', (code) => resolve({ code, out, err }))
      })
    const usage = await run(['token', '--shape', 'cognito', '--expires-in', 'soon'])
    expect(usage.code).toBe(2)
    expect(usage.out).toBe('')
    expect(usage.err).toMatch(/^cloudauth-dev: --expires-in must be a whole number/)
    const stopped = await startDevIssuer({ keys: [defaultKey()] })
    await stopped.stop()
    const down = await run(['token', '--shape', 'cognito', '--issuer-url', stopped.url])
    expect(down).toEqual({
      code: 1,
      out: '',
      err: `cloudauth-dev: no dev issuer answers at ${stopped.url}; start one with: cloudauth-dev serve\n`,
    })
  })
})
