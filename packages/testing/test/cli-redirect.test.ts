import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultKey, startDevIssuer, type DevIssuer } from '@cloudauth/testing'
import { runCli } from '../src/cli.js'

// SECURITY.md: no fetch the packages make follows a redirect; the CLI's POST /token included.
describe('cloudauth-dev token never follows a redirect', () => {
  let issuer: DevIssuer
  let redirector: Server
  let base: string
  let status = 307
  beforeAll(async () => {
    issuer = await startDevIssuer({ keys: [defaultKey()] })
    redirector = createServer((_request, response) => {
      response.writeHead(status, { location: `${issuer.url}/token` }).end()
    })
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => redirector.close(resolve))
    await issuer.stop()
  })

  it.each([301, 302, 303, 307, 308])(
    'a %i from --issuer-url fails (status 1) and prints no token',
    async (code) => {
      status = code
      const out: string[] = []
      const err: string[] = []
      const exit = await runCli(['token', '--issuer-url', base, '--shape', 'cognito'], {
        stdout: (text) => out.push(text),
        stderr: (text) => err.push(text),
        env: {},
      })
      expect(exit).toBe(1)
      expect(out.join('')).toBe('')
      expect(err.join('')).toMatch(/answered a redirect, which is never followed/)
    },
  )

  it('asks fetch not to follow (redirect: manual)', async () => {
    const inits: (RequestInit | undefined)[] = []
    await runCli(['token', '--issuer-url', issuer.url, '--shape', 'cognito'], {
      stdout: () => undefined,
      stderr: () => undefined,
      env: {},
      fetch: (input, init) => {
        inits.push(init)
        return globalThis.fetch(input, init)
      },
    })
    expect(inits[0]?.redirect).toBe('manual')
  })
})
