/** Levenshtein distance (insertions, deletions, substitutions), for "did you mean" hints. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      )
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/**
 * The known name closest to `name`, where a `*` segment of a pattern stands for whatever the
 * unknown name has in that place (a pool's or a tenant's own name).
 */
export function nearestName(name: string, patterns: readonly string[]): string | undefined {
  const segments = name.split('__')
  let best: { name: string; score: number } | undefined
  for (const pattern of patterns) {
    const filled = pattern
      .split('__')
      .map((segment, i) => (segment === '*' ? (segments[i] ?? 'NAME') : segment))
      .join('__')
    const score = distance(name, filled)
    if (best === undefined || score < best.score) best = { name: filled, score }
  }
  return best !== undefined && best.score <= Math.max(3, Math.floor(name.length / 3))
    ? best.name
    : undefined
}
