import { AuthError } from '../errors/auth-error.js'
import { readCapped } from '../binding/read-capped.js'
import type { Algorithm, JsonWebKeySet, KeySetFormat, VerifierEvent } from '../verify/types.js'
import { backend } from '#crypto'
import { parseKeySet, type KeyEntry, type ParsedKeySet } from './key-set.js'

/** Resolved JWKS cache settings (every option filled in). */
export interface JwksSettings {
  readonly timeoutMs: number
  readonly cooldownMs: number
  readonly defaultMaxAgeMs: number
  readonly minMaxAgeMs: number
  readonly maxMaxAgeMs: number
  readonly staleIfErrorMs: number
  readonly errorBackoffMs: number
  readonly retryAfterSeconds: number
  readonly maxBytes: number
}

/** Where a cache gets its keys: a URL, or a fixed set. */
export type KeySource =
  { readonly uri: string; readonly format: KeySetFormat } | { readonly jwks: JsonWebKeySet }

/** What a cache needs from its verifier. */
export interface JwksContext {
  readonly issuer: string
  readonly algorithms: readonly Algorithm[]
  readonly settings: JwksSettings
  readonly fetch: typeof fetch
  readonly now: () => number
  readonly emit: (event: VerifierEvent) => void
}

const MAX_AGE = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i
const NO_CACHE = /(?:^|,)\s*(?:no-cache|no-store)\s*(?:,|$)/i

/**
 * The keys of one issuer (RFC 7517 §5), fetched once and shared by every caller.
 *
 * - Single flight: concurrent callers share one fetch.
 * - Freshness from `Cache-Control: max-age` (RFC 9111 §5.2.2.1), clamped to [minMaxAgeMs, maxMaxAgeMs];
 *   `defaultMaxAgeMs` without one. Past freshness the held keys keep serving while one refresh runs.
 * - An unknown `kid` refetches at most once per `cooldownMs`; a flood of random kids costs one request.
 * - A failed refresh keeps the held keys for `staleIfErrorMs` past their freshness (stale-if-error,
 *   RFC 5861 §4) and says so through events; retries wait `errorBackoffMs`.
 * - No keys and none to be had: `jwks_unavailable` (503), never a 401.
 */
export class JwksCache {
  private readonly context: JwksContext
  private readonly source: KeySource
  private keys: ReadonlyMap<string, KeyEntry> = new Map()
  private loaded = false
  private freshUntil = 0
  private usableUntil = 0
  private lastUnknownKidFetch = Number.NEGATIVE_INFINITY
  private lastFailure = Number.NEGATIVE_INFINITY
  private failing = false
  private staleAnnounced = false
  private inflight: Promise<void> | undefined

  constructor(source: KeySource, context: JwksContext) {
    this.source = source
    this.context = context
  }

  /**
   * The key for `kid` if held and usable at `now` (the caller's clock reading, ms), without waiting:
   * the cache-hit check. Past freshness it starts a background refresh, as `getKey` does: otherwise
   * a token served only from the verified-token cache would never refresh the set, and a key
   * rotated out would keep verifying.
   */
  peek(kid: string, now: number): KeyEntry | undefined {
    if (!this.loaded || now >= this.usableUntil) return undefined
    if (now >= this.freshUntil) this.refreshInBackground(now)
    return this.keys.get(kid)
  }

  /**
   * The key for `kid`, fetching the key set when needed.
   *
   * @throws AuthError `unknown_key` when the set, fresh, does not hold `kid`
   * @throws AuthError `jwks_unavailable` when no usable keys are held and none can be fetched
   */
  getKey(kid: string): KeyEntry | Promise<KeyEntry> {
    const now = this.context.now()
    if (this.loaded && now < this.usableUntil) {
      if (now >= this.freshUntil) this.refreshInBackground(now)
      const key = this.keys.get(kid)
      if (key !== undefined) {
        if (this.failing && !this.staleAnnounced) {
          // Once per failed refresh, not per request: the hook is for operators, not a log flood.
          this.staleAnnounced = true
          this.context.emit({
            type: 'stale_keys_served',
            issuer: this.context.issuer,
            staleForMs: now - this.freshUntil,
          })
        }
        return key
      }
      return this.afterRefetchForUnknownKid(kid, now)
    }
    return this.load(now).then(() => {
      const key = this.keys.get(kid)
      if (key === undefined) throw unknownKey()
      return key
    })
  }

  /** Fetches the key set now unless one is held and fresh. Never throws. */
  async warm(): Promise<void> {
    const now = this.context.now()
    if (this.loaded && now < this.freshUntil) return
    await this.refresh().catch(() => undefined)
  }

