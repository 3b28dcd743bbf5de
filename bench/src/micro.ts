import { setImmediate as tick } from 'node:timers/promises'
import type { Prepared, Subject } from './subjects.js'
import type { BenchAlg, BenchKey } from './tokens.js'

/** Distinct tokens (every verify a cache miss) or one token repeated. */
export type TokenMode = 'cold' | 'warm'
export type Concurrency = 1 | 64

export interface MicroCell {
  readonly subject: Subject
  readonly alg: BenchAlg
  readonly mode: TokenMode
  readonly concurrency: Concurrency
}

export interface MicroOptions {
  readonly subjects: readonly Subject[]
  readonly keys: Readonly<Record<BenchAlg, BenchKey>>
  /** Distinct tokens per algorithm, more than cloudauth's cache holds. */
  readonly pools: Readonly<Record<BenchAlg, readonly string[]>>
  /** Default both. */
  readonly algs?: readonly BenchAlg[]
  readonly runs: number
  readonly durationMs: number
  readonly warmupMs: number
  readonly onProgress?: (message: string) => void
}

/** Ops/s of every run, by cell key. */
export type MicroResults = Map<string, number[]>

export const cellKey = (id: string, alg: BenchAlg, mode: TokenMode, concurrency: Concurrency) =>
  `${id}|${alg}|${mode}|${concurrency}`

interface Instance {
  readonly prepared: Prepared
  readonly tokens: readonly string[]
  /** Where the next token comes from; it carries over between runs so a cold cycle never repeats early. */
  next: number
}

const CHECK_EVERY = 16

async function oneAtATime(instance: Instance, durationMs: number): Promise<number> {
  const { prepared, tokens } = instance
  const length = tokens.length
  let i = instance.next
  let done = 0
  const start = performance.now()
  const end = start + durationMs
  let now = start
  if (prepared.sync) {
    while (now < end) {
      for (let j = 0; j < CHECK_EVERY; j++) prepared.verify(tokens[i++ % length]!)
      done += CHECK_EVERY
      now = performance.now()
    }
  } else {
    while (now < end) {
      for (let j = 0; j < CHECK_EVERY; j++) await prepared.verify(tokens[i++ % length]!)
      done += CHECK_EVERY
      now = performance.now()
    }
  }
  instance.next = i % length
  return (done * 1000) / (now - start)
}

async function inFlight(instance: Instance, lanes: number, durationMs: number): Promise<number> {
  const { prepared, tokens } = instance
  const length = tokens.length
  let i = instance.next
  let done = 0
  let stop = false
  const start = performance.now()
  const end = start + durationMs
  const lane = async () => {
    while (!stop) {
      await prepared.verify(tokens[i++ % length]!)
      // Checked here, not by a timer: a path that never leaves the microtask queue starves timers.
      if (++done % CHECK_EVERY === 0 && performance.now() >= end) stop = true
    }
  }
  await Promise.all(Array.from({ length: lanes }, lane))
  const elapsed = performance.now() - start
  instance.next = i % length
  return (done * 1000) / elapsed
}

/**
 * Runs every cell `runs` times, one cell after another, and starts each round at a different cell,
 * so drift in the machine's speed (other work, thermal, GC debt) spreads over all rows instead of
 * landing on one. Every ratio in the report comes from these same rounds.
 */
export async function runMicro(options: MicroOptions): Promise<MicroResults> {
  const { subjects, keys, pools, runs, durationMs, warmupMs } = options
  const cells: (MicroCell & { readonly instance: Instance })[] = []
  for (const alg of options.algs ?? (['RS256', 'ES256'] as const)) {
    for (const subject of subjects) {
      for (const mode of ['cold', 'warm'] as const) {
        // One instance per token mode, so a warm run never sees the cold run's cache and back.
        const instance: Instance = {
          prepared: subject.prepare(keys[alg]),
          tokens: mode === 'cold' ? pools[alg] : [pools[alg][0]!],
          next: 0,
        }
        await check(subject, alg, instance)
        for (const concurrency of subject.concurrency) {
          cells.push({ subject, alg, mode, concurrency, instance })
        }
      }
    }
  }
  const results: MicroResults = new Map()
  const measure = async (cell: (typeof cells)[number], ms: number) => {
    await tick() // let pending I/O and timers run between cells
    return cell.concurrency === 1
      ? oneAtATime(cell.instance, ms)
      : inFlight(cell.instance, cell.concurrency, ms)
  }
  options.onProgress?.(`verify: warming up ${cells.length} cells`)
  for (const cell of cells) await measure(cell, warmupMs)
  for (let run = 0; run < runs; run++) {
    options.onProgress?.(`verify: round ${run + 1} of ${runs}`)
    for (let k = 0; k < cells.length; k++) {
      const cell = cells[(k + run * 7) % cells.length]!
      const opsPerSecond = await measure(cell, durationMs)
      const key = cellKey(cell.subject.id, cell.alg, cell.mode, cell.concurrency)
      const list = results.get(key) ?? []
      list.push(opsPerSecond)
      results.set(key, list)
    }
  }
  return results
}

/** A verifier that accepts a forged token would win every race: check each one first. */
async function check(subject: Subject, alg: BenchAlg, instance: Instance): Promise<void> {
  const token = instance.tokens[0]!
  await instance.prepared.verify(token)
  const dot = token.lastIndexOf('.')
  const last = token.charAt(dot + 5) === 'A' ? 'B' : 'A'
  const forged = `${token.slice(0, dot + 5)}${last}${token.slice(dot + 6)}`
  let rejected = false
  try {
    await instance.prepared.verify(forged)
  } catch {
    rejected = true
  }
  if (!rejected) throw new Error(`bench: ${subject.id} accepted a forged ${alg} token`)
}
