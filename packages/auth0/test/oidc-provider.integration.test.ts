/**
 * A real OpenID Provider (oidc-provider 9, certified) laid out like an Auth0 tenant: issuer with a
 * trailing slash, JWKS at /.well-known/jwks.json, token endpoint /oauth/token, JWT access tokens
 * for an API through resource indicators (RFC 8707), `permissions` added as a claim. The test
 * fetches a client_credentials token over HTTP on 127.0.0.1 and verifies it through auth0().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateKeyPairSync } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider, { errors } from 'oidc-provider'
import { createVerifier, requireScopes } from '@cloudauth/core'
import { auth0 } from '@cloudauth/auth0'

const AUDIENCE = 'https://api.acme.test'
const CLIENT_ID = 'm2m-client'
const CLIENT_SECRET = 'integration-test-secret-made-at-run-time'

let server: Server
let issuer: string

async function listen(): Promise<Server> {
  const http = createServer()
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(0, '127.0.0.1', resolve)
  })
  return http
}

beforeAll(async () => {
  server = await listen()
  const { port } = server.address() as AddressInfo
  issuer = `http://127.0.0.1:${port}/`
  // The signing key is made now, never committed.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const signingKey = {
    ...privateKey.export({ format: 'jwk' }),
    kid: 'it-rs256',
    alg: 'RS256',
    use: 'sig',
  }

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
        scope: 'read:users write:users',
      },
    ],
    jwks: { keys: [signingKey] },
    routes: { jwks: '/.well-known/jwks.json', token: '/oauth/token' },
    scopes: ['openid', 'read:users', 'write:users'],
    ttl: { ClientCredentials: 600 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== AUDIENCE) throw new errors.InvalidTarget()
          return {
            scope: 'read:users write:users',
            audience: AUDIENCE,
            accessTokenTTL: 600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          }
        },
      },
    },
    // Auth0's RBAC puts the granted permissions in a `permissions` claim.
    extraTokenClaims: () => ({ permissions: ['read:users'] }),
  })
  server.on('request', provider.callback())
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

async function clientCredentials(scope: string): Promise<string> {
  const response = await fetch(new URL('oauth/token', issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      resource: AUDIENCE,
      scope,
    }),
  })
  const body = (await response.json()) as { access_token?: string; error?: string }
  if (response.status !== 200 || body.access_token === undefined)
    throw new Error(`token endpoint answered ${response.status} ${body.error ?? ''}`)
  return body.access_token
}

describe('auth0() against oidc-provider laid out like an Auth0 tenant', () => {
  it('serves its keys where an Auth0 tenant does', async () => {
    const response = await fetch(new URL('.well-known/jwks.json', issuer))
    const jwks = (await response.json()) as { keys: { kid: string; d?: string }[] }
    expect(jwks.keys.map((key) => key.kid)).toEqual(['it-rs256'])
    expect(jwks.keys[0]).not.toHaveProperty('d')
  })

  it('verifies a real client_credentials access token (at+jwt) with scope and permissions', async () => {
    const token = await clientCredentials('read:users write:users')
    const verifier = createVerifier(
      auth0({ domain: 'unused.example', issuer, audience: AUDIENCE, clientId: CLIENT_ID }),
    )
    const verified = await verifier.verify(token)
    expect(verified.header.typ).toBe('at+jwt')
    expect(verified.issuer).toBe(issuer)
    expect(verified.claims).toMatchObject({
      iss: issuer,
      aud: AUDIENCE,
      client_id: CLIENT_ID,
      sub: CLIENT_ID,
      scope: 'read:users write:users',
      permissions: ['read:users'],
    })
    expect(verified.scopes).toEqual(['read:users', 'write:users'])
    expect(() => requireScopes(verified, ['read:users', 'write:users'], 'all')).not.toThrow()
    expect(verifier.user(verified)).toMatchObject({ id: CLIENT_ID, provider: 'auth0' })
  })

  it('rejects the real token for another audience, another client, or another issuer', async () => {
    const token = await clientCredentials('read:users')
    const otherApi = createVerifier(auth0({ issuer, audience: 'https://other.api.test' }))
    await expect(otherApi.verify(token)).rejects.toMatchObject({ code: 'invalid_audience' })
    const otherClient = createVerifier(auth0({ issuer, audience: AUDIENCE, clientId: 'spa' }))
    await expect(otherClient.verify(token)).rejects.toMatchObject({ code: 'invalid_audience' })
    const noSlash = createVerifier(auth0({ issuer: issuer.slice(0, -1), audience: AUDIENCE }))
    await expect(noSlash.verify(token)).rejects.toMatchObject({ code: 'invalid_issuer' })
  })

  it('rejects the real token tampered with', async () => {
    const token = await clientCredentials('read:users')
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >
    const forged = Buffer.from(JSON.stringify({ ...claims, permissions: ['admin'] })).toString(
      'base64url',
    )
    const verifier = createVerifier(auth0({ issuer, audience: AUDIENCE }))
    await expect(verifier.verify(`${header}.${forged}.${signature}`)).rejects.toMatchObject({
      code: 'invalid_signature',
    })
  })
})
