import { ConfigError, type EnvSource } from '@cloudauth/core'
import { ConfigProblems, readEnv } from '@cloudauth/core/provider'
import type { ServiceSource } from '../service-source.js'
import { mapSource, toCredentials } from '../internal/to-credentials.js'
import type { StaticServiceEntry } from './static-source.js'

/** Options of {@link envSource}. */
export interface EnvSourceOptions {
  /** The names' common start, e.g. `APP__AUTH__SERVICES__STATIC__`. */
  readonly prefix: string
  /** The variables. Default `process.env`. */
  readonly env?: EnvSource
}

const FIELDS = ['NAME', 'ID', 'TOKEN_HASH', 'GROUPS', 'SCOPES'] as const
type Field = (typeof FIELDS)[number]

/**
 * Service credentials from environment variables, one group of names per service `<KEY>`:
 *
 * | variable | meaning |
 * |---|---|
 * | `<prefix><KEY>__TOKEN_HASH` | required: `sha256:<64 hex>` from `hashServiceToken()`, or two separated by a comma during a rotation |
 * | `<prefix><KEY>__NAME` | the identifier the service sends; default `<KEY>` in lower case with `_` as `-` |
 * | `<prefix><KEY>__ID` | the principal's id; default the identifier |
 * | `<prefix><KEY>__GROUPS`, `<prefix><KEY>__SCOPES` | comma-separated lists |
 *
 * The variables are read once, here. A token pasted where its hash belongs is refused and never
 * echoed.
 *
 * @example
 * ```ts
 * // APP__AUTH__SERVICES__STATIC__BILLING__TOKEN_HASH=sha256:9f86d0...
 * const source = envSource({ prefix: 'APP__AUTH__SERVICES__STATIC__' }) // identifier 'billing'
 * ```
 * @throws ConfigError listing every problem: an unknown name under the prefix, a missing or
 *   malformed `TOKEN_HASH`, two keys with the same identifier
 */
export function envSource(options: EnvSourceOptions): ServiceSource {
  const prefix = options?.prefix
  if (typeof prefix !== 'string' || prefix === '')
    throw new ConfigError('prefix', 'must be a non-empty string')
  const env = options.env ?? (globalThis as { process?: { env?: EnvSource } }).process?.env ?? {}
  const vars = readEnv(env)
  const problems = new ConfigProblems()
  const keys = new Map<string, Partial<Record<Field, string>>>()
  for (const name of Object.keys(env)) {
    if (!name.startsWith(prefix)) continue
    const rest = name.slice(prefix.length)
    const at = rest.lastIndexOf('__')
    const key = rest.slice(0, at)
    const field = rest.slice(at + 2) as Field
    if (at <= 0 || !FIELDS.includes(field)) {
      problems.add(name, `is not a known name: use ${prefix}<KEY>__{${FIELDS.join('|')}}`)
      continue
    }
    const value = vars.text(name)
    if (value === undefined) continue
    const entry = keys.get(key) ?? {}
    entry[field] = value
    keys.set(key, entry)
  }
  const entries: Record<string, StaticServiceEntry> = {}
  const varOf = new Map<string, string>()
  for (const [key, fields] of keys) {
    const identifier = fields.NAME ?? key.toLowerCase().replaceAll('_', '-')
    if (identifier in entries) {
      problems.add(`${prefix}${key}__NAME`, 'names an identifier another key uses already')
      continue
    }
    varOf.set(identifier, key)
    const list = (value: string | undefined) =>
      value
        ?.split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    entries[identifier] = {
      tokenHash: list(fields.TOKEN_HASH) ?? [],
      ...(fields.ID === undefined ? {} : { id: fields.ID }),
      groups: list(fields.GROUPS) ?? [],
      scopes: list(fields.SCOPES) ?? [],
    }
  }
  const suffix: Record<keyof StaticServiceEntry, Field> = {
    tokenHash: 'TOKEN_HASH',
    id: 'ID',
    groups: 'GROUPS',
    scopes: 'SCOPES',
    attributes: 'NAME',
  }
  const credentials = toCredentials(
    entries,
    problems,
    (identifier, field) => `${prefix}${varOf.get(identifier) ?? identifier}__${suffix[field]}`,
  )
  problems.throwIfAny()
  return mapSource('env', credentials)
}
