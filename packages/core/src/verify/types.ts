import type { AuthError, AuthErrorCode } from '../errors/auth-error.js'

/** Asymmetric JWS algorithms cloudauth verifies (RFC 7518 §3). HMAC and `none` are refused. */
export type Algorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA'

/** A decoded JOSE header (RFC 7515 §4). */
export interface JwtHeader {
  readonly alg: string
  readonly kid?: string
  readonly typ?: string
  readonly [parameter: string]: unknown
}

/** Registered claims (RFC 7519 §4.1) plus whatever else the token carries. */
export interface JwtClaims {
  // `| undefined` lets schema outputs with optional members (zod's `.optional()`) fit under
  // exactOptionalPropertyTypes.
  readonly iss?: string | undefined
  readonly sub?: string | undefined
  readonly aud?: string | readonly string[] | undefined
  readonly exp?: number | undefined
  readonly nbf?: number | undefined
  readonly iat?: number | undefined
  readonly jti?: string | undefined
  readonly [claim: string]: unknown
}

/** A JSON Web Key (RFC 7517 §4), public parts only. */
export interface PublicJwk {
  readonly kty: string
  readonly kid?: string
  readonly alg?: string
  readonly use?: string
  readonly key_ops?: readonly string[]
  readonly crv?: string
  readonly n?: string
  readonly e?: string
  readonly x?: string
  readonly y?: string
  readonly x5c?: readonly string[]
  readonly [member: string]: unknown
}

/** A JSON Web Key Set (RFC 7517 §5). */
export interface JsonWebKeySet {
  readonly keys: readonly PublicJwk[]
}

/**
 * How the key set document is laid out: a JWKS (`{ keys: [...] }`), or a map of key id to
 * PEM X.509 certificate (Google's identitytoolkit and securetoken `x509` endpoints).
 */
export type KeySetFormat = 'jwks' | 'x509'

/** Context handed to checks that run after the signature and the standard claims passed. */
export interface CheckContext {
  /** The configured issuer the token was matched to. */
  readonly issuer: string
  /**
   * The current time in seconds since the epoch, as the verifier sees it. In `validate` this is the
   * time of the FIRST verification only: a cached token skips `validate` on later verifies. A rule
   * that depends on `now` (`now - auth_time <= 300`) belongs in `revalidate`, which runs on every verify.
   */
  readonly now: number
  /** The configured clock tolerance in seconds. */
  readonly clockTolerance: number
}

/** An extra check. Throw an {@link AuthError} to reject; any other throw becomes `invalid_claims`. */
export type ClaimsCheck = (
  claims: JwtClaims,
  header: JwtHeader,
  context: CheckContext,
) => void | Promise<void>

/** One trusted issuer. */
export interface IssuerOptions {
  /** The exact `iss` value (RFC 7519 §4.1.1, compared as a case-sensitive string: a trailing slash matters). */
  readonly issuer: string
  /** Where the issuer publishes its keys. One of `jwksUri` or `jwks` is required. */
  readonly jwksUri?: string
  /** A fixed key set (no network). */
  readonly jwks?: JsonWebKeySet
  /** Layout of the document at `jwksUri`. Default `'jwks'`. */
  readonly keySetFormat?: KeySetFormat
  /**
   * Accepted `aud` values (RFC 7519 §4.1.3): the token must name at least one of them.
   * Required: pass `null` to switch the check off explicitly (for tokens with no `aud`, such as
   * Cognito access tokens, whose client is checked by the provider instead).
   */
  readonly audience: string | readonly string[] | null
  /** Algorithms for this issuer; defaults to the verifier's. */
  readonly algorithms?: readonly Algorithm[]
  /** Claims that hold scopes for this issuer; defaults to the verifier's. */
  readonly scopeClaims?: readonly string[]
  /** Claims that hold groups for this issuer; defaults to the verifier's. */
  readonly groupClaims?: readonly string[]
  /** Checks for tokens of this issuer only (run before the verifier-wide `validate`). */
  readonly validate?: ClaimsCheck
  /**
   * INSECURE: accept unsigned tokens (`alg: none`, empty signature) from this issuer, as the
   * Firebase Auth emulator issues. Only the literal `'emulator'` turns it on; providers refuse it
   * under `NODE_ENV=production`.
   */
  readonly unsafeUnsigned?: 'emulator'
}

