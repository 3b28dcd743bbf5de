/** The median of several runs, with the extremes, so a reader sees the spread. */
export interface Summary {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly runs: number
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 }
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length }
}

/** 1234567 -> "1.23M", 45210 -> "45.2k", 812 -> "812". */
export function compact(value: number): string {
  if (!Number.isFinite(value)) return '-'
  if (value >= 1e6) return `${(value / 1e6).toFixed(value >= 1e7 ? 1 : 2)}M`
  if (value >= 1e3) return `${(value / 1e3).toFixed(value >= 1e5 ? 0 : 1)}k`
  return value.toFixed(0)
}

/** "45.2k (44.1k–46.0k)" */
export function spread(summary: Summary): string {
  if (summary.runs === 0) return '-'
  if (summary.runs === 1) return compact(summary.median)
  return `${compact(summary.median)} (${compact(summary.min)}–${compact(summary.max)})`
}

/** "0.93x" */
export function ratio(value: number, base: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(base) || base === 0) return '-'
  const r = value / base
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`
}
