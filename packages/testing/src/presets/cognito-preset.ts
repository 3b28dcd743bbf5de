import { randomUUID } from 'node:crypto'
import type { HttpHandler } from 'msw'
import { ConfigError } from '@cloudauth/core'
import type { TestKey } from '../keys/generate-test-key.js'
import { defaultKey } from '../keys/default-key.js'
import { jwksOf } from '../keys/jwks-of.js'
import { createJwksEndpoint, type JwksEndpoint } from '../msw/create-jwks-endpoint.js'
import type { JsonObject } from '../tokens/sign-token.js'
import { signCompact } from '../internal/jws.js'
import { cognitoAccessClaims, cognitoIdClaims, mergeClaims } from '../internal/shapes.js'
import type { PresetTokenOptions } from './preset-token-options.js'
import type { CognitoUser } from './preset-users.js'
import { cognitoIssuerUrl } from './provider-urls.js'

/** Options of {@link cognitoPreset}. */
export interface CognitoPresetOptions {
  /** AWS region. Default: the pool id's prefix (`eu-west-1` of `eu-west-1_AbC123`). */
  readonly region?: string
  readonly userPoolId: string
  /** The app client id: `client_id` of access tokens, `aud` of ID tokens. */
  readonly clientId: string
  /** Signing key. Default `defaultKey('RS256')`. */
  readonly key?: TestKey
  /** A local emulator's base URL instead of AWS (issuer `{endpoint}/{userPoolId}`). */
  readonly endpoint?: string
  /** The user in the tokens. Default: a random `sub`, username `test-user`, `test-user@example.com`. */
  readonly user?: Partial<CognitoUser>
}

/** Tokens and an msw JWKS handler shaped like one Cognito user pool. */
export interface CognitoPreset {
  readonly region: string
  readonly userPoolId: string
  readonly clientId: string
  /** `https://cognito-idp.{region}.amazonaws.com/{userPoolId}` (or on `endpoint`). */
  readonly issuer: string
  /** `{issuer}/.well-known/jwks.json`. */
  readonly jwksUri: string
  readonly key: TestKey
  readonly user: CognitoUser
  /** The stateful endpoint behind `handler`: hits, rotations, outages. */
  readonly jwks: JwksEndpoint
  /** msw handler serving the pool's JWKS at `jwksUri`. */
  readonly handler: HttpHandler
  /** `[handler]`, for spreading into `setupServer(...)` alongside other presets. */
  readonly handlers: readonly HttpHandler[]
  /**
   * An access token: `sub`, `cognito:groups` (when set), `iss`, `version: 2`, `client_id`,
   * `origin_jti`, `event_id`, `token_use: 'access'`, `scope`, `auth_time`, `exp`, `iat`, `jti`,
   * `username`. `claims` are merged over these; `undefined` removes one.
   */
  accessToken(claims?: JsonObject, options?: PresetTokenOptions): string
  /**
   * An ID token: `sub`, `cognito:groups` (when set), `email_verified`, `iss`, `cognito:username`,
   * `origin_jti`, `aud` (the client id), `event_id`, `token_use: 'id'`, `auth_time`, `exp`, `iat`,
   * `jti`, `email`.
   */
  idToken(claims?: JsonObject, options?: PresetTokenOptions): string
}

/**
 * A Cognito user pool in a box: tokens with exactly the claims and header AWS issues (header
 * `{ kid, alg: 'RS256' }`, no `typ`), and an msw handler answering at the pool's real JWKS URL,
 * so the app's production configuration (`cognito({ region, userPoolId, clientId })`) is tested
 * unchanged. Groups go in `cognito:groups`, scopes in `scope` (space-separated).
 *
 * @throws ConfigError (`region`) when no region is given and the pool id has no `region_` prefix.
 *
 * @example
 * ```ts
 * const pool = cognitoPreset({ userPoolId: 'eu-west-1_AbCdEf123', clientId: 'app-client' })
 * const server = setupServer(pool.handler)
 * server.listen({ onUnhandledRequest: 'error' })
 * const token = pool.accessToken({ scope: 'read:users', 'cognito:groups': ['admin'] })
 * const expired = pool.idToken({}, { expiresIn: -60 })
 * ```
 */
export function cognitoPreset(options: CognitoPresetOptions): CognitoPreset {
  const { userPoolId, clientId } = options
  const separator = userPoolId.indexOf('_')
  const region = options.region ?? (separator > 0 ? userPoolId.slice(0, separator) : '')
  if (region === '')
    throw new ConfigError('region', 'required when the pool id has no region prefix')
  const issuer = cognitoIssuerUrl(region, userPoolId, options.endpoint)
  const jwksUri = `${issuer}/.well-known/jwks.json`
  const key = options.key ?? defaultKey('RS256')
  const user: CognitoUser = {
    sub: options.user?.sub ?? randomUUID(),
    username: options.user?.username ?? 'test-user',
    email: options.user?.email ?? 'test-user@example.com',
  }
  const jwks = createJwksEndpoint(jwksUri, jwksOf(key))

  const mint = (
    base: Record<string, unknown>,
    claims: JsonObject | undefined,
    opts: PresetTokenOptions,
  ): string => {
    const signer = opts.key ?? key
    // Cognito's header is exactly { kid, alg }: no typ.
    const header = { kid: signer.kid, alg: signer.alg, ...opts.header }
    return signCompact(signer, signer.alg, header, mergeClaims(base, claims))
  }
  const shape = (opts: PresetTokenOptions) => ({
    issuer,
    clientId,
    user,
    now: opts.now,
    expiresIn: opts.expiresIn,
  })

  return {
    region,
    userPoolId,
    clientId,
    issuer,
    jwksUri,
    key,
    user,
    jwks,
    handler: jwks.handler,
    handlers: [jwks.handler],
    accessToken: (claims, opts = {}) => mint(cognitoAccessClaims(shape(opts)), claims, opts),
    idToken: (claims, opts = {}) => mint(cognitoIdClaims(shape(opts)), claims, opts),
  }
}
