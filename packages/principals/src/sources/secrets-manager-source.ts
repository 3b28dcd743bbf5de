import {
  GetSecretValueCommand,
  SecretsManagerClient,
  type GetSecretValueCommandOutput,
} from '@aws-sdk/client-secrets-manager'
import { ConfigProblems } from '@cloudauth/core/provider'
import { sha256 } from '../internal/digest.js'
import type { ServiceCredential, ServiceLookupContext, ServiceSource } from '../service-source.js'

/** Options of {@link secretsManagerSource}. */
export interface SecretsManagerSourceOptions {
  /** Put before the identifier to make the secret's name (smac's `COMMON_PREFIX`). Default `''`. */
  readonly prefix?: string
  /** The region. Default: the SDK's chain (`AWS_REGION`, the profile's region). */
  readonly region?: string
  /** The shared-config profile whose credentials to use. Default: the SDK's default chain. */
  readonly profile?: string
  /** A client of your own (custom credentials, endpoint, retries); then `region` and `profile` must be left out. */
  readonly client?: Pick<SecretsManagerClient, 'send'>
  /** How long a credential is kept, in milliseconds. Default 300 000 (5 minutes). */
  readonly ttlMs?: number
  /** How long an unknown identifier (or an unusable secret) is remembered. Default 60 000. */
  readonly negativeTtlMs?: number
  /**
   * After a token did not match, the credential is fetched again if it was fetched longer ago
   * than this (a rotation that began since). Default 30 000; at most one fetch per identifier per period.
   */
  readonly refreshAfterMs?: number
  /** How long an expired credential may still be used while the store cannot answer. Default 0 (never). */
  readonly staleIfErrorMs?: number
  /** How many identifiers are cached at most (oldest dropped first). Default 10 000. */
  readonly maxEntries?: number
}

// The characters Secrets Manager allows in a secret name. Anything else cannot name a secret, so
// it is unknown without asking AWS (and without letting a client shape our API calls).
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/
const STAGES = ['AWSCURRENT', 'AWSPENDING'] as const

interface Entry {
  readonly credential: ServiceCredential | undefined
  readonly fetchedAt: number
  readonly expiresAt: number
}

type Version =
  { readonly found: false } | { readonly found: true; readonly output: GetSecretValueCommandOutput }

function errorName(error: unknown): string | undefined {
  return typeof (error as { name?: unknown } | null)?.name === 'string'
    ? (error as { name: string }).name
    : undefined
}

function nonNegative(
  problems: ConfigProblems,
  option: string,
  value: unknown,
  fallback: number,
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    problems.add(option, 'must be a whole number of milliseconds, 0 or more')
    return fallback
  }
  return value
}

function list(value: unknown): readonly string[] | undefined {
  if (value === undefined) return []
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return Object.freeze([...value])
  return undefined
}

/**
 * Service credentials in AWS Secrets Manager, as smac-fastapi-auth keeps them: the secret named
 * `prefix + identifier` holds JSON `{ "token": "...", "id": "..." }` (optionally `groups`,
 * `scopes` and `attributes`). The token is hashed as soon as it is read; only digests are cached.
 *
 * - Rotation: both the `AWSCURRENT` and the `AWSPENDING` versions are accepted, so a service may
 *   switch to the new token as soon as the rotation creates it. After a mismatch the secret is
 *   read again (at most once per `refreshAfterMs`), in case the rotation began after caching.
 * - Caching: credentials for `ttlMs`, unknown identifiers for `negativeTtlMs` (so random
 *   identifiers cannot turn into a flood of API calls), one fetch per identifier at a time.
 * - Fail closed: a secret that is not JSON or lacks a non-empty string `token` refuses the service
 *   (401) and emits `secret_malformed` for the operator.
 * - Outage: throttling, AWS errors, network failures, missing permissions: 503
 *   `principal_unavailable`, never 401.
 *
 * @example
 * ```ts
 * const source = secretsManagerSource({ prefix: 'prod/services/', region: 'eu-west-1' })
 * // secret "prod/services/billing": {"token":"kP1...","id":"svc-billing"}
 * ```
 * @throws ConfigError naming every bad option at once
 */
