/**
 * What the app keeps for one logged-in browser. Tokens never leave the server: a cookie session
 * holds this record encrypted, a server-side store holds it under an opaque id.
 */
export interface SessionRecord {
  /** Session id: the store key, or a random id inside a sealed cookie (one refresh at a time per id). */
  readonly sid: string
  /** Identifier of the issuer that logged the user in. */
  readonly issuer: string
  /** The user (`sub` of the ID token). */
  readonly sub: string
  readonly accessToken: string
  readonly refreshToken?: string | undefined
  readonly idToken?: string | undefined
  /** When the access token expires, epoch seconds (from `expires_in`). */
  readonly expiresAt?: number | undefined
  readonly scope?: string | undefined
  /** Login time, epoch seconds: the absolute timeout counts from here. */
  readonly createdAt: number
  /** Last use, epoch seconds (updated at most once a minute): the idle timeout counts from here. */
  readonly touchedAt: number
}

/**
 * A server-side session store: the cookie then holds only an opaque id. {@link memoryStore} for one
 * instance, {@link redisStore} for many; any other database fits this interface.
 */
export interface SessionStore {
  get(id: string): Promise<SessionRecord | undefined>
  /** Stores a session that expires from the store after `ttlSeconds`. */
  set(id: string, record: SessionRecord, ttlSeconds: number): Promise<void>
  delete(id: string): Promise<void>
  /**
   * Takes the refresh lock of session `id` for at most `ttlMs`: a function that releases it, or
   * `undefined` when another request (or instance) holds it. Refreshes are then single-flight
   * across instances.
   */
  lock(id: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>
}

/** Parses a stored record; `undefined` for anything that is not one. */
export function toSessionRecord(value: unknown): SessionRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const record = value as Record<string, unknown>
  const strings = ['sid', 'issuer', 'sub', 'accessToken'] as const
  for (const key of strings)
    if (typeof record[key] !== 'string' || record[key] === '') return undefined
  if (typeof record['createdAt'] !== 'number' || typeof record['touchedAt'] !== 'number')
    return undefined
  for (const key of ['refreshToken', 'idToken', 'scope'] as const) {
    if (record[key] !== undefined && typeof record[key] !== 'string') return undefined
  }
  if (record['expiresAt'] !== undefined && typeof record['expiresAt'] !== 'number') return undefined
  return {
    sid: record['sid'] as string,
    issuer: record['issuer'] as string,
    sub: record['sub'] as string,
    accessToken: record['accessToken'] as string,
    refreshToken: record['refreshToken'] as string | undefined,
    idToken: record['idToken'] as string | undefined,
    expiresAt: record['expiresAt'],
    scope: record['scope'] as string | undefined,
    createdAt: record['createdAt'],
    touchedAt: record['touchedAt'],
  }
}
