import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, vi } from 'vitest'
import express, { type Express } from 'express'
import { createVerifier, type IssuerOptions, type VerifierOptions } from '@cloudauth/core'
import { defaultKey, jwksOf, signToken, type JsonObject } from '@cloudauth/testing'

export const ISSUER = 'https://issuer.test/'
export const AUDIENCE = 'api'
export const JWKS_URI = 'https://issuer.test/.well-known/jwks.json'

export const key = defaultKey()

/** The test issuer with a static key set: no network. */
export const issuer: IssuerOptions = { issuer: ISSUER, jwks: jwksOf(key), audience: AUDIENCE }

/** Verifier options for the test issuer. */
export const options: VerifierOptions = {
  issuers: issuer,
  groupClaims: ['cognito:groups'],
}

/** A token from the test issuer for `api`, with `sub: 'user-1'` unless overridden. */
export function token(claims: JsonObject = {}, expiresIn = 3600): string {
  return signToken({
    key,
    claims: { iss: ISSUER, aud: AUDIENCE, sub: 'user-1', ...claims },
    expiresIn,
  })
}

/** A real verifier whose `verify` is a spy, to count verifications per request. */
export function spyVerifier() {
  const real = createVerifier(options)
  const verify = vi.fn((value: string) => real.verify(value))
  return { verifier: { ...real, verify }, verify }
}

export const bearer = (value: string) => ({ authorization: `Bearer ${value}` })

/** The same header and payload with another token's signature: a valid shape, a wrong signature. */
export function badSignature(): string {
  const [head, body] = token().split('.')
  const other = token({ sub: 'someone-else' }).split('.')[2]
  return `${head}.${body}.${other}`
}

/** `WWW-Authenticate` for a bad token, as RFC 6750 §3 spells it. */
export const invalidToken = (description: string, realm = 'api') =>
  `Bearer realm="${realm}", error="invalid_token", error_description="${description}"`

/** A real server on 127.0.0.1, on a free port. */
export interface Served {
  readonly url: string
  close(): Promise<void>
}

export async function listen(app: RequestListener): Promise<Served> {
  const server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

/**
 * `serve(build)` builds an Express app, listens on 127.0.0.1 and returns its URL; every server is
 * closed after each test.
 */
export function useServers(): (build: (app: Express) => void) => Promise<string> {
  const servers: Served[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((served) => served.close()))
  })
  return async (build) => {
    const app = express()
    build(app)
    const served = await listen(app)
    servers.push(served)
    return served.url
  }
}