export function secretsManagerSource(options: SecretsManagerSourceOptions = {}): ServiceSource {
  const problems = new ConfigProblems()
  const prefix = options.prefix ?? ''
  if (typeof prefix !== 'string' || (prefix !== '' && !SECRET_NAME.test(prefix)))
    problems.add(
      'prefix',
      'must hold only characters allowed in secret names (A-Z a-z 0-9 /_+=.@-)',
    )
  for (const option of ['region', 'profile'] as const) {
    const value = options[option]
    if (value !== undefined && (typeof value !== 'string' || value === ''))
      problems.add(option, 'must be a non-empty string')
    if (value !== undefined && options.client !== undefined)
      problems.add(option, 'must be left out when client is given (configure the client)')
  }
  if (options.client !== undefined && typeof options.client?.send !== 'function')
    problems.add('client', 'must be a SecretsManagerClient')
  const ttlMs = nonNegative(problems, 'ttlMs', options.ttlMs, 300_000)
  const negativeTtlMs = nonNegative(problems, 'negativeTtlMs', options.negativeTtlMs, 60_000)
  const refreshAfterMs = nonNegative(problems, 'refreshAfterMs', options.refreshAfterMs, 30_000)
  const staleIfErrorMs = nonNegative(problems, 'staleIfErrorMs', options.staleIfErrorMs, 0)
  const maxEntries = nonNegative(problems, 'maxEntries', options.maxEntries, 10_000)
  problems.throwIfAny()

  const client =
    options.client ??
    new SecretsManagerClient({
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.profile === undefined ? {} : { profile: options.profile }),
    })
  const cache = new Map<string, Entry>()
  const inflight = new Map<string, Promise<Entry>>()

  async function readVersion(secretId: string, stage: string): Promise<Version> {
    try {
      const output = await client.send(
        new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }),
      )
      return { found: true, output }
    } catch (error) {
      // No such secret, no such stage (no rotation under way), or a secret marked for deletion.
      const name = errorName(error)
      if (name === 'ResourceNotFoundException' || name === 'InvalidRequestException')
        return { found: false }
      throw error
    }
  }

  function parse(
    identifier: string,
    secretId: string,
    stage: string,
    output: GetSecretValueCommandOutput,
    context: ServiceLookupContext,
  ) {
    const malformed = (reason: string) => {
      context.emit({
        type: 'secret_malformed',
        source: 'secrets-manager',
        identifier,
        secretId,
        stage,
        reason,
      })
      return undefined
    }
    if (typeof output.SecretString !== 'string') return malformed('the secret has no SecretString')
    let json: unknown
    try {
      json = JSON.parse(output.SecretString)
    } catch {
      return malformed('the secret is not JSON')
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      return malformed('the secret is not a JSON object')
    const fields = json as Record<string, unknown>
    if (typeof fields.token !== 'string' || fields.token === '')
      return malformed('the secret has no non-empty string "token"')
    if (fields.id !== undefined && (typeof fields.id !== 'string' || fields.id === ''))
      return malformed('the secret\'s "id" is not a non-empty string')
    const groups = list(fields.groups)
    const scopes = list(fields.scopes)
    if (groups === undefined || scopes === undefined)
      return malformed('the secret\'s "groups" or "scopes" is not a list of strings')
    const attributes = fields.attributes ?? {}
    if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes))
      return malformed('the secret\'s "attributes" is not an object')
    return {
      digest: sha256(fields.token),
      id: typeof fields.id === 'string' ? fields.id : identifier,
      groups,
      scopes,
      attributes: Object.freeze({ ...(attributes as Record<string, unknown>) }),
    }
  }

  async function fetchEntry(identifier: string, context: ServiceLookupContext): Promise<Entry> {
    const secretId = prefix + identifier
    const versions = await Promise.all(STAGES.map((stage) => readVersion(secretId, stage)))
    const now = Date.now()
    const [current, pending] = versions.map((version, index) =>
      version.found
        ? parse(identifier, secretId, STAGES[index] as string, version.output, context)
        : undefined,
    )
    // The principal (id, groups, scopes) comes from AWSCURRENT; AWSPENDING only adds its token.
    // A malformed AWSCURRENT refuses the service whatever AWSPENDING holds: fail closed.
    const credential: ServiceCredential | undefined =
      current === undefined
        ? undefined
        : Object.freeze({
            id: current.id,
            digests: Object.freeze([
              current.digest,
              ...(pending === undefined ? [] : [pending.digest]),
            ]),
            groups: current.groups,
            scopes: current.scopes,
            attributes: current.attributes,
          })
    const entry: Entry = {
      credential,
      fetchedAt: now,
      expiresAt: now + (credential === undefined ? negativeTtlMs : ttlMs),
    }
    cache.delete(identifier)
    if (maxEntries > 0) {
      while (cache.size >= maxEntries) {
        const oldest = cache.keys().next().value
        if (oldest === undefined) break
        cache.delete(oldest)
      }
      cache.set(identifier, entry)
    }
    return entry
  }

  async function load(identifier: string, context: ServiceLookupContext): Promise<Entry> {
    const running = inflight.get(identifier)
    if (running !== undefined) return running
    const promise = fetchEntry(identifier, context).finally(() => inflight.delete(identifier))
    inflight.set(identifier, promise)
    return promise
  }

  async function get(identifier: string, context: ServiceLookupContext, force: boolean) {
    const cached = cache.get(identifier)
    const now = Date.now()
    if (!force && cached !== undefined && cached.expiresAt > now) return cached.credential
    try {
      return (await load(identifier, context)).credential
    } catch (error) {
      if (cached?.credential !== undefined && now - cached.expiresAt <= staleIfErrorMs) {
        context.emit({ type: 'stale_served', source: 'secrets-manager', identifier })
        return cached.credential
      }
      throw error
    }
  }

  return Object.freeze({
    kind: 'secrets-manager',
    async lookup(identifier: string, context: ServiceLookupContext) {
      if (!SECRET_NAME.test(prefix + identifier)) return undefined
      return get(identifier, context, false)
    },
    async refresh(identifier: string, context: ServiceLookupContext) {
      if (!SECRET_NAME.test(prefix + identifier)) return undefined
      const cached = cache.get(identifier)
      if (cached !== undefined && Date.now() - cached.fetchedAt < refreshAfterMs) return undefined
      return { credential: await get(identifier, context, true) }
    },
  })
}
