/**
 * Test helpers for core's suite: keys and tokens minted at run time with jose and node:crypto,
 * a counting `fetch` stub that plays a JWKS endpoint, and a leak check that every error and event
 * seen in a file is free of tokens, secrets and token-supplied values.
 *
 * Everything goes through the public API of `@cloudauth/core`, so the same tests run against both
 * signature backends (node:crypto and WebCrypto).
 */
import { Buffer } from 'node:buffer'
import { constants, createHmac, KeyObject, randomUUID, sign } from 'node:crypto'
import { exportJWK, exportSPKI, generateKeyPair } from 'jose'
import { expect } from 'vitest'
import {
  createVerifier,
  isAuthError,
  toErrorResponse,
  type AuthError,
  type AuthErrorCode,
  type JwtClaims,
  type PublicJwk,
  type Verifier,
  type VerifierEvent,
  type VerifierOptions,
} from '@cloudauth/core'

export const ISSUER = 'https://issuer.test/'
export const JWKS_URI = 'https://issuer.test/.well-known/jwks.json'
export const AUDIENCE = 'api'
/** Planted in token-supplied values (kid, iss, aud, claims): it must never reach an error or event. */
export const CANARY = 'CANARY7f3a'

/** A fixed instant (ms) for tests that drive time through the `now` option. */
export const T0 = Date.UTC(2030, 0, 1, 12, 0, 0)

export interface TestKey {
  readonly kid: string
  readonly alg: string
  readonly privateKey: KeyObject
  /** The public JWK as published, with `kid`, `use` and (unless switched off) `alg`. */
  readonly jwk: PublicJwk
  /** The public key as SPKI PEM text (what an attacker would use as an HMAC secret). */
  readonly pem: string
}

// --- leak registry --------------------------------------------------------------------------

const tokens = new Set<string>()
const secrets = new Set<string>()
const errors: unknown[] = []
const events: VerifierEvent[] = []

/** Remembers a value that must never appear in an error, a response or an event. */
export function secret(value: string): string {
  secrets.add(value)
  return value
}

/** Remembers an error so that {@link assertNoLeaks} checks it. Returns it. */
export function recordError<T>(error: T): T {
  errors.push(error)
  return error
}

/** An `onEvent` hook that records events for {@link assertNoLeaks}, and into `into` if given. */
export function recordEvents(into?: VerifierEvent[]): (event: VerifierEvent) => void {
  return (event) => {
    events.push(event)
    into?.push(event)
  }
}

function texts(value: unknown, depth = 0): string[] {
  if (depth > 5 || value === undefined || value === null) return []
  if (value instanceof Error) {
    const out = [value.message, String(value), value.stack ?? '']
    if (isAuthError(value)) {
      const response = toErrorResponse(value)
      out.push(value.description, JSON.stringify(response.headers), JSON.stringify(response.body))
    }
    return [...out, ...texts(value.cause, depth + 1)]
  }
  if (typeof value === 'object') {
    return [
      JSON.stringify(value, (_key, member: unknown) =>
        member instanceof Error ? texts(member, depth + 1).join(' | ') : member,
      ),
    ]
  }
  return [typeof value === 'string' ? value : JSON.stringify(value)]
}

function needles(): string[] {
  const out = new Set<string>([CANARY, ...secrets])
  for (const token of tokens) {
    if (token.length >= 16) out.add(token)
    for (const segment of token.split('.')) if (segment.length >= 16) out.add(segment)
  }
  return [...out]
}

/**
 * Asserts that no error or event recorded in this file carries a token, a token segment, a secret
 * or the {@link CANARY}. Call from `afterAll`.
 */
export function assertNoLeaks(): void {
  expect(errors.length + events.length).toBeGreaterThan(0)
  const search = needles()
  const seen = new Set<string>()
  for (const item of [...errors, ...events]) for (const text of texts(item)) seen.add(text)
  for (const text of seen) {
    const needle = search.find((candidate) => text.includes(candidate))
    if (needle !== undefined) {
      throw new Error(
        `a token, secret or token value leaked into ${JSON.stringify(text.slice(0, 200))}`,
      )
    }
  }
}

/** The rejection of `action` (a promise or a function that throws), recorded for the leak check. */
export async function rejectionOf(action: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof action === 'function' ? action() : action)
  } catch (error) {
    return recordError(error)
  }
  throw new Error('expected a rejection, but it resolved')
}

