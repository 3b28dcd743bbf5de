/**
 * `pnpm bench`: verifications/s against the node:crypto floor and the peers, HTTP req/s behind
 * Hono and Express, and the heap after a million distinct tokens, all in one run.
 *
 * Flags: --quick (fewer, shorter rounds; 100,000 tokens for the heap), --only verify,http,heap,
 * --out FILE (also write the report there), --wait-idle SECONDS (on a shared machine, first wait until
 * the CPUs have been idle for a few seconds).
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { runHeap } from './heap.js'
import { runHttp } from './http.js'
import { load, machine, waitForIdle } from './machine.js'
import { runMicro } from './micro.js'
import { render } from './report.js'
import { SUBJECTS } from './subjects.js'
import { generateKey, mintMany } from './tokens.js'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: 'verify,http,heap' },
    out: { type: 'string' },
    'wait-idle': { type: 'string' },
  },
})
const quick = values.quick
const parts = new Set(values.only.split(','))
const settings = quick
  ? {
      runs: 2,
      durationMs: 150,
      warmupMs: 100,
      httpRuns: 1,
      httpSeconds: 1,
      httpWarmup: 1,
      heapTokens: 100_000,
    }
  : {
      runs: 5,
      durationMs: 300,
      warmupMs: 150,
      httpRuns: 3,
      httpSeconds: 3,
      httpWarmup: 1,
      heapTokens: 1_000_000,
    }
// More distinct tokens than cloudauth's default cache (10,000) holds, so a cold run never hits it.
const POOL = 12_000
const CONNECTIONS = 64

const progress = (message: string) => console.error(`[bench] ${message}`)
if (values['wait-idle'] !== undefined) {
  const limit = Number(values['wait-idle'])
  progress(`waiting up to ${limit} s for the CPUs to be idle`)
  progress((await waitForIdle(limit * 1000)) ? 'idle' : 'still busy: measuring anyway')
}
const started = performance.now()
const loadBefore = load()

progress(`minting ${POOL.toLocaleString('en-US')} RS256 and ES256 tokens`)
const keys = { RS256: generateKey('RS256'), ES256: generateKey('ES256') }
const pools = {
  RS256: await mintMany(keys.RS256, POOL),
  ES256: await mintMany(keys.ES256, POOL),
}

const micro = parts.has('verify')
  ? await runMicro({
      subjects: SUBJECTS,
      keys,
      pools,
      runs: settings.runs,
      durationMs: settings.durationMs,
      warmupMs: settings.warmupMs,
      onProgress: progress,
    })
  : undefined
const http = parts.has('http')
  ? await runHttp({
      jwks: keys.RS256.jwks,
      tokens: pools.RS256,
      runs: settings.httpRuns,
      durationSeconds: settings.httpSeconds,
      warmupSeconds: settings.httpWarmup,
      connections: CONNECTIONS,
      onProgress: progress,
    })
  : undefined
if (parts.has('heap'))
  progress(`heap: ${settings.heapTokens.toLocaleString('en-US')} distinct tokens`)
const heap = parts.has('heap') ? await runHeap(settings.heapTokens) : undefined

const report = render({
  machine: machine(),
  loadBefore,
  loadAfter: load(),
  settings: quick
    ? `--quick: ${settings.runs} rounds of ${settings.durationMs} ms per verify cell, ${settings.httpRuns} × ${settings.httpSeconds} s per HTTP row, ${CONNECTIONS} connections`
    : `${settings.runs} rounds of ${settings.durationMs} ms per verify cell, ${settings.httpRuns} × ${settings.httpSeconds} s per HTTP row, ${CONNECTIONS} connections`,
  subjects: SUBJECTS,
  micro,
  http,
  heap,
  seconds: (performance.now() - started) / 1000,
})
console.log(report)
if (values.out !== undefined) writeFileSync(values.out, `${report}\n`)
