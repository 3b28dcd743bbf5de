import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  challengeError,
  check,
  compactBody,
  runDemo,
  startJwksGate,
} from '../../../scripts/demo.js'
import { startDevIssuer } from '@cloudauth/testing'

const root = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * A test that starts the whole demo: the hono app opens PGlite for its permission rows, which
 * takes seconds on a loaded machine (the script itself gives up after 60 s).
 */
const DEMO_TIMEOUT_MS = 90_000

describe('pnpm demo --once', () => {
  it(
    'walks through every row and meets every expectation',
    async () => {
      let output = ''
      const run = await runDemo({
        once: true,
        color: false,
        out: { write: (text) => (output += text) },
      })
      expect(run.mismatches.map((result) => result.problems)).toEqual([])
      expect(run.results.map((result) => `${result.step.app} ${result.status}`)).toEqual([
        'hono 200', // public
        'hono 401', // no token
        'hono 200', // valid
        'hono 403', // missing scope
        'hono 200', // any scope
        'hono 403', // not in the group
        'hono 401', // expired
        'hono 200', // Firebase
        'hono 403', // permission route, no role grants orders:read
        'hono 200', // an admin grants the role through /permissions
        'hono 200', // the same token, now granted
        'express 200', // claims schema
        'express 401', // claim schema failure
        'express 401', // wrong audience
        'express 200', // RBAC permissions
        'hono 200', // issuer down, keys held
        'express (cold) 503', // issuer down, none held
        'login 401', // examples/login: no session
        'login 200', // logged in through the dev issuer's page: the token comes from the session
      ])
      expect(run.results[16]!.retryAfter).toMatch(/^\d+$/)
      expect(run.results[15]!.notes.join(' ')).toContain('key refresh failed')
      // The grant is a PUT through the admin API, with an admin's token.
      expect(run.results[9]!.step).toMatchObject({
        method: 'PUT',
        path: '/permissions/users/demo-clerk/roles/orders-reader',
      })
      expect(run.results[8]!.step.token).toBe(run.results[10]!.step.token)
      // The verifiers' development log says why a refused token was refused, under its row.
      const notes = (title: string) =>
        run.results.find((result) => result.step.title === title)!.notes.join(' ')
      expect(notes('expired token')).toContain('dev log: token refused (token_expired)')
      expect(notes('wrong audience')).toContain(
        'dev log: token refused (invalid_audience): for issuer',
      )
      expect(notes('valid token with the scope')).not.toContain('dev log')
      expect(output).toContain('All 19 answers were the expected ones.')
      // Not a terminal and colour off: plain text only.
      expect(output).not.toContain('\u001b[')
    },
    DEMO_TIMEOUT_MS,
  )

  it(
    'exits 0 when run as the script',
    async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
      delete env['FORCE_COLOR']
      const child = spawn(
        process.execPath,
        ['--conditions=@cloudauth/source', '--import', 'tsx', 'scripts/demo.ts', '--once'],
        { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
      expect(stdout).toContain('All 19 answers were the expected ones.')
      expect(stdout).not.toContain('Serving until Ctrl-C')
    },
    DEMO_TIMEOUT_MS,
  )
})

describe('pnpm demo (serving)', () => {
  it(
    '--port puts the issuer and the apps on known ports; the curl lines say how to mint',
    async () => {
      const port = await freePort()
      let output = ''
      const run = await runDemo({ color: false, port, out: { write: (text) => (output += text) } })
      try {
        expect(run.mismatches).toEqual([])
        expect(output).toContain(
          `HONO=http://127.0.0.1:${port + 1} EXPRESS=http://127.0.0.1:${port + 2} ISSUER=http://127.0.0.1:${port}`,
        )
        expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200)
        expect((await fetch(`http://127.0.0.1:${port + 1}/`)).status).toBe(200)
        // Every POST /token line reads the token out with jq; the expired one says so.
        const posts = output.split('\n').filter((line) => line.includes('-X POST'))
        expect(posts.length).toBeGreaterThan(1)
        for (const line of posts) expect(line).toMatch(/\| jq -r \.token\)$/)
        expect(output).toMatch(/# An expired token \(expiresIn -60: it expired a minute ago\)/)
        // The proxy that simulates the outage is the demo's machinery, not something to read about.
        expect(output).not.toMatch(/gate|proxy/i)
      } finally {
        await run.close()
      }
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow()
    },
    DEMO_TIMEOUT_MS,
  )

  it(
    'Ctrl-C stops it with status 0 and nothing on stderr',
    async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
      const child = spawn(
        process.execPath,
        ['--conditions=@cloudauth/source', '--import', 'tsx', 'scripts/demo.ts'],
        { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let stdout = ''
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve))
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString()
          if (stdout.includes('Serving until Ctrl-C')) resolve()
        })
        child.on('close', () => resolve())
      })
      child.kill('SIGINT')
      expect({ code: await closed, stderr }).toEqual({ code: 0, stderr: '' })
      expect(stdout).toContain('Stopped.')
    },
    DEMO_TIMEOUT_MS,
  )

  it('refuses a bad --port with a usage message (status 2)', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=@cloudauth/source', '--import', 'tsx', 'scripts/demo.ts', '--port', 'soon'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code).toBe(2)
    expect(stderr).toContain('--port must be a number')
  })
})

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

