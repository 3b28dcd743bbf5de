import type { HttpHandler } from 'msw'
import type { TestKey } from '../keys/generate-test-key.js'
import { defaultKey } from '../keys/default-key.js'
import { jwksOf } from '../keys/jwks-of.js'
import { createJwksEndpoint, type JwksEndpoint } from '../msw/create-jwks-endpoint.js'
import type { JsonObject } from '../tokens/sign-token.js'
import { signCompact } from '../internal/jws.js'
import { auth0AccessClaims, auth0IdClaims, auth0Sub, mergeClaims } from '../internal/shapes.js'
import type { PresetTokenOptions } from './preset-token-options.js'
import type { Auth0User } from './preset-users.js'
import { AUTH0_JWKS_CACHE_CONTROL, auth0IssuerUrl, auth0JwksUrl } from './provider-urls.js'

/** Options of {@link auth0Preset}. */
export interface Auth0PresetOptions {
  /** The tenant domain, e.g. `acme.eu.auth0.com` (no scheme, no path). */
  readonly domain: string
  /** The API identifier: the first `aud` of access tokens. */
  readonly audience: string
  /** The application's client id: `azp` of access tokens, `aud` of ID tokens. */
  readonly clientId: string
  /** Signing key. Default `defaultKey('RS256')`. */
  readonly key?: TestKey
  /** The issuer for a custom domain. Default `https://{domain}/`. */
  readonly issuer?: string
  /** Where the JWKS is served. Default `https://{domain}/.well-known/jwks.json`. */
  readonly jwksUri?: string
  /** The user in the tokens. Default: `auth0|` + random hex, `test-user@example.com`. */
  readonly user?: Partial<Auth0User>
}

/** Tokens and an msw JWKS handler shaped like one Auth0 tenant and API. */
export interface Auth0Preset {
  readonly domain: string
  readonly audience: string
  readonly clientId: string
  /** `https://{domain}/`, trailing slash included. */
  readonly issuer: string
  readonly jwksUri: string
  readonly key: TestKey
  readonly user: Auth0User
  readonly jwks: JwksEndpoint
  /** msw handler serving the tenant's JWKS, with Auth0's `Cache-Control`. */
  readonly handler: HttpHandler
  readonly handlers: readonly HttpHandler[]
  /**
   * An access token for the API: `iss`, `sub`, `aud: [audience, {issuer}userinfo]`, `iat`, `exp`,
   * `scope`, `azp`. Add `permissions` (RBAC) or namespaced claims through `claims`. Header
   * `{ alg, typ: 'JWT', kid }`; pass `{ header: { typ: 'at+jwt' } }` for the RFC 9068 profile.
   */
  accessToken(claims?: JsonObject, options?: PresetTokenOptions): string
  /**
   * An ID token: `nickname`, `name`, `picture`, `updated_at`, `email`, `email_verified`, `iss`,
   * `aud` (the client id), `sub`, `iat`, `exp`, `sid`; add `nonce` through `claims`.
   */
  idToken(claims?: JsonObject, options?: PresetTokenOptions): string
}

/**
 * An Auth0 tenant in a box: access and ID tokens with the claims and header Auth0 issues, and an
 * msw handler at the tenant's real JWKS URL, so `auth0({ domain, audience })` is tested unchanged.
 *
 * @example
 * ```ts
 * const tenant = auth0Preset({ domain: 'acme.eu.auth0.com', audience: 'https://api.acme.test', clientId: 'spa' })
 * server.use(tenant.handler)
 * const token = tenant.accessToken({ scope: 'openid read:users', permissions: ['read:users'] })
 * const rfc9068 = tenant.accessToken({}, { header: { typ: 'at+jwt' } })
 * const withNonce = tenant.idToken({ nonce: 'n-0S6_WzA2Mj' })
 * ```
 */
export function auth0Preset(options: Auth0PresetOptions): Auth0Preset {
  const { domain, audience, clientId } = options
  const issuer = options.issuer ?? auth0IssuerUrl(domain)
  const jwksUri = options.jwksUri ?? auth0JwksUrl(domain)
  const key = options.key ?? defaultKey('RS256')
  const email = options.user?.email ?? 'test-user@example.com'
  const user: Auth0User = {
    sub: options.user?.sub ?? auth0Sub(),
    email,
    name: options.user?.name ?? email,
    nickname: options.user?.nickname ?? email.split('@')[0] ?? email,
    picture:
      options.user?.picture ??
      'https://s.gravatar.com/avatar/00000000000000000000000000000000?s=480&r=pg&d=mp.png',
  }
  const jwks = createJwksEndpoint(jwksUri, jwksOf(key), { cacheControl: AUTH0_JWKS_CACHE_CONTROL })

  const mint = (
    base: Record<string, unknown>,
    claims: JsonObject | undefined,
    opts: PresetTokenOptions,
  ): string => {
    const signer = opts.key ?? key
    const header = { alg: signer.alg, typ: 'JWT', kid: signer.kid, ...opts.header }
    return signCompact(signer, signer.alg, header, mergeClaims(base, claims))
  }
  const shape = (opts: PresetTokenOptions) => ({
    issuer,
    audience,
    clientId,
    user,
    now: opts.now,
    expiresIn: opts.expiresIn,
  })

  return {
    domain,
    audience,
    clientId,
    issuer,
    jwksUri,
    key,
    user,
    jwks,
    handler: jwks.handler,
    handlers: [jwks.handler],
    accessToken: (claims, opts = {}) => mint(auth0AccessClaims(shape(opts)), claims, opts),
    idToken: (claims, opts = {}) => mint(auth0IdClaims(shape(opts)), claims, opts),
  }
}