/** Tuning of the JWKS cache. All durations in milliseconds. */
export interface JwksOptions {
  /** Abort a key set fetch after this long. Default 5,000. */
  readonly timeoutMs?: number
  /** At most one refetch for an unknown `kid` per this long, per issuer. Default 30,000. */
  readonly cooldownMs?: number
  /** Freshness when the response has no usable `Cache-Control: max-age`. Default 600,000 (10 min). */
  readonly defaultMaxAgeMs?: number
  /** Lower bound on a `max-age`. Default 60,000 (1 min). */
  readonly minMaxAgeMs?: number
  /** Upper bound on a `max-age`. Default 86,400,000 (24 h). */
  readonly maxMaxAgeMs?: number
  /** How long keys keep working past their freshness while refreshes fail. Default 86,400,000 (24 h). */
  readonly staleIfErrorMs?: number
  /** After a failed fetch, wait this long before the next attempt. Default 5,000. */
  readonly errorBackoffMs?: number
  /** `Retry-After` (seconds) on `jwks_unavailable`. Default 30. */
  readonly retryAfterSeconds?: number
  /** Largest key set document accepted, in bytes. Default 512 KiB. */
  readonly maxBytes?: number
}

/** Tuning of the verified-token cache. */
export interface TokenCacheOptions {
  /** Most tokens held. Default 10,000. */
  readonly maxEntries?: number
}

/**
 * What the verifier reports through `onEvent`: key set events, and one event per `verify`. None
 * carries a token, a secret or a claim value: `issuer` is the configured issuer a token matched,
 * and `kid` is the id of a key the issuer's key set holds, never a value only the token states.
 */
export type VerifierEvent =
  | {
      /** A token passed every check (`verify` resolved). */
      readonly type: 'token_verified'
      /** The configured issuer the token matched. */
      readonly issuer: string
      /** The key that verified it; `undefined` for an unsigned emulator token. */
      readonly kid: string | undefined
      /** Time spent in `verify`, in milliseconds (fractional; includes any key fetch and hooks). */
      readonly durationMs: number
      /** Whether the verified-token cache answered (no signature check ran). */
      readonly cached: boolean
    }
  | {
      /** A token was refused (`verify` rejected with `code`). */
      readonly type: 'token_rejected'
      readonly code: AuthErrorCode
      /** The configured issuer the token matched, or `undefined` when it matched none (or the token had no readable iss). */
      readonly issuer: string | undefined
      /** The key found for the token's `kid` in the issuer's set; `undefined` when none was. */
      readonly kid: string | undefined
      readonly durationMs: number
      readonly cached: boolean
    }
  | {
      readonly type: 'jwks_fetched'
      readonly issuer: string
      readonly keys: number
      readonly maxAgeMs: number
    }
  | {
      readonly type: 'jwks_refresh_failed'
      readonly issuer: string
      readonly reason: string
      readonly error: unknown
    }
  | { readonly type: 'stale_keys_served'; readonly issuer: string; readonly staleForMs: number }
  | {
      readonly type: 'jwks_key_skipped'
      readonly issuer: string
      readonly kid: string | undefined
      readonly reason: string
    }

/**
 * The verifier options a provider passes straight through to core: tuning, hooks and test seams.
 * Provider factories accept these beside their own options.
 */
export type VerifierTuning<TClaims extends JwtClaims = JwtClaims> = Pick<
  VerifierOptions<TClaims>,
  | 'clockTolerance'
  | 'maxTokenAge'
  | 'maxTokenBytes'
  | 'isRevoked'
  | 'fetch'
  | 'jwks'
  | 'cache'
  | 'onEvent'
  | 'now'
  | 'revalidate'
  | 'devLog'
>

