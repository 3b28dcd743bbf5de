import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupServer } from 'msw/node'
import express from 'express'
import { bearer, cloudauth, cookie } from '@cloudauth/express'
import { ConfigError, createVerifier, type Verifier } from '@cloudauth/core'
import { attackRows } from './corpus/attack-rows.js'
import { mint, type Target } from './corpus/target.js'
import { allTargets } from './corpus/targets.js'
import {
  bindingRows,
  DOWN_ISSUER,
  DOWN_JWKS,
  downJwksHandler,
  downToken,
  expectRefusal,
  expectUnavailable,
} from './support/binding-sample.js'
import { expectedCode, expectRejection } from './support/expect-rejection.js'

// The Hono binding test's sample of the corpus, end to end through the Express binding on a real
// server on 127.0.0.1: the status, the exact WWW-Authenticate challenge, Cache-Control and the
// JSON body a client sees over HTTP.

const targets = allTargets()
const rows = attackRows(targets)
const server = setupServer(...targets.flatMap((target) => target.handlers), downJwksHandler())

/** An Express app on 127.0.0.1, on a free port; `url` is its origin. */
interface Served {
  readonly url: string
  readonly server: Server
}

const served: Server[] = []

async function serve(source: Verifier): Promise<string> {
  const auth = cloudauth(source, { tokenFrom: [bearer(), cookie('session')] })
  const app = express()
  app.get('/api/me', auth.verify(), (_req, res) => {
    res.json({ ok: true })
  })
  app.get('/api/admin', auth.scope(['admin:all']), (_req, res) => {
    res.json({ ok: true })
  })
  const maybe = auth.optional()
  app.get('/api/hello', maybe, (req, res) => {
    res.json({ sub: maybe.get(req)?.claims.sub ?? null })
  })
  const listening = await listen(app)
  served.push(listening.server)
  return listening.url
}

async function listen(app: express.Express): Promise<Served> {
  const httpServer = createServer(app)
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
  const { port } = httpServer.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, server: httpServer }
}

function close(httpServer: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    httpServer.closeAllConnections()
    httpServer.close((error) => (error ? reject(error) : resolve()))
  })
}

// msw answers the issuers' key sets; the test's own requests to the app on 127.0.0.1 pass through,
// and anything else is an error.
beforeAll(() =>
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error()
    },
  }),
)
afterAll(async () => {
  await Promise.all(served.splice(0).map(close))
  server.close()
})

describe.each(targets)('$name through Express', (target: Target) => {
  let url: string
  let direct: Verifier
  beforeAll(async () => {
    url = await serve(target.verifier())
    direct = target.verifier()
  })
  const sample = bindingRows(rows, target)

  it.each(sample.map((row) => [row.id, row] as const))('refuses %s', async (_, row) => {
    const token = row.build(target)
    const code = expectedCode(row, target.expected)
    const error = await expectRejection(direct, token, code, row.status)
    const response = await fetch(`${url}/api/me`, {
      headers: { authorization: `Bearer ${token}` },
    })
    await expectRefusal(response, row.status, error)
  })

  it('accepts a valid token, and answers 403 with the scope when it lacks one', async () => {
    const token = mint(target)
    const ok = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ ok: true })
    const forbidden = await fetch(`${url}/api/admin`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(forbidden.status).toBe(403)
    expect(forbidden.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="the token lacks a required scope", scope="admin:all"',
    )
    expect(forbidden.headers.get('cache-control')).toBe('no-store')
    expect(await forbidden.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'the token lacks a required scope',
    })
  })

  it('answers a request without a token with a bare challenge, and a broken header with 400', async () => {
    const none = await fetch(`${url}/api/me`)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="api"')
    expect(none.headers.get('cache-control')).toBe('no-store')
    const token = mint(target)
    for (const authorization of [`Bearer ${token} extra`, 'Bearer', `Bearer  ${token}x y`]) {
      const response = await fetch(`${url}/api/me`, { headers: { authorization } })
      expect(response.status, authorization.slice(0, 12)).toBe(400)
      expect(response.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="api", error="invalid_request", error_description="(?:[^"\\]|\\.)+"$/,
      )
    }
    // RFC 6750 §2: one token, one method. Sent in the header and in a cookie, it is refused.
    const twice = await fetch(`${url}/api/me`, {
      headers: { authorization: `Bearer ${token}`, cookie: `session=${token}` },
    })
    expect(twice.status).toBe(400)
  })
})

describe('optional routes and route rules, through Express', () => {
  const target = targets[0]!
  let url: string
  beforeAll(async () => {
    url = await serve(target.verifier())
  })

  it('lets a request without a token through as anonymous, and a valid one with its subject', async () => {
    const anonymous = await fetch(`${url}/api/hello`)
    expect(anonymous.status).toBe(200)
    expect(await anonymous.json()).toEqual({ sub: null })
    const token = mint(target)
    const signedIn = await fetch(`${url}/api/hello`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(signedIn.status).toBe(200)
    const sub = target.claims()['sub']
    expect(sub).toEqual(expect.any(String))
    expect(await signedIn.json()).toEqual({ sub })
  })

  it('lets another scheme through as anonymous, but refuses a bad bearer token', async () => {
    const basic = await fetch(`${url}/api/hello`, {
      headers: { authorization: 'Basic dXNlcjpwdw==' },
    })
    expect(basic.status).toBe(200)
    expect(await basic.json()).toEqual({ sub: null })
    const row = rows.find((candidate) => candidate.id === 'alg-none')!
    const token = row.build(target)
    const error = await expectRejection(target.verifier(), token, row.code, row.status)
    const forged = await fetch(`${url}/api/hello`, {
      headers: { authorization: `Bearer ${token}` },
    })
    await expectRefusal(forged, 401, error)
    const broken = await fetch(`${url}/api/hello`, { headers: { authorization: 'Bearer a b' } })
    expect(broken.status).toBe(400)
  })

  it('refuses an empty scope or group list when the route is built', () => {
    const auth = cloudauth(target.verifier())
    for (const mode of ['all', 'any'] as const) {
      expect(() => auth.scope([], mode)).toThrow(ConfigError)
      expect(() => auth.groups([], mode)).toThrow(ConfigError)
    }
  })
})

describe('an issuer whose key set is down, through Express', () => {
  it('answers 503 with Retry-After and no challenge, never 401', async () => {
    const verifier = createVerifier({
      issuers: { issuer: DOWN_ISSUER, jwksUri: DOWN_JWKS, audience: 'api' },
    })
    const url = await serve(verifier)
    const response = await fetch(`${url}/api/me`, {
      headers: { authorization: `Bearer ${downToken(targets[0]!)}` },
    })
    expect(response.headers.get('cache-control')).toBe('no-store')
    await expectUnavailable(response)
  })
})
