import { firstMessage, forkTs } from './child.js'
import type { HeapReport } from './heap-child.js'

const CHILD = new URL('./heap-child.ts', import.meta.url)

/** Runs the heap measurement in its own process, so nothing else on the heap blurs it. */
export async function runHeap(tokens: number): Promise<HeapReport> {
  const child = forkTs(CHILD, { BENCH_HEAP_TOKENS: String(tokens) }, ['--expose-gc'])
  try {
    return await firstMessage<HeapReport>(child, 20 * 60_000)
  } finally {
    child.kill()
  }
}