  private async afterRefetchForUnknownKid(kid: string, now: number): Promise<KeyEntry> {
    // A rotation adds a kid before tokens signed with it appear; one refetch per cooldown finds it.
    if (
      this.inflight === undefined &&
      now - this.lastUnknownKidFetch >= this.context.settings.cooldownMs &&
      !this.inErrorBackoff(now)
    ) {
      this.lastUnknownKidFetch = now
      void this.refresh().catch(() => undefined)
    }
    if (this.inflight !== undefined) await this.inflight.catch(() => undefined)
    const key = this.keys.get(kid)
    // While the set cannot be refreshed, a new kid may be a rotation we cannot see: an outage of the
    // IdP, not a bad token (a 401 would log the client out).
    if (key === undefined) throw this.failing ? this.unavailable() : unknownKey()
    return key
  }

  private async load(now: number): Promise<void> {
    if (this.inflight === undefined && this.inErrorBackoff(now)) throw this.unavailable()
    try {
      await this.refresh()
    } catch {
      // A concurrent refresh may have failed while keys were still usable; recheck.
      if (!(this.loaded && this.context.now() < this.usableUntil)) throw this.unavailable()
    }
    if (!(this.loaded && this.context.now() < this.usableUntil)) throw this.unavailable()
  }

  private refreshInBackground(now: number): void {
    if (this.inflight !== undefined || this.inErrorBackoff(now)) return
    void this.refresh().catch(() => undefined)
  }

  private inErrorBackoff(now: number): boolean {
    return now - this.lastFailure < this.context.settings.errorBackoffMs
  }

  private unavailable(): AuthError {
    return new AuthError(
      'jwks_unavailable',
      'the signing keys of the token issuer cannot be fetched',
      {
        retryAfter: this.context.settings.retryAfterSeconds,
      },
    )
  }

  /** Single flight: every caller during a fetch shares it. */
  private refresh(): Promise<void> {
    this.inflight ??= this.fetchAndStore().finally(() => {
      this.inflight = undefined
    })
    return this.inflight
  }

  private async fetchAndStore(): Promise<void> {
    const { settings, issuer } = this.context
    try {
      const { parsed, maxAgeMs } = await this.fetchKeySet()
      const keys = await this.importAll(parsed)
      const now = this.context.now()
      this.keys = keys
      this.loaded = true
      this.failing = false
      this.freshUntil = now + maxAgeMs
      this.usableUntil = this.freshUntil + settings.staleIfErrorMs
      this.context.emit({ type: 'jwks_fetched', issuer, keys: keys.size, maxAgeMs })
    } catch (error) {
      this.lastFailure = this.context.now()
      this.failing = true
      this.staleAnnounced = false
      const reason = error instanceof Error ? error.message : 'unknown error'
      this.context.emit({ type: 'jwks_refresh_failed', issuer, reason, error })
      throw error
    }
  }

  /** Imports each key for the algorithms it may serve; a key that fails is skipped. */
  private async importAll(parsed: ParsedKeySet): Promise<ReadonlyMap<string, KeyEntry>> {
    const { issuer, algorithms } = this.context
    for (const skip of parsed.skipped) {
      this.context.emit({ type: 'jwks_key_skipped', issuer, kid: skip.kid, reason: skip.reason })
    }
    const usable = new Map<string, KeyEntry>()
    for (const entry of parsed.keys.values()) {
      // A key the issuer still publishes unchanged keeps its entry: no re-import, and tokens in the
      // verified-token cache (which remember their key entry) stay valid across refreshes.
      const held = this.keys.get(entry.kid)
      if (held !== undefined && sameMaterial(held, entry)) {
        usable.set(entry.kid, held)
        continue
      }
      const candidates =
        entry.alg === undefined ? algorithms : algorithms.filter((alg) => alg === entry.alg)
      if (entry.alg !== undefined && candidates.length === 0) {
        this.context.emit({
          type: 'jwks_key_skipped',
          issuer,
          kid: entry.kid,
          reason: 'alg not allowed',
        })
        continue
      }
      for (const alg of candidates) {
        try {
          entry.imported.set(alg, await backend.importKey(entry.material, alg))
        } catch {
          // Not this algorithm's kind of key (an EC key for RS256, say): the token's alg decides later.
        }
      }
      if (entry.imported.size === 0) {
        this.context.emit({
          type: 'jwks_key_skipped',
          issuer,
          kid: entry.kid,
          reason: 'cannot be imported for any allowed alg',
        })
        continue
      }
      usable.set(entry.kid, entry)
    }
    if (usable.size === 0) throw new Error('the key set holds no usable key')
    return usable
  }

