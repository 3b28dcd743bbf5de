import { AuthError, isAuthError } from '../errors/auth-error.js'
import { LruCache } from '../cache/token-cache.js'
import { JwksCache } from '../keys/jwks-cache.js'
import type { KeyEntry } from '../keys/key-set.js'
import { checkAudience, checkTimes, collect, deepFreeze } from '../internal/check-claims.js'
import { namesNestedJwt } from '../internal/nested-content-type.js'
import { parseToken } from '../internal/parse-token.js'
import { ProducedSlot } from '../internal/produced-slot.js'
import { backend } from '#crypto'
import type { Provider } from './provider.js'
import { userFromClaims } from './user-from-claims.js'
import { explainRejection } from './explain-rejection.js'
import { resolveOptions, type ResolvedIssuer } from './resolve-options.js'
import type {
  Algorithm,
  CheckContext,
  ClaimsCheck,
  JwtClaims,
  JwtHeader,
  User,
  VerifiedToken,
  Verifier,
  VerifierEvent,
  VerifierOptions,
} from './types.js'

// RFC 8725 §3.10 and RFC 7515 §4.1.2-§4.1.6: keys come only from the configured key set, never from the token.
const EMBEDDED_KEY_PARAMETERS = ['jku', 'jwk', 'x5u', 'x5c'] as const

/**
 * What one `verify` learned on its way, for its `token_*` event and the development log. Made only
 * when one of them is on, so a verifier without them allocates nothing per call for it. Only
 * configured values go in: the issuer the token matched, the kid of a key the issuer's set holds.
 */
interface Trace {
  issuer: string | undefined
  kid: string | undefined
  cached: boolean
}

interface CacheEntry<TClaims extends JwtClaims> {
  readonly result: VerifiedToken<TClaims>
  readonly expiresAtMs: number
  readonly jwks: JwksCache | undefined
  readonly key: KeyEntry | undefined
}

/**
 * The verified-token cache is indexed by the last {@link CACHE_KEY_CHARS} characters of a token,
 * inside its signature, where a signed token's characters are as good as random: a `Map` hashes
 * every character of a string key, and hashing a whole 900-character token that arrived in a new
 * request costs more than the rest of a cache hit. A hit still needs the whole token to be equal.
 * Two tokens sharing a tail only take each other's slot (a miss, then a fresh verification).
 */
const CACHE_KEY_CHARS = 32
const cacheKey = (token: string) =>
  token.length > CACHE_KEY_CHARS ? token.slice(-CACHE_KEY_CHARS) : token

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function'
}

function asClaimsError(error: unknown): AuthError {
  if (isAuthError(error)) return error
  return new AuthError('invalid_claims', 'the token failed a claims check', { cause: error })
}

function checkHeader(
  header: JwtHeader,
  issuer: ResolvedIssuer,
  typ: ReadonlySet<string | null> | undefined,
): Algorithm | 'none' {
  const alg = header.alg
  if (typeof alg !== 'string') throw new AuthError('malformed_token', 'the token header has no alg')
  if (issuer.unsigned && alg === 'none') return 'none'
  if (!issuer.algorithms.has(alg)) {
    throw new AuthError(
      'unsupported_algorithm',
      alg.toLowerCase() === 'none'
        ? 'unsigned tokens are not accepted'
        : 'the token algorithm is not allowed',
    )
  }
  for (const parameter of EMBEDDED_KEY_PARAMETERS) {
    if (parameter in header)
      throw new AuthError('invalid_header', `the ${parameter} header parameter is not accepted`)
  }
  // RFC 7515 §4.1.11: an extension we do not understand must be refused. We understand none.
  if ('crit' in header)
    throw new AuthError(
      'invalid_header',
      'the crit header parameter names extensions this verifier does not support',
    )
  // RFC 7797: an unencoded payload (b64) is never accepted.
  if ('b64' in header)
    throw new AuthError('invalid_header', 'the b64 header parameter is not accepted')
  // Nested JWTs (RFC 7519 §5.2 cty "JWT", in any spelling of the media type) are not unwrapped:
  // the outer claims would be ignored. A cty that is not a string names no media type at all.
  if (header.cty !== undefined) {
    if (typeof header.cty !== 'string')
      throw new AuthError('invalid_header', 'the cty header parameter is not a string')
    if (namesNestedJwt(header.cty))
      throw new AuthError('invalid_header', 'nested tokens (cty JWT) are not accepted')
  }
  if (typeof header.kid !== 'string' || header.kid === '')
    throw new AuthError('invalid_header', 'the token header has no kid')
  if (typ !== undefined) {
    const value = header.typ
    if (
      value === undefined
        ? !typ.has(null)
        : typeof value !== 'string' || !typ.has(value.toLowerCase())
    ) {
      throw new AuthError('invalid_header', 'the token type (typ) is not accepted')
    }
  }
  return alg as Algorithm
}

