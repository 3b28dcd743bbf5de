import { isGrantStatement } from '../statements/statement.js'
import type { Grant } from '../types.js'

/**
 * A principal's grants, parsed once when loaded, indexed by resource: a check looks only at the
 * grants of `*` and of the required statement's resource, and compares whole segments.
 */
export interface GrantIndex {
  readonly grants: readonly Grant[]
  /** Grants of `*`. */
  readonly everything: readonly Grant[]
  /** Grants of `resource:*` and `resource:action`, by resource, each with its action (`*` included). */
  readonly byResource: ReadonlyMap<string, readonly (readonly [action: string, grant: Grant])[]>
}

/** Parses and indexes grants; a malformed statement (never written by a store) is left out. */
export function indexGrants(grants: readonly Grant[]): GrantIndex {
  const everything: Grant[] = []
  const byResource = new Map<string, (readonly [string, Grant])[]>()
  for (const grant of grants) {
    if (!isGrantStatement(grant.statement)) continue
    if (grant.statement === '*') {
      everything.push(grant)
      continue
    }
    const colon = grant.statement.indexOf(':')
    const resource = grant.statement.slice(0, colon)
    const action = grant.statement.slice(colon + 1)
    let list = byResource.get(resource)
    if (list === undefined) byResource.set(resource, (list = []))
    list.push([action, grant])
  }
  return { grants, everything, byResource }
}
