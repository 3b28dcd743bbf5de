import { TUNING_KEYS } from '../verify/pick-tuning.js'
import type { ConfigProblems } from './config-problems.js'

/** Edit distance (optimal string alignment: insert, delete, substitute, swap two neighbours). */
function distance(a: string, b: string): number {
  const rows: number[][] = []
  for (let i = 0; i <= a.length; i += 1) {
    const row: number[] = [i]
    for (let j = 1; j <= b.length; j += 1) {
      if (i === 0) {
        row.push(j)
        continue
      }
      const above = rows[i - 1] ?? []
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1)
      row.push(best)
    }
    rows.push(row)
  }
  return rows[a.length]?.[b.length] ?? 0
}

/** The known name nearest to `name`, when one is near enough to be what was meant. */
function nearest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase()
  let best: { readonly name: string; readonly score: number } | undefined
  for (const candidate of known) {
    const score = distance(lower, candidate.toLowerCase())
    if (best === undefined || score < best.score) best = { name: candidate, score }
  }
  if (best === undefined) return undefined
  return best.score <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined
}

/**
 * Reports every option a provider factory does not know, each with the nearest known name, so a
 * misspelt or renamed option in plain JavaScript (`auth0({ groupClaim })` for `groupClaims`) is a
 * `ConfigError` instead of being silently ignored. Core's tuning options (`clockTolerance`,
 * `jwks`, `cache`, ... every member of `VerifierTuning`) are known to every provider and need not
 * be listed. A name whose value is `undefined` is let through: it changes nothing. Only the
 * option's name is repeated, never its value.
 *
 * @param options - the options object as given
 * @param known - the provider's own option names
 * @param problems - where each unknown option is recorded, as `{name}: is not an option of
 *   {label}; did you mean {nearest}?`
 * @param label - how the factory is named in the message, such as `'auth0()'`
 * @param prefix - put before each name, for nested objects such as `'pools[0].'`
 * @example
 * ```ts
 * const problems = new ConfigProblems()
 * unknownOptions(options, ['domain', 'audience', 'groupClaims'], problems, 'my-idp()')
 * problems.throwIfAny() // ConfigError: "groupClaim: is not an option of my-idp(); did you mean groupClaims?"
 * ```
 * @throws nothing itself; the problems are thrown by `problems.throwIfAny()`
 */
export function unknownOptions(
  options: object,
  known: readonly string[],
  problems: ConfigProblems,
  label: string,
  prefix = '',
): void {
  const names = [...known, ...(prefix === '' ? TUNING_KEYS : [])]
  const accepted = new Set<string>(names)
  for (const [name, value] of Object.entries(options)) {
    // An unknown name set to undefined changes nothing (often a spread of optional settings).
    if (accepted.has(name) || value === undefined) continue
    const near = nearest(name, names)
    problems.add(
      `${prefix}${name}`,
      `is not an option of ${label}${near === undefined ? '' : `; did you mean ${near}?`}`,
    )
  }
}