  private async fetchKeySet(): Promise<{ parsed: ParsedKeySet; maxAgeMs: number }> {
    const { settings } = this.context
    if ('jwks' in this.source) {
      return {
        parsed: parseKeySet(this.source.jwks, 'jwks'),
        maxAgeMs: Number.MAX_SAFE_INTEGER / 4,
      }
    }
    const controller = new AbortController()
    const timer = setTimeout(() => {
      controller.abort(new Error(`the key set fetch timed out after ${settings.timeoutMs} ms`))
    }, settings.timeoutMs)
    // The timeout covers the body too: an endpoint that sends headers and then stalls, through a
    // fetch that does not tie the signal to the body, must not hold the single flight forever.
    const timedOut = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), {
        once: true,
      })
    })
    timedOut.catch(() => undefined)
    try {
      const response = await Promise.race([
        this.context.fetch(this.source.uri, {
          headers: { accept: 'application/json' },
          // Never follow a redirect: an https key set URL answering 302 to http://elsewhere would
          // hand the verifier keys anyone on that path could choose (as jose's remote key sets do).
          redirect: 'manual',
          signal: controller.signal,
        }),
        timedOut,
      ])
      const refusal = redirectRefusal(response)
      if (refusal !== undefined) {
        void response.body?.cancel().catch(() => undefined)
        throw new Error(refusal)
      }
      if (response.status !== 200) {
        void response.body?.cancel().catch(() => undefined)
        throw new Error(`the key set endpoint answered HTTP ${response.status}`)
      }
      const length = Number(response.headers.get('content-length') ?? '0')
      if (length > settings.maxBytes) {
        controller.abort(new Error('the key set is too large'))
        throw new Error('the key set is too large')
      }
      const text = await Promise.race([
        readLimited(response, settings.maxBytes, controller),
        timedOut,
      ])
      let document: unknown
      try {
        document = JSON.parse(text)
      } catch {
        throw new Error('the key set is not valid JSON')
      }
      return {
        parsed: parseKeySet(document, this.source.format),
        maxAgeMs: this.maxAge(response.headers.get('cache-control')),
      }
    } finally {
      clearTimeout(timer)
    }
  }

  private maxAge(cacheControl: string | null): number {
    const { defaultMaxAgeMs, minMaxAgeMs, maxMaxAgeMs } = this.context.settings
    if (cacheControl === null) return defaultMaxAgeMs
    if (NO_CACHE.test(cacheControl)) return minMaxAgeMs
    const match = MAX_AGE.exec(cacheControl)
    if (match === null) return defaultMaxAgeMs
    return Math.min(maxMaxAgeMs, Math.max(minMaxAgeMs, Number(match[1]) * 1000))
  }
}

function sameMaterial(a: KeyEntry, b: KeyEntry): boolean {
  return a.alg === b.alg && JSON.stringify(a.material) === JSON.stringify(b.material)
}

function unknownKey(): AuthError {
  return new AuthError('unknown_key', 'the token is signed with a key the issuer does not publish')
}

/**
 * Why a key set response is a redirect the verifier refuses, or `undefined`. A fetch given
 * `redirect: 'manual'` answers a 3xx as is (Node) or as an opaque redirect (status 0, browsers);
 * an injected `fetch` that ignores the option shows `redirected`. Every one is a failed fetch.
 */
function redirectRefusal(response: Response): string | undefined {
  if (response.type === 'opaqueredirect')
    return 'the key set endpoint answered a redirect, which is never followed'
  if (response.status >= 300 && response.status < 400)
    return `the key set endpoint answered a redirect (HTTP ${response.status}), which is never followed`
  if (response.redirected) return 'the key set fetch was redirected, which is never accepted'
  return undefined
}

/**
 * The body as UTF-8 text, counting bytes as they arrive: past `maxBytes` the read stops and the
 * fetch is aborted, so a body without Content-Length (chunked) never buffers more than `maxBytes`
 * plus one chunk.
 *
 * @throws Error `the key set is too large`
 */
async function readLimited(
  response: Response,
  maxBytes: number,
  controller: AbortController,
): Promise<string> {
  const body = response.body as ReadableStream<Uint8Array> | null | undefined
  if (typeof body?.getReader !== 'function') {
    // An injected fetch whose Response has no web stream body (node-fetch's is a Node stream):
    // it buffers the body itself, so the check can only come after.
    const text = await response.text()
    if (new TextEncoder().encode(text).byteLength > maxBytes)
      throw new Error('the key set is too large')
    return text
  }
  const bytes = await readCapped(body, maxBytes, () => {
    const tooLarge = new Error('the key set is too large')
    controller.abort(tooLarge)
    return tooLarge
  })
  return new TextDecoder().decode(bytes)
}
