import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConfigError, type Algorithm } from '@cloudauth/core'
import { generateTestKey, type TestKey } from '../keys/generate-test-key.js'
import { jwksOf, type TestJsonWebKeySet } from '../keys/jwks-of.js'
import { x509MapOf } from '../keys/x509-map-of.js'
import type { JsonObject } from '../tokens/sign-token.js'
import {
  devIssuer,
  devSubjects,
  mintDevToken,
  parseMintRequest,
  type DevMintContext,
} from '../internal/dev-mint.js'
import { loadOrCreateKeyFile } from '../internal/key-file.js'
import { createDevLogin, DEV_LOGIN_ROUTES } from '../internal/dev-login.js'

/** The token layouts the dev issuer mints. */
export type DevShape = 'cognito' | 'auth0' | 'firebase'

/** What to mint: see {@link DevIssuer.mint}. Also the JSON body of `POST /token`. */
export interface DevMintOptions {
  readonly shape: DevShape
  /**
   * Cognito and Auth0: `'access'` (default) or `'id'`. Firebase: `'id'` (default) or
   * `'session'` (a session cookie, issuer `https://session.firebase.google.com/{projectId}`).
   */
  readonly tokenUse?: 'access' | 'id' | 'session'
  /** Joined into `scope` (Firebase: a top-level `scope` custom claim). */
  readonly scopes?: readonly string[]
  /** Into `cognito:groups`, or the claim `DEV_GROUP_CLAIMS` names for Auth0 and Firebase. */
  readonly groups?: readonly string[]
  /** Merged over the shape's claims last; `undefined` removes one (programmatic use only). */
  readonly claims?: JsonObject
  /**
   * Claims to leave out of the token, applied after everything else (`['email']`, `['username']`):
   * shows what an app answers to a token without a claim its route schema requires. Over HTTP and
   * from the CLI (`--omit NAME`) too.
   */
  readonly omit?: readonly string[]
  /** Lifetime in seconds. Default 3600; negative for an expired token. */
  readonly expiresIn?: number
  /** The current time in seconds. Default: `Date.now()`. */
  readonly now?: number
  /** The user id (`sub`; Firebase `sub` and `user_id`). Default: one stable id per issuer and shape. */
  readonly subject?: string
  /** Cognito `username`, Auth0 `nickname`. Default `dev-user`. */
  readonly username?: string
  /**
   * Default `dev-user@example.com`. Auth0 access tokens carry no email by default (as Auth0's do
   * not); given here, it is added as an `email` claim, as an Auth0 Action adding it would.
   */
  readonly email?: string
  /** Cognito pool id. Default `DEV_DEFAULTS.userPoolId`. */
  readonly userPoolId?: string
  /** Cognito app client id (`client_id`/`aud`), Auth0 client id (`azp`/`aud`). Default `DEV_DEFAULTS.clientId`. */
  readonly clientId?: string
  /** Auth0 API identifier. Default `DEV_DEFAULTS.audience`. */
  readonly audience?: string
  /** Firebase project id. Default `DEV_DEFAULTS.projectId`. */
  readonly projectId?: string
  /** Firebase tenant (`firebase.tenant`). */
  readonly tenantId?: string
}

/** Options of {@link startDevIssuer}. */
export interface StartDevIssuerOptions {
  /** Port; default 0 (a free port, read it from `url`). */
  readonly port?: number
  /** A loopback address: `127.0.0.1` (default) or `::1`. Anything else is refused. */
  readonly host?: string
  /** Signing keys; the first signs, all are published. Default: one RS256 key made at start. */
  readonly keys?: readonly TestKey[]
  /**
   * Keep the keys in this JSON file (read if present, else written with mode 0600), so that
   * restarts keep the same key. It holds a private key: keep it out of version control.
   */
  readonly keyFile?: string
  /** Algorithm of a generated key. Default `'RS256'`. */
  readonly alg?: Algorithm
  /** Lifetime of the access and ID tokens its login flow issues, seconds. Default 3600. */
  readonly loginTokenSeconds?: number
}

