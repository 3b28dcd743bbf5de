import { insecureUrlProblem } from '../config/insecure-url-problem.js'
import { ConfigError } from '../errors/config-error.js'
import type { JwksSettings } from '../keys/jwks-cache.js'
import { staticKeySet } from '../keys/key-set.js'
import type {
  Algorithm,
  ClaimsCheck,
  IssuerOptions,
  JsonWebKeySet,
  JwtClaims,
  KeySetFormat,
  VerifierOptions,
} from './types.js'

export const SUPPORTED_ALGORITHMS: readonly Algorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]
const SUPPORTED = new Set<string>(SUPPORTED_ALGORITHMS)

// Frozen all the way down: DEFAULTS is exported, and an assignment such as
// `DEFAULTS.clockTolerance = 86400` must not widen every verifier built afterwards.
function deepFreeze<T extends object>(value: T): T {
  for (const member of Object.values(value)) {
    if (typeof member === 'object' && member !== null) deepFreeze(member as object)
  }
  return Object.freeze(value)
}

/** Defaults, documented in the core README. Frozen, nested objects too. */
export const DEFAULTS = deepFreeze({
  algorithms: ['RS256'] as readonly Algorithm[],
  clockTolerance: 5,
  maxTokenBytes: 8192,
  scopeClaims: ['scope'] as readonly string[],
  groupClaims: [] as readonly string[],
  cacheEntries: 10_000,
  jwks: {
    timeoutMs: 5_000,
    cooldownMs: 30_000,
    defaultMaxAgeMs: 600_000,
    minMaxAgeMs: 60_000,
    maxMaxAgeMs: 86_400_000,
    staleIfErrorMs: 86_400_000,
    errorBackoffMs: 5_000,
    retryAfterSeconds: 30,
    maxBytes: 512 * 1024,
  } satisfies JwksSettings,
} as const)

/** One issuer with every option resolved. */
export interface ResolvedIssuer {
  readonly issuer: string
  readonly keys:
    | { readonly uri: string; readonly format: KeySetFormat }
    | { readonly jwks: JsonWebKeySet }
    | undefined
  readonly audience: ReadonlySet<string> | null
  readonly algorithms: ReadonlySet<string>
  readonly algorithmList: readonly Algorithm[]
  readonly scopeClaims: readonly string[]
  readonly groupClaims: readonly string[]
  readonly validate: ClaimsCheck | undefined
  readonly unsigned: boolean
}

/** `Array.isArray` that keeps element types unknown instead of `any`. */
function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value)
}

function checkAlgorithms(option: string, algorithms: readonly string[]): readonly Algorithm[] {
  if (!isList(algorithms) || algorithms.length === 0) {
    throw new ConfigError(option, 'must list at least one algorithm')
  }
  for (const alg of algorithms) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
      throw new ConfigError(option, '"none" is never accepted (RFC 8725 §3.1)')
    }
    if (typeof alg === 'string' && /^HS\d+$/i.test(alg)) {
      throw new ConfigError(
        option,
        `${alg} is refused: HMAC with a public key set invites key confusion (RFC 8725 §3.2)`,
      )
    }
    if (typeof alg !== 'string' || !SUPPORTED.has(alg))
      throw new ConfigError(option, `unsupported algorithm ${JSON.stringify(alg)}`)
  }
  return [...new Set(algorithms as readonly Algorithm[])]
}

function checkClaimList(option: string, list: readonly string[]): readonly string[] {
  if (!isList(list) || list.some((claim) => typeof claim !== 'string' || claim === '')) {
    throw new ConfigError(option, 'must be a list of claim names')
  }
  return list
}

function checkJwksUri(option: string, uri: string): string {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    throw new ConfigError(option, 'must be an absolute URL')
  }
  const problem = insecureUrlProblem(url)
  if (problem !== undefined) throw new ConfigError(option, problem)
  return url.href
}

// A fixed key set is configuration: a mistake in it must fail at construction, not as a 503 per request.
function checkJwks(option: string, jwks: JsonWebKeySet): JsonWebKeySet {
  try {
    staticKeySet(jwks)
  } catch (error) {
    throw new ConfigError(option, error instanceof Error ? error.message : 'is not a key set')
  }
  return jwks
}

