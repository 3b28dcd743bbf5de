import type { EnvSource } from '@cloudauth/core'
import type { ConfigProblems } from '@cloudauth/core/provider'

/** Nested names as a tree: `A__B__C=v` becomes `{ A: { B: { C: 'v' } } }`. */
export type EnvTree = { [key: string]: string | EnvTree }

/**
 * The variables under `prefix` as a tree of their `__`-separated segments. Blank values count as
 * unset. A name that is both a value and a group (`X=1` and `X__Y=2`), or has an empty segment,
 * is reported.
 */
export function envTree(env: EnvSource, prefix: string, problems: ConfigProblems): EnvTree {
  const root: EnvTree = {}
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(prefix)) continue
    const value = env[name]?.trim()
    if (value === undefined || value === '') continue
    const segments = name.slice(prefix.length).split('__')
    if (segments.some((segment) => segment === '')) {
      problems.add(name, 'is not a valid name: segments are separated by exactly two underscores')
      continue
    }
    let node = root
    let clash = false
    for (const segment of segments.slice(0, -1)) {
      const next = node[segment]
      if (typeof next === 'string') {
        clash = true
        break
      }
      node = next ?? (node[segment] = {})
    }
    const last = segments[segments.length - 1] as string
    if (clash || typeof node[last] === 'object') {
      problems.add(name, 'clashes with another name: a name cannot hold a value and names under it')
      continue
    }
    node[last] = value
  }
  return root
}