/** A running dev issuer. */
export interface DevIssuer {
  /** `http://127.0.0.1:{port}`, no trailing slash. */
  readonly url: string
  readonly port: number
  readonly keys: readonly TestKey[]
  /** The JWKS it serves (the same for every shape). */
  readonly jwks: TestJsonWebKeySet
  /**
   * The issuer of a shape's tokens: Cognito `{url}/{userPoolId}`, Auth0 `{url}/`, Firebase the
   * real `https://securetoken.google.com/{projectId}`.
   */
  issuer(
    shape: DevShape,
    options?: { readonly userPoolId?: string; readonly projectId?: string },
  ): string
  /**
   * Where a shape's keys are served: Cognito `{url}/{userPoolId}/.well-known/jwks.json`, Auth0
   * `{url}/.well-known/jwks.json`, Firebase `{url}/firebase/jwks.json`.
   */
  jwksUri(shape: DevShape, options?: { readonly userPoolId?: string }): string
  /** Mints a token of a shape, signed by the first key. @throws TypeError for a `tokenUse` the shape lacks. */
  mint(options: DevMintOptions): string
  /** Closes the server (and any open connections). */
  stop(): Promise<void>
}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|::1)$/
const MAX_BODY_BYTES = 16 * 1024
const JWKS_CACHE_CONTROL = 'public, max-age=60'

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  })
  response.end(text)
}

function discovery(
  issuer: string,
  jwksUri: string,
  keys: readonly TestKey[],
  login?: { readonly base: string; readonly routes: Readonly<Record<string, string>> },
): Record<string, unknown> {
  // OpenID Connect Discovery 1.0 §3. The Cognito and Auth0 layouts advertise the login flow
  // (authorization code with PKCE S256 only); Firebase's has none.
  const endpoints =
    login === undefined
      ? {}
      : {
          authorization_endpoint: `${login.base}${login.routes['authorize'] ?? ''}`,
          token_endpoint: `${login.base}${login.routes['token'] ?? ''}`,
          userinfo_endpoint: `${login.base}${login.routes['userinfo'] ?? ''}`,
          revocation_endpoint: `${login.base}${login.routes['revoke'] ?? ''}`,
          end_session_endpoint: `${login.base}${login.routes['logout'] ?? ''}`,
          code_challenge_methods_supported: ['S256'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          token_endpoint_auth_methods_supported: ['none', 'client_secret_post'],
        }
  return {
    issuer,
    jwks_uri: jwksUri,
    ...endpoints,
    response_types_supported: ['code', 'token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(keys.map((key) => key.alg))],
    scopes_supported: ['openid', 'email', 'profile'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'email', 'email_verified'],
  }
}

/** Whether the Host header names this loopback server: a guard against DNS rebinding on /token. */
function isLoopbackHost(hostHeader: string | undefined, port: number): boolean {
  if (hostHeader === undefined) return false
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(
    hostHeader.toLowerCase(),
  )
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    // Past the limit, keep reading but discard, so the client gets its 413 rather than a reset.
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    request.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(new RangeError('body too large'))
      else resolve(Buffer.concat(chunks).toString('utf8'))
    })
    request.on('error', reject)
  })
}