/** Options of {@link createVerifier}. */
export interface VerifierOptions<TClaims extends JwtClaims = JwtClaims> {
  /** The issuers to trust: the token's `iss` picks one before any key is fetched. */
  readonly issuers: IssuerOptions | readonly IssuerOptions[]
  /** Allowed algorithms. Default `['RS256']`. `none` and HMAC are refused (RFC 8725 §3.1, §3.2). */
  readonly algorithms?: readonly Algorithm[]
  /** Leeway in seconds for `exp`, `nbf` and `iat` (RFC 7519 §4.1.4). Default 5. */
  readonly clockTolerance?: number
  /**
   * Oldest token accepted, in seconds after its `iat` (which becomes required), whatever its `exp`
   * says: a cap on lifetimes an issuer may set too long. Default: none (only `exp` counts).
   */
  readonly maxTokenAge?: number
  /** Longest token accepted, in bytes; checked before any parsing. Default 8,192. */
  readonly maxTokenBytes?: number
  /**
   * Accepted `typ` header values (compared case-insensitively, RFC 7515 §4.1.9); `null` inside the list
   * accepts a token without `typ`. Default: not checked.
   */
  readonly typ?: readonly (string | null)[]
  /** Claims that hold scopes: space-separated strings or arrays. Default `['scope']`. */
  readonly scopeClaims?: readonly string[]
  /** Claims that hold groups. Default `[]`. */
  readonly groupClaims?: readonly string[]
  /**
   * An extra check for every token, run once when the token is first verified. A cached token does
   * not run it again: `context.now` is the time of that first verification. Put rules that depend
   * on the current time in {@link VerifierOptions.revalidate} instead.
   */
  readonly validate?: ClaimsCheck
  /**
   * A check that runs on EVERY `verify`, cache hits included (like `isRevoked`), after `validate`
   * on a fresh verification, with `context.now` read for this call. Use it for rules that depend on
   * the time, such as a recent login (`now - auth_time <= 300`): a rule in `validate` would keep
   * accepting a cached token long after it stopped holding. Throw an {@link AuthError} to reject with
   * its code; any other throw becomes `invalid_claims`. Keep it cheap: it is on the cache-hit path.
   *
   * @example
   * ```ts
   * revalidate: (claims, _header, { now }) => {
   *   if (typeof claims.auth_time !== 'number' || now - claims.auth_time > 300)
   *     throw new AuthError('invalid_claims', 'a recent login is required')
   * }
   * ```
   */
  readonly revalidate?: ClaimsCheck
  /**
   * Revocation: runs on every verify, cache hits included. Return true to reject with `token_revoked`.
   * (Method syntax on purpose: a provider with specific claims stays assignable to `Provider`.)
   */
  isRevoked?(this: void, verified: VerifiedToken<TClaims>): boolean | Promise<boolean>
  /** The `fetch` used for key sets. Default `globalThis.fetch`. */
  readonly fetch?: typeof fetch
  /** JWKS cache tuning. */
  readonly jwks?: JwksOptions
  /** Verified-token cache: on by default; `false` turns it off. */
  readonly cache?: TokenCacheOptions | false
  /**
   * Events for logs and metrics: key set events (fetched, refresh failed, stale keys served, key
   * skipped) and one `token_verified` or `token_rejected` per `verify`. Called synchronously; a
   * throwing hook is ignored. Without it no event is built and no extra clock is read.
   * `logEvents(logger)` turns events into structured log lines.
   */
  readonly onEvent?: (event: VerifierEvent) => void
  /**
   * Development log, off by default: `true` writes to `console.warn`, a function receives each line.
   * For every refused token it says why in terms of the configuration ("this verifier trusts
   * issuer https://X; the token's issuer differs"), never with the token's values. Leave it off in
   * production: a flood of bad tokens becomes a flood of lines.
   */
  readonly devLog?: boolean | ((line: string) => void)
  /** A clock in milliseconds, for tests. Default `Date.now`. */
  readonly now?: () => number
  /** Maps verified claims to a normalised user. Providers supply one. (Method syntax: see `isRevoked`.) */
  toUser?(this: void, verified: VerifiedToken<TClaims>): User<TClaims>
  /** Names the provider in users and logs. Default `'jwt'`. */
  readonly provider?: string
}

/** The outcome of a successful verification. */
export interface VerifiedToken<TClaims extends JwtClaims = JwtClaims> {
  /** The compact JWS as presented. Never log it. */
  readonly token: string
  readonly header: JwtHeader
  readonly claims: TClaims
  /** The configured issuer that matched `iss`. */
  readonly issuer: string
  /** Scopes gathered from the configured scope claims. */
  readonly scopes: readonly string[]
  /** Groups gathered from the configured group claims. */
  readonly groups: readonly string[]
}

/**
 * A normalised user, the same shape for every provider. It is the `'user'` kind of the
 * principals cloudauth will grow (service and anonymous principals come later).
 */
export interface User<TClaims extends JwtClaims = JwtClaims> {
  readonly kind: 'user'
  readonly id: string
  readonly username?: string
  readonly email?: string
  readonly emailVerified?: boolean
  readonly name?: string
  readonly picture?: string
  readonly groups: readonly string[]
  readonly provider: string
  readonly claims: TClaims
}

/** Verifies tokens. Made by {@link createVerifier}; providers make one through it. */
export interface Verifier<TClaims extends JwtClaims = JwtClaims> {
  /**
   * Verifies a compact JWS and resolves to its claims, or rejects with an {@link AuthError}.
   * Anything else it rejects with is a bug (answered 500 by the bindings), never a token verdict.
   */
  verify(token: string): Promise<VerifiedToken<TClaims>>
  /** The normalised user of a verified token. */
  user(verified: VerifiedToken<TClaims>): User<TClaims>
  /** Fetches every issuer's key set now (for example at start-up). Resolves once all were tried. */
  warm(): Promise<void>
  /** The provider name. */
  readonly provider: string
  /** Marks the object as a verifier, so bindings can tell it from a provider. */
  readonly kind: 'verifier'
}

/** Re-exported for convenience in signatures. */
export type { AuthError }