/**
 * Builds a {@link Verifier} for one or more issuers, from options or from a provider
 * (`cognito()`, `auth0()`, `firebase()`).
 *
 * A token is checked in this order: size, shape (RFC 7515 §7.1), `iss` against the configured
 * issuers (no network for an unknown one), header (`alg` allow-list, no embedded keys, no `crit`),
 * key by `kid` from the JWKS cache, signature, `exp`/`nbf`/`iat`, `aud`, `typ`, then the `validate`
 * hooks, `revalidate` and revocation. Verified tokens are cached until their `exp`; a cache hit runs
 * `revalidate` and `isRevoked` again, never `validate` (so rules that depend on `now` go in
 * `revalidate`). `onEvent` hears one `token_verified` or `token_rejected` per call; `devLog` says
 * why a token was refused in terms of the configuration.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuers: { issuer: 'https://issuer.example/', jwksUri: 'https://issuer.example/.well-known/jwks.json', audience: 'my-api' },
 * })
 * const { claims, scopes } = await verifier.verify(token)
 * ```
 * @throws ConfigError on any configuration mistake, naming the option
 * @returns a verifier whose `verify` rejects only with {@link AuthError}: `malformed_token`,
 *   `unsupported_algorithm`, `invalid_header`, `unknown_key`, `invalid_signature`, `token_expired`,
 *   `token_not_yet_valid`, `invalid_issuer`, `invalid_audience`, `invalid_claims`, `token_revoked`,
 *   `jwks_unavailable`, `revocation_unavailable` (the `isRevoked` hook failed), and whatever codes
 *   the `validate` hooks throw (`invalid_token_use`, ...). Any other exception is a bug, rethrown.
 */