/** Asserts `action` fails with an {@link AuthError} of `code`, and returns it. */
export async function expectCode(
  action: Promise<unknown> | (() => unknown),
  code: AuthErrorCode,
): Promise<AuthError> {
  const error = await rejectionOf(action)
  expect(isAuthError(error), `not an AuthError: ${String(error)}`).toBe(true)
  expect((error as AuthError).code).toBe(code)
  return error as AuthError
}

// --- keys and tokens ------------------------------------------------------------------------

/** A key pair for `alg`, its public JWK (with `alg` unless `jwkAlg: null`) and PEM. */
export async function makeKey(
  alg = 'RS256',
  kid = 'key-1',
  options: { readonly jwkAlg?: string | null; readonly modulusLength?: number } = {},
): Promise<TestKey> {
  const pair = await generateKeyPair(alg, {
    extractable: true,
    ...(options.modulusLength === undefined ? {} : { modulusLength: options.modulusLength }),
  })
  const publicJwk = await exportJWK(pair.publicKey)
  const privateJwk = await exportJWK(pair.privateKey)
  if (privateJwk.d !== undefined) secret(privateJwk.d)
  const jwkAlg = options.jwkAlg === undefined ? alg : options.jwkAlg
  const jwk: PublicJwk = {
    ...(publicJwk as PublicJwk),
    kid,
    use: 'sig',
    ...(jwkAlg === null ? {} : { alg: jwkAlg }),
  }
  return {
    kid,
    alg,
    privateKey: KeyObject.from(pair.privateKey),
    jwk,
    pem: await exportSPKI(pair.publicKey),
  }
}

/** The same key material under another `kid` (RSA keys are slow to generate: reuse them). */
export function withKid(
  key: TestKey,
  kid: string,
  jwk: Readonly<Record<string, unknown>> = {},
): TestKey {
  return { ...key, kid, jwk: { ...key.jwk, ...jwk, kid } }
}

/** The JWKS document of `keys`. */
export function jwksOf(...keys: readonly TestKey[]): { keys: PublicJwk[] } {
  return { keys: keys.map((key) => key.jwk) }
}

export function b64url(data: string | Uint8Array): string {
  return Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString(
    'base64url',
  )
}

/** A JSON value (or raw JSON text, with `raw`) as a JWS segment. */
export function segment(value: unknown, raw = false): string {
  return b64url(raw ? (value as string) : JSON.stringify(value))
}

