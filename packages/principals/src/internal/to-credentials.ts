import type { ConfigProblems } from '@cloudauth/core/provider'
import type { ServiceCredential, ServiceSource } from '../service-source.js'
import type { StaticServiceEntry } from '../sources/static-source.js'
import { parseTokenHash } from './digest.js'

const HASH_PROBLEM =
  "must be a hash from hashServiceToken() ('sha256:' and 64 hex digits), never the token itself"

function stringList(problems: ConfigProblems, option: string, value: unknown): readonly string[] {
  if (value === undefined) return []
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== ''))
    return Object.freeze([...(value as string[])])
  problems.add(option, 'must be a list of non-empty strings')
  return []
}

/**
 * Builds credentials from plain entries, reporting every problem into `problems` with option
 * names under `at` (`services.billing.tokenHash`, or an environment variable through `name`).
 */
export function toCredentials(
  entries: Readonly<Record<string, StaticServiceEntry>>,
  problems: ConfigProblems,
  name: (identifier: string, field: keyof StaticServiceEntry) => string,
): Map<string, ServiceCredential> {
  const credentials = new Map<string, ServiceCredential>()
  for (const [identifier, entry] of Object.entries(entries)) {
    if (typeof entry !== 'object' || (entry as unknown) === null) {
      problems.add(name(identifier, 'tokenHash'), 'must be an object with a tokenHash')
      continue
    }
    const hashes: unknown =
      typeof entry.tokenHash === 'string' ? [entry.tokenHash] : entry.tokenHash
    const digests: Uint8Array[] = []
    if (Array.isArray(hashes) && hashes.length === 0)
      problems.add(name(identifier, 'tokenHash'), 'is required')
    else if (!Array.isArray(hashes)) problems.add(name(identifier, 'tokenHash'), HASH_PROBLEM)
    else
      for (const hash of hashes as unknown[]) {
        const digest = typeof hash === 'string' ? parseTokenHash(hash) : undefined
        if (digest === undefined) {
          problems.add(name(identifier, 'tokenHash'), HASH_PROBLEM)
          break
        }
        digests.push(digest)
      }
    if (entry.id !== undefined && (typeof entry.id !== 'string' || entry.id === ''))
      problems.add(name(identifier, 'id'), 'must be a non-empty string')
    const groups = stringList(problems, name(identifier, 'groups'), entry.groups)
    const scopes = stringList(problems, name(identifier, 'scopes'), entry.scopes)
    if (
      entry.attributes !== undefined &&
      (typeof entry.attributes !== 'object' || entry.attributes === null)
    )
      problems.add(name(identifier, 'attributes'), 'must be an object')
    credentials.set(
      identifier,
      Object.freeze({
        id: typeof entry.id === 'string' && entry.id !== '' ? entry.id : identifier,
        digests: Object.freeze(digests),
        groups,
        scopes,
        attributes: Object.freeze({ ...(entry.attributes ?? {}) }),
      }),
    )
  }
  return credentials
}

/** A source over a fixed set of credentials (the map of a {@link staticSource}). */
export function mapSource(
  kind: string,
  credentials: ReadonlyMap<string, ServiceCredential>,
): ServiceSource {
  return Object.freeze({
    kind,
    lookup: (identifier: string) => Promise.resolve(credentials.get(identifier)),
  })
}