/**
 * Starts a local token issuer on 127.0.0.1 that serves a JWKS and an OpenID discovery document
 * for each provider layout and mints tokens shaped like Cognito, Auth0 or Firebase tokens, so an
 * app runs end to end with no cloud account: point the provider at it (`endpoint`/`issuer`).
 *
 * Routes (all JSON):
 * - `GET /{userPoolId}/.well-known/jwks.json`, `GET /{userPoolId}/.well-known/openid-configuration`
 *   (Cognito, as cognito-local lays them out; any pool id);
 * - `GET /.well-known/jwks.json`, `GET /.well-known/openid-configuration` (Auth0: issuer `{url}/`);
 * - `GET /firebase/jwks.json`, `GET /firebase/publicKeys` (x509 map, session cookies),
 *   `GET /firebase/{projectId}/.well-known/openid-configuration`;
 * - `POST /token` with a JSON {@link DevMintOptions} body -> `{ token, token_type, expires_in, issuer }`;
 * - a login flow (authorization code with PKCE S256, strict; refresh tokens rotated; userinfo;
 *   revocation; logout), in Cognito's layout (`/oauth2/authorize` with a one-click login page,
 *   `/oauth2/token`, `/oauth2/userInfo`, `/oauth2/revoke`, `/logout`; Cognito-shaped tokens of the
 *   default pool) and in Auth0's (`/authorize`, `/oauth/token`, `/userinfo`, `/oauth/revoke`,
 *   `/oidc/logout`; issuer `{url}/`), advertised by the discovery documents. Redirect URIs must be
 *   on a loopback host;
 * - `GET /health`.
 *
 * It only ever binds a loopback address, and `POST /token` also checks the `Host` header and
 * requires `Content-Type: application/json`, so a web page cannot mint tokens through a browser.
 *
 * @throws ConfigError (`host`, `port`) for a non-loopback host or an invalid port, before binding.
 *
 * @example
 * ```ts
 * const issuer = await startDevIssuer()
 * const provider = cognito({ userPoolId: DEV_DEFAULTS.userPoolId, clientId: DEV_DEFAULTS.clientId, endpoint: issuer.url, tokenUse: 'access' })
 * const token = issuer.mint({ shape: 'cognito', scopes: ['read:users'], groups: ['admin'] })
 * await issuer.stop()
 * ```
 */
