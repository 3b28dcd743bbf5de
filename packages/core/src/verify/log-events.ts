import type { VerifierEvent } from './types.js'

/** The level `logEvents` gives each event type. */
export type EventLogLevel = 'debug' | 'info' | 'warn'

/**
 * One event as a flat, JSON-friendly log entry: `event` names it (`cloudauth.token_rejected`),
 * `message` says it in words, and the event's own fields follow (numbers rounded to 0.01 ms; a
 * failed fetch's `error` object is left out, its `reason` kept). Never a token or a claim value.
 */
export interface EventLogEntry {
  readonly event: `cloudauth.${VerifierEvent['type']}`
  readonly level: EventLogLevel
  readonly message: string
  readonly [field: string]: string | number | boolean | null
}

/**
 * Anything with `debug`, `info` and `warn` methods taking an object: pino, winston, bunyan,
 * `console`, or a function that receives every entry.
 */
export type EventLogger =
  | {
      debug(entry: EventLogEntry): void
      info(entry: EventLogEntry): void
      warn(entry: EventLogEntry): void
    }
  | ((entry: EventLogEntry) => void)

/** Options of {@link logEvents}. */
export interface LogEventsOptions {
  /** Log `token_verified` too (at `debug`). Default `true`; `false` keeps only refusals and key set events. */
  readonly verified?: boolean
}

const LEVEL: Readonly<Record<VerifierEvent['type'], EventLogLevel>> = {
  token_verified: 'debug',
  token_rejected: 'info',
  jwks_fetched: 'info',
  jwks_key_skipped: 'warn',
  jwks_refresh_failed: 'warn',
  stale_keys_served: 'warn',
}

function describe(event: VerifierEvent): string {
  switch (event.type) {
    case 'token_verified':
      return `cloudauth: token verified${event.cached ? ' (cached)' : ''}`
    case 'token_rejected':
      return `cloudauth: token rejected (${event.code})`
    case 'jwks_fetched':
      return `cloudauth: key set fetched (${event.keys} keys)`
    case 'jwks_refresh_failed':
      return `cloudauth: key set fetch failed: ${event.reason}`
    case 'stale_keys_served':
      return 'cloudauth: serving stale keys while the key set cannot be fetched'
    case 'jwks_key_skipped':
      return `cloudauth: key skipped: ${event.reason}`
  }
}

/**
 * Turns verifier events into one structured log entry each, for `onEvent`. Token events go to
 * `debug` (verified) and `info` (rejected); key set trouble to `warn`. A logger that throws is
 * ignored by the verifier, as any `onEvent` is.
 *
 * @example
 * ```ts
 * import pino from 'pino'
 * const verifier = createVerifier({ ...options, onEvent: logEvents(pino()) })
 * // {"level":30,"event":"cloudauth.token_rejected","message":"cloudauth: token rejected (token_expired)",
 * //  "code":"token_expired","issuer":"https://issuer.example/","kid":"key-1","durationMs":0.41,"cached":false}
 * ```
 * @throws nothing (the returned hook throws only if the logger does)
 */
export function logEvents(
  logger: EventLogger,
  options: LogEventsOptions = {},
): (event: VerifierEvent) => void {
  const verified = options.verified ?? true
  return (event) => {
    if (event.type === 'token_verified' && !verified) return
    const level = LEVEL[event.type]
    const entry: Record<string, string | number | boolean | null> = {
      event: `cloudauth.${event.type}`,
      level,
      message: describe(event),
    }
    for (const [key, value] of Object.entries(event)) {
      if (key === 'type' || key === 'error') continue
      if (typeof value === 'number') entry[key] = Math.round(value * 100) / 100
      else if (typeof value === 'string' || typeof value === 'boolean') entry[key] = value
      else if (value === undefined || value === null) entry[key] = null
    }
    const line = entry as EventLogEntry
    if (typeof logger === 'function') logger(line)
    else logger[level](line)
  }
}
