import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider, { errors } from 'oidc-provider'
import { defineProvider } from '@cloudauth/core'
import { oidcIssuer } from '@cloudauth/login'
import type { AppUrls, ExampleIssuer } from './example-issuer.js'

const CLIENT_ID = 'login-example'

/**
 * A real, certified OpenID Provider (oidc-provider 9) on 127.0.0.1, found by discovery: a public
 * client with strict PKCE, refresh token rotation, userinfo, revocation and RP-initiated logout.
 * Its login and consent pages are oidc-provider's development pages (any user name and password).
 * Access tokens are JWTs (RFC 9068, `typ: at+jwt`) for this app's API, `{origin}/api`, through
 * resource indicators (RFC 8707), so the app verifies them like any other.
 */
export async function startOidcProviderIssuer(app: AppUrls): Promise<ExampleIssuer> {
  const server: Server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const audience = `${app.origin}/api`
  // The signing key and cookie key are made now, never committed.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const provider = new Provider(url, {
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'none', // a public client: PKCE is required
        redirect_uris: [app.callback],
        post_logout_redirect_uris: [`${app.origin}/`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: {
      keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'example', alg: 'RS256', use: 'sig' }],
    },
    features: {
      devInteractions: { enabled: true },
      // A client may revoke only the tokens it was given (RFC 7009 §2.1).
      revocation: {
        enabled: true,
        allowedPolicy: (
          _ctx: unknown,
          client: { clientId: string },
          token: { clientId?: string },
        ) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== audience) throw new errors.InvalidTarget()
          return {
            scope: 'api:read',
            audience,
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          }
        },
      },
    },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AuthorizationCode: 60,
      IdToken: 300,
      AccessToken: 300,
      RefreshToken: 86_400,
    },
    scopes: ['openid', 'email', 'profile', 'offline_access', 'api:read'],
    rotateRefreshToken: true,
    // A refresh token for the app's client without asking for offline_access.
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    // The ID token carries the profile claims too (the app's pages read them from the session).
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => ({ sub, email: `${sub}@example.com`, email_verified: true, name: sub }),
    }),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
  })
  server.on('request', provider.callback())
  return {
    name: 'oidc-provider',
    url,
    login: oidcIssuer({ issuer: url }),
    clientId: CLIENT_ID,
    provider: defineProvider({
      provider: 'oidc-provider',
      issuers: { issuer: url, jwksUri: `${url}/jwks`, audience, algorithms: ['RS256'] },
      typ: ['at+jwt'],
    }),
    scopes: ['openid', 'email', 'profile', 'api:read'],
    user: { username: 'alice', password: 'any-password' },
    async stop() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