/** RFC 7515 §5.1 signature of `input` with `alg` (node:crypto, so any header can be signed). */
export function signInput(alg: string, input: string, key: KeyObject): string {
  const data = Buffer.from(input, 'ascii')
  if (alg === 'EdDSA') return sign(null, data, key).toString('base64url')
  const match = /^(RS|PS|ES)(256|384|512)$/.exec(alg)
  if (match === null) throw new TypeError(`cannot sign ${alg}`)
  const digest = `sha${match[2] ?? ''}`
  if (match[1] === 'PS') {
    return sign(digest, data, {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: Number(match[2]) / 8,
    }).toString('base64url')
  }
  if (match[1] === 'ES')
    return sign(digest, data, { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')
  return sign(digest, data, key).toString('base64url')
}

export interface MintOptions {
  /** Header parameters over `{ alg, kid, typ: 'JWT' }`; `undefined` removes one. */
  readonly header?: Readonly<Record<string, unknown>>
  /** Sign with this algorithm instead of the key's own (the header follows unless `header.alg`). */
  readonly alg?: string
  /** Current time in seconds for `iat` and `exp`. Default: `Date.now()` (fake timers apply). */
  readonly now?: number
  /** `exp = now + expiresIn`. Default 3600. */
  readonly expiresIn?: number
  /** Raw JSON text of the payload instead of `claims` (for duplicate or `__proto__` members). */
  readonly rawPayload?: string
  /** Raw JSON text of the header. */
  readonly rawHeader?: string
}

/** Seconds since the epoch for `ms` (default: now, fake timers apply). */
export function seconds(ms: number = Date.now()): number {
  return Math.floor(ms / 1000)
}

/**
 * A signed JWT with `{ iss: ISSUER, aud: AUDIENCE, sub, iat, exp }` under `claims`; a claim set to
 * `undefined` is left out. Recorded for the leak check.
 */
export function mint(
  key: TestKey,
  claims: Readonly<Record<string, unknown>> = {},
  options: MintOptions = {},
): string {
  const now = options.now ?? seconds()
  const payload = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat: now,
    exp: now + (options.expiresIn ?? 3600),
    ...claims,
  }
  const alg = options.alg ?? key.alg
  const header = { alg, kid: key.kid, typ: 'JWT', ...options.header }
  const input = `${options.rawHeader === undefined ? segment(header) : segment(options.rawHeader, true)}.${
    options.rawPayload === undefined ? segment(payload) : segment(options.rawPayload, true)
  }`
  return track(`${input}.${signInput(alg, input, key.privateKey)}`)
}

/** An HMAC-signed token (RFC 7518 §3.2) over `header` and `claims`: the key-confusion forgery. */
export function hmacToken(
  alg: 'HS256' | 'HS384' | 'HS512',
  secretText: string,
  header: Readonly<Record<string, unknown>>,
  claims: Readonly<Record<string, unknown>>,
): string {
  secret(secretText)
  const input = `${segment({ alg, ...header })}.${segment(claims)}`
  const mac = createHmac(`sha${alg.slice(2)}`, secretText)
    .update(input)
    .digest('base64url')
  return track(`${input}.${mac}`)
}

/** Registers a hand-built token for the leak check. */
export function track(token: string): string {
  tokens.add(token)
  return token
}

/** Standard claims for a hand-built payload. */
export function standardClaims(now: number = seconds()): JwtClaims {
  return { iss: ISSUER, aud: AUDIENCE, sub: 'user-1', iat: now, exp: now + 3600 }
}

export function randomKid(): string {
  return `${CANARY}-${randomUUID()}`
}

// --- a JWKS endpoint ------------------------------------------------------------------------

/** How the fake endpoint answers. */
export type Mode =
  | 'ok'
  | 'http-500'
  | 'hang'
  | 'invalid-json'
  | 'html'
  | 'no-usable-keys'
  | 'empty-keys'
  | 'not-an-object'
  | 'network-error'

/**
 * A counting `fetch` stub that plays the issuer's JWKS endpoint. `hang` never answers but honours
 * the abort signal, as a real `fetch` does.
 */
export class KeyServer {
  calls = 0
  readonly urls: string[] = []
  readonly signals: AbortSignal[] = []
  keys: readonly TestKey[]
  mode: Mode = 'ok'
  cacheControl: string | undefined
  /** Extra raw JWKs published alongside `keys`. */
  extra: readonly Record<string, unknown>[] = []

  constructor(...keys: readonly TestKey[]) {
    this.keys = keys
  }

  readonly fetch: typeof fetch = async (input, init) => {
    this.calls++
    this.urls.push(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    )
    const signal = init?.signal ?? undefined
    if (signal !== undefined && signal !== null) this.signals.push(signal)
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (this.cacheControl !== undefined) headers['cache-control'] = this.cacheControl
    switch (this.mode) {
      case 'ok':
        return new Response(
          JSON.stringify({ keys: [...this.keys.map((key) => key.jwk), ...this.extra] }),
          { status: 200, headers },
        )
      case 'http-500':
        return new Response('oops', { status: 500 })
      case 'hang':
        return new Promise<Response>((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            reject(signal.reason as Error)
          })
        })
      case 'invalid-json':
        return new Response('{"keys": [', { status: 200, headers })
      case 'html':
        return new Response('<!doctype html><html><body>Maintenance</body></html>', {
          status: 200,
          headers: { 'content-type': 'text/html' },
        })
      case 'no-usable-keys':
        return new Response(
          JSON.stringify({
            keys: this.keys.map((key) => ({ ...key.jwk, use: 'enc' })),
          }),
          { status: 200, headers },
        )
      case 'empty-keys':
        return new Response('{"keys":[]}', { status: 200, headers })
      case 'not-an-object':
        return new Response('[1,2,3]', { status: 200, headers })
      case 'network-error':
        throw new TypeError('fetch failed')
    }
  }
}

// Captured before any test installs fake timers, so that settling always yields to the event loop.
const realSetImmediate = globalThis.setImmediate

/** Lets pending callbacks (a background refresh, a WebCrypto import) run. Works under fake timers. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => realSetImmediate(resolve))
}

/** A verifier for {@link ISSUER} on `server`, recording events. */
export function verifierOn(
  server: KeyServer,
  options: Partial<VerifierOptions> = {},
  into?: VerifierEvent[],
): Verifier {
  return createVerifier({
    issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
    fetch: server.fetch,
    onEvent: recordEvents(into),
    ...options,
  })
}

/** A mutable clock for the `now` option. */
export class Clock {
  ms: number
  constructor(start: number = T0) {
    this.ms = start
  }
  readonly now = (): number => this.ms
  /** Current time in whole seconds. */
  get seconds(): number {
    return Math.floor(this.ms / 1000)
  }
  advance(ms: number): void {
    this.ms += ms
  }
}