export async function startDevIssuer(options: StartDevIssuerOptions = {}): Promise<DevIssuer> {
  const host = options.host ?? '127.0.0.1'
  if (!LOOPBACK.test(host))
    throw new ConfigError('host', 'the dev issuer binds a loopback address only (127.0.0.1 or ::1)')
  const requestedPort = options.port ?? 0
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65_535) {
    throw new ConfigError('port', 'must be an integer from 0 to 65535')
  }
  const keys: readonly TestKey[] =
    options.keys !== undefined && options.keys.length > 0
      ? options.keys
      : options.keyFile !== undefined
        ? await loadOrCreateKeyFile(options.keyFile, options.alg ?? 'RS256')
        : [generateTestKey(options.alg ?? 'RS256', { commonName: 'cloudauth-dev' })]
  const signingKey = keys[0]
  if (signingKey === undefined) throw new ConfigError('keys', 'at least one key is required')
  const jwks = jwksOf(...keys)
  const x509 = x509MapOf(...keys)
  const subjects = devSubjects()
  const loginTokenSeconds = options.loginTokenSeconds ?? 3600
  if (!Number.isInteger(loginTokenSeconds) || loginTokenSeconds < 1) {
    throw new ConfigError('loginTokenSeconds', 'must be a positive integer')
  }
  const devLogin = createDevLogin({ tokenSeconds: loginTokenSeconds })
  // Filled in once the server listens and its port is known.
  const state: { context?: DevMintContext } = {}

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, { error: 'server_error' })
      else response.destroy()
    })
  })

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { context } = state
    if (context === undefined) return send(response, 503, { error: 'starting' })
    const { url } = context
    const path = new URL(request.url ?? '/', 'http://dev.invalid').pathname
    const method = request.method ?? 'GET'
    if (await devLogin(context, request, response)) return
    if (path === '/token') {
      if (method !== 'POST')
        return send(response, 405, { error: 'method_not_allowed' }, { allow: 'POST' })
      if (!isLoopbackHost(request.headers.host, context.port)) {
        return send(response, 403, {
          error: 'forbidden',
          error_description: 'the Host header must name this loopback server',
        })
      }
      if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
        return send(response, 415, {
          error: 'invalid_request',
          error_description: 'send a JSON body (Content-Type: application/json)',
        })
      }
      let body: string
      try {
        body = await readBody(request)
      } catch {
        return send(response, 413, {
          error: 'invalid_request',
          error_description: 'the body is too large',
        })
      }
      try {
        const parsed: unknown = JSON.parse(body)
        const minted = mintDevToken(context, parseMintRequest(parsed))
        return send(
          response,
          200,
          {
            token: minted.token,
            token_type: 'Bearer',
            expires_in: minted.expiresIn,
            issuer: minted.issuer,
          },
          { 'cache-control': 'no-store' },
        )
      } catch (error) {
        const description =
          error instanceof SyntaxError
            ? 'the body is not valid JSON'
            : error instanceof TypeError
              ? error.message
              : 'the request could not be processed'
        return send(response, 400, { error: 'invalid_request', error_description: description })
      }
    }
    if (method !== 'GET' && method !== 'HEAD')
      return send(response, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' })
    const jwksHeaders = { 'cache-control': JWKS_CACHE_CONTROL }
    if (path === '/health') return send(response, 200, { status: 'ok' })
    if (path === '/') {
      return send(response, 200, {
        cognito: {
          issuer: devIssuer(url, 'cognito'),
          jwks_uri: `${devIssuer(url, 'cognito')}/.well-known/jwks.json`,
        },
        auth0: { issuer: `${url}/`, jwks_uri: `${url}/.well-known/jwks.json` },
        firebase: {
          issuer: devIssuer(url, 'firebase'),
          jwks_uri: `${url}/firebase/jwks.json`,
          session_cookie_keys: `${url}/firebase/publicKeys`,
        },
        token_endpoint: `${url}/token`,
      })
    }
    if (path === '/.well-known/jwks.json' || path === '/firebase/jwks.json')
      return send(response, 200, jwks, jwksHeaders)
    if (path === '/firebase/publicKeys') return send(response, 200, x509, jwksHeaders)
    if (path === '/.well-known/openid-configuration') {
      return send(
        response,
        200,
        discovery(`${url}/`, `${url}/.well-known/jwks.json`, keys, {
          base: url,
          routes: DEV_LOGIN_ROUTES.auth0,
        }),
      )
    }
    const firebase = /^\/firebase\/([^/]+)\/\.well-known\/openid-configuration$/.exec(path)
    if (firebase?.[1] !== undefined) {
      const projectId = decodeURIComponent(firebase[1])
      return send(
        response,
        200,
        discovery(devIssuer(url, 'firebase', { projectId }), `${url}/firebase/jwks.json`, keys),
      )
    }
    const cognito = /^\/([^/]+)\/\.well-known\/(jwks\.json|openid-configuration)$/.exec(path)
    if (cognito?.[1] !== undefined && cognito[1] !== 'firebase') {
      const issuer = `${url}/${cognito[1]}`
      if (cognito[2] === 'jwks.json') return send(response, 200, jwks, jwksHeaders)
      return send(
        response,
        200,
        discovery(issuer, `${issuer}/.well-known/jwks.json`, keys, {
          base: url,
          routes: DEV_LOGIN_ROUTES.cognito,
        }),
      )
    }
    return send(response, 404, { error: 'not_found' })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(requestedPort, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  const ready: DevMintContext = { url, port, key: signingKey, subjects }
  state.context = ready

  return {
    url,
    port,
    keys,
    jwks,
    issuer: (shape, scope = {}) => devIssuer(url, shape, scope),
    jwksUri: (shape, scope = {}) => {
      if (shape === 'cognito') return `${devIssuer(url, 'cognito', scope)}/.well-known/jwks.json`
      return shape === 'auth0' ? `${url}/.well-known/jwks.json` : `${url}/firebase/jwks.json`
    },
    mint: (mintOptions) => mintDevToken(ready, mintOptions).token,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