describe('the demo helpers', () => {
  it('check() reports each way an answer can differ', () => {
    const answer = {
      status: 401,
      wwwAuthenticate: 'Bearer realm="api", error="invalid_token", error_description="x"',
      retryAfter: null,
      body: '{"error":"invalid_token"}',
    }
    expect(
      check({ status: 401, challengeError: 'invalid_token', bodyError: 'invalid_token' }, answer),
    ).toEqual([])
    expect(check({ status: 403 }, answer)).toEqual(['status 401, expected 403'])
    expect(check({ status: 401, challengeError: null }, answer)).toEqual([
      'WWW-Authenticate error invalid_token, expected (none)',
    ])
    expect(check({ status: 401, retryAfter: true }, answer)).toEqual(['no Retry-After'])
    expect(check({ status: 401, bodyError: 'missing_token' }, answer)).toEqual([
      'body error "invalid_token", expected missing_token',
    ])
    expect(
      check({ status: 401, challengeError: 'invalid_token' }, { ...answer, wwwAuthenticate: null }),
    ).toEqual(['no WWW-Authenticate header'])
  })

  it('challengeError() reads the RFC 6750 error attribute', () => {
    expect(challengeError('Bearer realm="api"')).toBeNull()
    expect(challengeError('Bearer realm="api", error="insufficient_scope", scope="a b"')).toBe(
      'insufficient_scope',
    )
    expect(challengeError(null)).toBeNull()
  })

  it('compactBody() keeps one line and cuts long bodies', () => {
    expect(compactBody('{\n  "a": 1\n}\n')).toBe('{"a":1}')
    expect(compactBody('x'.repeat(200), 20)).toBe(`${'x'.repeat(19)}…`)
  })

  it('the JWKS gate forwards while up and drops connections while down', async () => {
    const issuer = await startDevIssuer()
    const gate = await startJwksGate(issuer.url)
    try {
      const up = await fetch(`${gate.url}/.well-known/jwks.json`)
      expect(up.status).toBe(200)
      expect(((await up.json()) as { keys: unknown[] }).keys).toHaveLength(1)
      gate.down()
      await expect(fetch(`${gate.url}/.well-known/jwks.json`)).rejects.toThrow()
      gate.up()
      expect((await fetch(`${gate.url}/health`)).status).toBe(200)
      expect(gate.stats).toEqual({ forwarded: 2, refused: 1 })
    } finally {
      await gate.close()
      await issuer.stop()
    }
  })

  it('the JWKS gate forwards to 127.0.0.1 only', async () => {
    await expect(startJwksGate('http://example.com')).rejects.toThrow('127.0.0.1')
  })
})