export function createVerifier<TClaims extends JwtClaims = JwtClaims>(
  options: VerifierOptions<TClaims> | Provider<TClaims>,
): Verifier<TClaims> {
  const resolved = resolveOptions<TClaims>(options)
  const { issuers, clockTolerance, maxTokenAge, maxTokenBytes, typ, settings, now } = resolved
  const { validate, revalidate, isRevoked, toUser } = options
  const onEvent = options.onEvent
  const devLine =
    typeof options.devLog === 'function'
      ? options.devLog
      : options.devLog === true
        ? (line: string) => {
            console.warn(line)
          }
        : undefined
  // For the development log: why each issuer's last key set fetch failed (our own messages).
  const keyFailures = devLine === undefined ? undefined : new Map<string, string>()
  const emit = (event: VerifierEvent) => {
    if (keyFailures !== undefined) {
      if (event.type === 'jwks_refresh_failed') keyFailures.set(event.issuer, event.reason)
      else if (event.type === 'jwks_fetched') keyFailures.delete(event.issuer)
    }
    if (onEvent === undefined) return
    try {
      onEvent(event)
    } catch {
      // A failing event hook must not turn into a failed verification.
    }
  }

  const caches = new Map<string, JwksCache>()
  for (const issuer of issuers.values()) {
    if (issuer.keys === undefined) continue
    caches.set(
      issuer.issuer,
      new JwksCache(issuer.keys, {
        issuer: issuer.issuer,
        algorithms: issuer.algorithmList,
        settings,
        fetch: resolved.fetch,
        now,
        emit,
      }),
    )
  }
  const cache =
    resolved.cacheEntries > 0
      ? new LruCache<string, CacheEntry<TClaims>>(resolved.cacheEntries)
      : undefined

  // The issuer's own checks (a provider's: token_use, client) come first, then the app's, then the
  // app's per-verify check (which cache hits run alone). A sync hook stays sync: no promise per
  // request unless a hook returns one.
  const checks = (issuer: ResolvedIssuer): readonly ClaimsCheck[] =>
    [issuer.validate, validate, revalidate].filter((check) => check !== undefined)
  const onEveryHit: readonly ClaimsCheck[] = revalidate === undefined ? [] : [revalidate]
  const checksByIssuer = new Map([...issuers.values()].map((issuer) => [issuer, checks(issuer)]))

  function runChecks(
    list: readonly ClaimsCheck[],
    claims: JwtClaims,
    header: JwtHeader,
    issuer: ResolvedIssuer,
    nowSeconds: number,
  ): void | Promise<void> {
    const context: CheckContext = { issuer: issuer.issuer, now: nowSeconds, clockTolerance }
    let index = 0
    for (const check of list) {
      index++
      let pending: unknown
      try {
        pending = check(claims, header, context)
      } catch (error) {
        throw asClaimsError(error)
      }
      if (isThenable(pending))
        return finishChecks(pending, list.slice(index), claims, header, context)
    }
    return undefined
  }

  async function finishChecks(
    pending: PromiseLike<unknown>,
    rest: readonly ClaimsCheck[],
    claims: JwtClaims,
    header: JwtHeader,
    context: CheckContext,
  ): Promise<void> {
    try {
      await pending
      for (const check of rest) await check(claims, header, context)
    } catch (error) {
      throw asClaimsError(error)
    }
  }

  async function revoked(result: VerifiedToken<TClaims>): Promise<void> {
    if (isRevoked === undefined) return
    let answer: boolean
    try {
      answer = await isRevoked(result)
    } catch (error) {
      // The revocation store is down: we cannot say the token is good. Fail closed, as an outage.
      if (isAuthError(error)) throw error
      throw new AuthError('revocation_unavailable', 'the revocation check is unavailable', {
        cause: error,
        retryAfter: settings.retryAfterSeconds,
      })
    }
    if (answer) throw new AuthError('token_revoked', 'the token has been revoked')
  }

  async function verifyFresh(
    token: string,
    nowMs: number,
    trace: Trace | undefined,
    index: string,
  ): Promise<VerifiedToken<TClaims>> {
    const { header, claims, signingInput, signature } = parseToken(token)
    const iss = claims.iss
    const issuer = typeof iss === 'string' ? issuers.get(iss) : undefined
    if (issuer === undefined)
      throw new AuthError('invalid_issuer', 'the token issuer (iss) is not trusted')
    if (trace !== undefined) trace.issuer = issuer.issuer
    const alg = checkHeader(header, issuer, typ)

    let jwks: JwksCache | undefined
    let key: KeyEntry | undefined
    if (alg === 'none') {
      if (signature.length !== 0)
        throw new AuthError('invalid_signature', 'an unsigned token must have an empty signature')
    } else {
      jwks = caches.get(issuer.issuer)
      if (jwks === undefined)
        throw new AuthError('unknown_key', 'no key set is configured for this issuer')
      const found = jwks.getKey(header.kid as string)
      key = found instanceof Promise ? await found : found
      if (trace !== undefined) trace.kid = key.kid
      // RFC 8725 §3.1: the key's own alg, when it states one, must be the token's.
      if (key.alg !== undefined && key.alg !== alg)
        throw new AuthError('unsupported_algorithm', 'the token algorithm does not match its key')
      const imported = key.imported.get(alg)
      if (imported === undefined)
        throw new AuthError('unsupported_algorithm', 'the token algorithm does not suit its key')
      const ok = backend.verify(alg, imported, signingInput, signature)
      if (!(ok instanceof Promise ? await ok : ok))
        throw new AuthError('invalid_signature', 'the token signature is invalid')
    }

    const nowSeconds = nowMs / 1000
    const validUntil = checkTimes(claims, nowSeconds, clockTolerance, maxTokenAge)
    if (issuer.audience !== null) checkAudience(claims, issuer.audience)
    if (claims.sub !== undefined && typeof claims.sub !== 'string')
      throw new AuthError('invalid_claims', 'the sub claim is not a string')
    const list = checksByIssuer.get(issuer) ?? checks(issuer)
    if (list.length > 0) {
      const pending = runChecks(list, claims, header, issuer, nowSeconds)
      if (pending !== undefined) await pending
    }

    // The slot lets a binding's pipeline mark the result as one it handed out (ProducedSlot).
    const result: VerifiedToken<TClaims> = Object.freeze(
      ProducedSlot.add({
        token,
        header: deepFreeze(header),
        claims: deepFreeze(claims) as TClaims,
        issuer: issuer.issuer,
        scopes: Object.freeze(collect(claims, issuer.scopeClaims)),
        groups: Object.freeze(collect(claims, issuer.groupClaims)),
      }),
    )
    // An entry never outlives exp (no tolerance added), nor its key: see the hit check below.
    if (cache !== undefined && alg !== 'none')
      cache.set(index, { result, expiresAtMs: validUntil * 1000, jwks, key })
    return result
  }

  // No catch-all: an exception that is not an AuthError is a bug in core, not a verdict on the
  // token. It stays an exception, so the binding's framework answers 500 and logs it; calling it a
  // malformed token would hide the bug behind a 401 and blame the client. The app's hooks are
  // mapped where they run (validate: invalid_claims, isRevoked: revocation_unavailable).
  async function verifyToken(
    token: string,
    trace: Trace | undefined,
  ): Promise<VerifiedToken<TClaims>> {
    if (typeof token !== 'string' || token === '')
      throw new AuthError('malformed_token', 'the token is empty')
    if (token.length > maxTokenBytes)
      throw new AuthError('malformed_token', `the token is longer than ${maxTokenBytes} bytes`)
    const nowMs = now()
    // Computed once: the miss path stores the result under it.
    const index = cache === undefined ? '' : cacheKey(token)
    if (cache !== undefined) {
      const hit = cache.get(index)
      // A hit is the whole token, character for character: the index is only its tail.
      if (hit !== undefined && hit.result.token === token) {
        // Served only while unexpired and while its key is still the one the issuer publishes.
        if (
          nowMs < hit.expiresAtMs &&
          hit.jwks?.peek(hit.result.header.kid as string, nowMs) === hit.key
        ) {
          if (trace !== undefined) {
            trace.cached = true
            trace.issuer = hit.result.issuer
            trace.kid = hit.key?.kid
          }
          if (onEveryHit.length > 0) {
            const issuer = issuers.get(hit.result.issuer) as ResolvedIssuer
            const { claims, header } = hit.result
            const pending = runChecks(onEveryHit, claims, header, issuer, nowMs / 1000)
            if (pending !== undefined) await pending
          }
          if (isRevoked !== undefined) await revoked(hit.result)
          return hit.result
        }
        cache.delete(index)
      }
    }
    const result = await verifyFresh(token, nowMs, trace, index)
    if (isRevoked !== undefined) await revoked(result)
    return result
  }

  // Events and the development log wrap the verification; without them `verify` is the bare
  // verification: no trace, no event object, no extra clock read.
  const verify =
    onEvent === undefined && devLine === undefined
      ? (token: string) => verifyToken(token, undefined)
      : observedVerify

  async function observedVerify(token: string): Promise<VerifiedToken<TClaims>> {
    const trace: Trace = { issuer: undefined, kid: undefined, cached: false }
    const start = onEvent === undefined ? 0 : performance.now()
    try {
      const result = await verifyToken(token, trace)
      if (onEvent !== undefined) {
        emit({
          type: 'token_verified',
          issuer: result.issuer,
          kid: trace.kid,
          durationMs: performance.now() - start,
          cached: trace.cached,
        })
      }
      return result
    } catch (error) {
      // Not an AuthError: a bug in core, passed on untouched (no event: it is no verdict).
      if (!isAuthError(error)) throw error
      const refused = error
      if (onEvent !== undefined) {
        emit({
          type: 'token_rejected',
          code: refused.code,
          issuer: trace.issuer,
          kid: trace.kid,
          durationMs: performance.now() - start,
          cached: trace.cached,
        })
      }
      if (devLine !== undefined) {
        try {
          devLine(
            explainRejection(refused, {
              issuers,
              matched: trace.issuer,
              cached: trace.cached,
              clockTolerance,
              maxTokenAge,
              typ,
              keyFailure: trace.issuer === undefined ? undefined : keyFailures?.get(trace.issuer),
            }),
          )
        } catch {
          // A failing log must not change the verdict.
        }
      }
      throw error
    }
  }

  const provider = resolved.provider
  function user(verified: VerifiedToken<TClaims>): User<TClaims> {
    // Without a provider's mapping, the OIDC standard claims (OpenID Connect Core §5.1).
    return toUser === undefined ? userFromClaims(verified, { provider }) : toUser(verified)
  }

  return Object.freeze({
    kind: 'verifier' as const,
    provider,
    verify,
    user,
    async warm() {
      await Promise.all([...caches.values()].map((jwks) => jwks.warm()))
    },
  })
}
