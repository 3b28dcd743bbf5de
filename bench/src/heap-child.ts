/**
 * A child process (run with --expose-gc): pushes N distinct ES256 tokens through one cloudauth
 * verifier with default options (token cache on, 10,000 entries) and reports the heap after a full
 * GC at checkpoints. ES256 because minting a million RSA signatures would take minutes; the
 * cached entry does not depend on the algorithm beyond the signature's length.
 */
import { createVerifier } from '@cloudauth/core'
import { DEFAULTS } from '@cloudauth/core/provider'
import { AUDIENCE, ISSUER, Minter, generateKey } from './tokens.js'

export interface HeapReport {
  readonly tokens: number
  readonly cacheEntries: number
  readonly baselineBytes: number
  readonly points: readonly { readonly tokens: number; readonly heapBytes: number }[]
  readonly seconds: number
}

const total = Number(process.env.BENCH_HEAP_TOKENS ?? '1000000')
const BATCH = 5_000
const LANES = 64

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('bench: the heap run needs --expose-gc')
const heap = () => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

const key = generateKey('ES256')
const verifier = createVerifier({
  issuers: { issuer: ISSUER, jwks: key.jwks, audience: AUDIENCE },
  algorithms: ['ES256'],
})
const minter = new Minter()
const nowSeconds = Math.floor(Date.now() / 1000)
const job = (from: number) => ({
  alg: key.alg,
  kid: key.kid,
  privatePem: key.privatePem,
  from,
  count: Math.min(BATCH, total - from),
  nowSeconds,
})

const checkpoints = new Set([10_000, 100_000, total].filter((n) => n <= total))
const points: { tokens: number; heapBytes: number }[] = []
const started = performance.now()
const baselineBytes = heap()
let pending = minter.mint(job(0))
let done = 0
while (done < total) {
  const batch = await pending
  if (done + batch.length < total) pending = minter.mint(job(done + batch.length))
  let i = 0
  await Promise.all(
    Array.from({ length: LANES }, async () => {
      while (i < batch.length) await verifier.verify(batch[i++]!)
    }),
  )
  done += batch.length
  if (checkpoints.has(done)) points.push({ tokens: done, heapBytes: heap() })
}
await minter.close()
const report: HeapReport = {
  tokens: done,
  cacheEntries: DEFAULTS.cacheEntries,
  baselineBytes,
  points,
  seconds: (performance.now() - started) / 1000,
}
process.send?.(report)
