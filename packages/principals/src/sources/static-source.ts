import { ConfigError } from '@cloudauth/core'
import { ConfigProblems } from '@cloudauth/core/provider'
import { mapSource, toCredentials } from '../internal/to-credentials.js'
import type { ServiceSource } from '../service-source.js'

/** One service of a {@link staticSource}. */
export interface StaticServiceEntry {
  /**
   * `sha256:<64 hex>` from {@link hashServiceToken}, or several during a rotation. Never the token.
   */
  readonly tokenHash: string | readonly string[]
  /** The principal's id. Default: the identifier (the map's key). */
  readonly id?: string
  readonly groups?: readonly string[]
  readonly scopes?: readonly string[]
  readonly attributes?: Readonly<Record<string, unknown>>
}

/**
 * Service credentials written in code (or loaded from your own config): identifier to hashed token.
 *
 * @example
 * ```ts
 * const source = staticSource({
 *   billing: { tokenHash: 'sha256:9f86d0...', scopes: ['invoices:write'] },
 *   reports: { tokenHash: [currentHash, nextHash] },          // both accepted during a rotation
 * })
 * ```
 * @throws ConfigError naming every bad entry at once (`services.<identifier>.tokenHash`, `.id`,
 *   `.groups`, `.scopes`, `.attributes`); a plain token in `tokenHash` is refused, never echoed
 */
export function staticSource(
  services: Readonly<Record<string, StaticServiceEntry>>,
): ServiceSource {
  if (typeof services !== 'object' || (services as unknown) === null)
    throw new ConfigError('services', 'must be an object mapping identifiers to entries')
  const problems = new ConfigProblems()
  const credentials = toCredentials(services, problems, (id, field) => `services.${id}.${field}`)
  problems.throwIfAny()
  return mapSource('static', credentials)
}