function checkAudience(
  option: string,
  audience: IssuerOptions['audience'] | undefined,
): ReadonlySet<string> | null {
  if (audience === undefined) {
    throw new ConfigError(
      option,
      'is required; pass null to switch the audience check off explicitly',
    )
  }
  if (audience === null) return null
  const list = typeof audience === 'string' ? [audience] : audience
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.some((aud) => typeof aud !== 'string' || aud === '')
  ) {
    throw new ConfigError(option, 'must be a non-empty string or list of non-empty strings')
  }
  return new Set(list)
}

function positive(
  option: string,
  value: number | undefined,
  fallback: number,
  allowZero = false,
): number {
  if (value === undefined) return fallback
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  ) {
    throw new ConfigError(option, `must be a ${allowZero ? 'non-negative' : 'positive'} number`)
  }
  return value
}

/** Checks every option once, at construction, and fills in defaults. */
export function resolveOptions<TClaims extends JwtClaims>(options: VerifierOptions<TClaims>) {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', 'must be an object')
  const algorithms = checkAlgorithms('algorithms', options.algorithms ?? DEFAULTS.algorithms)
  const scopeClaims = checkClaimList('scopeClaims', options.scopeClaims ?? DEFAULTS.scopeClaims)
  const groupClaims = checkClaimList('groupClaims', options.groupClaims ?? DEFAULTS.groupClaims)
  const list = Array.isArray(options.issuers)
    ? options.issuers
    : options.issuers === undefined
      ? []
      : [options.issuers]
  if (list.length === 0) throw new ConfigError('issuers', 'must name at least one issuer')

  const issuers = new Map<string, ResolvedIssuer>()
  list.forEach((item: IssuerOptions, index) => {
    const at = `issuers[${index}]`
    if (typeof item !== 'object' || item === null) throw new ConfigError(at, 'must be an object')
    if (typeof item.issuer !== 'string' || item.issuer === '')
      throw new ConfigError(`${at}.issuer`, 'must be a non-empty string')
    if (issuers.has(item.issuer)) throw new ConfigError(`${at}.issuer`, 'is listed twice')
    const unsigned = item.unsafeUnsigned !== undefined
    if (unsigned && item.unsafeUnsigned !== 'emulator') {
      throw new ConfigError(
        `${at}.unsafeUnsigned`,
        'only the literal "emulator" turns unsigned tokens on',
      )
    }
    if (item.jwksUri !== undefined && item.jwks !== undefined) {
      throw new ConfigError(`${at}.jwksUri`, 'give either jwksUri or jwks, not both')
    }
    if (!unsigned && item.jwksUri === undefined && item.jwks === undefined) {
      throw new ConfigError(`${at}.jwksUri`, 'one of jwksUri or jwks is required')
    }
    const format = item.keySetFormat ?? 'jwks'
    if (format !== 'jwks' && format !== 'x509')
      throw new ConfigError(`${at}.keySetFormat`, 'must be "jwks" or "x509"')
    const issuerAlgorithms =
      item.algorithms === undefined
        ? algorithms
        : checkAlgorithms(`${at}.algorithms`, item.algorithms)
    if (item.validate !== undefined && typeof item.validate !== 'function') {
      throw new ConfigError(`${at}.validate`, 'must be a function')
    }
    issuers.set(item.issuer, {
      issuer: item.issuer,
      keys:
        item.jwksUri !== undefined
          ? { uri: checkJwksUri(`${at}.jwksUri`, item.jwksUri), format }
          : item.jwks !== undefined
            ? { jwks: checkJwks(`${at}.jwks`, item.jwks) }
            : undefined,
      audience: checkAudience(`${at}.audience`, item.audience),
      algorithms: new Set(issuerAlgorithms),
      algorithmList: issuerAlgorithms,
      scopeClaims:
        item.scopeClaims === undefined
          ? scopeClaims
          : checkClaimList(`${at}.scopeClaims`, item.scopeClaims),
      groupClaims:
        item.groupClaims === undefined
          ? groupClaims
          : checkClaimList(`${at}.groupClaims`, item.groupClaims),
      validate: item.validate,
      unsigned,
    })
  })

  const jwks = options.jwks ?? {}
  const settings: JwksSettings = {
    timeoutMs: positive('jwks.timeoutMs', jwks.timeoutMs, DEFAULTS.jwks.timeoutMs),
    cooldownMs: positive('jwks.cooldownMs', jwks.cooldownMs, DEFAULTS.jwks.cooldownMs, true),
    defaultMaxAgeMs: positive(
      'jwks.defaultMaxAgeMs',
      jwks.defaultMaxAgeMs,
      DEFAULTS.jwks.defaultMaxAgeMs,
    ),
    minMaxAgeMs: positive('jwks.minMaxAgeMs', jwks.minMaxAgeMs, DEFAULTS.jwks.minMaxAgeMs, true),
    maxMaxAgeMs: positive('jwks.maxMaxAgeMs', jwks.maxMaxAgeMs, DEFAULTS.jwks.maxMaxAgeMs),
    staleIfErrorMs: positive(
      'jwks.staleIfErrorMs',
      jwks.staleIfErrorMs,
      DEFAULTS.jwks.staleIfErrorMs,
      true,
    ),
    errorBackoffMs: positive(
      'jwks.errorBackoffMs',
      jwks.errorBackoffMs,
      DEFAULTS.jwks.errorBackoffMs,
      true,
    ),
    retryAfterSeconds: Math.ceil(
      positive('jwks.retryAfterSeconds', jwks.retryAfterSeconds, DEFAULTS.jwks.retryAfterSeconds),
    ),
    maxBytes: positive('jwks.maxBytes', jwks.maxBytes, DEFAULTS.jwks.maxBytes),
  }
  if (settings.minMaxAgeMs > settings.maxMaxAgeMs)
    throw new ConfigError('jwks.minMaxAgeMs', 'must not exceed jwks.maxMaxAgeMs')

  const typ = options.typ
  if (typ !== undefined && (!isList(typ) || typ.some((t) => t !== null && typeof t !== 'string'))) {
    throw new ConfigError('typ', 'must be a list of strings (or null for "no typ")')
  }
  const cache = options.cache
  let cacheEntries = 0
  if (cache !== false) {
    cacheEntries = positive('cache.maxEntries', cache?.maxEntries, DEFAULTS.cacheEntries)
    if (!Number.isInteger(cacheEntries))
      throw new ConfigError('cache.maxEntries', 'must be an integer')
  }
  const devLog = options.devLog
  if (devLog !== undefined && typeof devLog !== 'boolean' && typeof devLog !== 'function')
    throw new ConfigError('devLog', 'must be true, false or a function that takes a line')
  for (const hook of [
    'validate',
    'revalidate',
    'isRevoked',
    'onEvent',
    'toUser',
    'now',
    'fetch',
  ] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function')
      throw new ConfigError(hook, 'must be a function')
  }
  // Without an injected fetch, look globalThis.fetch up at call time: a verifier built before a
  // test's msw server (or an app's instrumentation) patches fetch must still go through the patch.
  const fetchImpl: typeof fetch =
    options.fetch ?? ((input, init) => globalThis.fetch(input, { ...init, redirect: 'manual' }))
  if (options.fetch === undefined && typeof globalThis.fetch !== 'function')
    throw new ConfigError('fetch', 'no fetch is available; pass one')

  return {
    issuers,
    clockTolerance: positive(
      'clockTolerance',
      options.clockTolerance,
      DEFAULTS.clockTolerance,
      true,
    ),
    maxTokenBytes: positive('maxTokenBytes', options.maxTokenBytes, DEFAULTS.maxTokenBytes),
    maxTokenAge:
      options.maxTokenAge === undefined
        ? undefined
        : positive('maxTokenAge', options.maxTokenAge, 0),
    typ:
      typ === undefined
        ? undefined
        : new Set(typ.map((t) => (t === null ? null : t.toLowerCase()))),
    settings,
    cacheEntries,
    fetch: fetchImpl,
    // Looked up on each call, not captured: fake timers installed after construction must apply.
    now: options.now ?? (() => Date.now()),
    provider: options.provider ?? 'jwt',
  }
}
