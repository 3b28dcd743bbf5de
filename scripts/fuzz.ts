/**
 * `pnpm fuzz [--runs N] [--seed S]`: runs the security properties of issue 6 long.
 *
 * The same properties CI runs with a fixed seed and a few hundred cases each
 * (security/test/properties.test.ts), here with N cases in all (default 1,000,000), shared by
 * each property's weight. Without --seed a fresh seed is drawn, so repeated runs explore new
 * cases; it is printed, and `--seed S` replays a run exactly. Exits 1 on the first failing
 * property, printing fast-check's report (seed, path and the shrunk counterexample).
 *
 * Then the HTTP property of issue 10 (packages/core/test-support/http-fuzz.ts) with `--http-runs`
 * cases (default 3,000) against each binding on real sockets: Hono on @hono/node-server, Express 5
 * and Express 4.
 */
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import express from 'express'
import type { Express } from 'express'
import { checkHttpProperty, fuzzVerifier } from '../packages/core/test-support/http-fuzz.js'
import {
  startExpressFuzzServer,
  startHonoFuzzServer,
} from '../packages/core/test-support/fuzz-servers.js'
import { createFuzzContext } from '../security/test/fuzz/fuzz-context.js'
import { SECURITY_PROPERTIES } from '../security/test/fuzz/properties.js'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    'http-runs': { type: 'string', default: '3000' },
    seed: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})

if (values.help) {
  console.log('usage: pnpm fuzz [--runs N] [--seed S]   (default 1,000,000 cases, a fresh seed)')
  process.exit(0)
}

const total = Number(values.runs.replace(/[_,]/g, ''))
if (!Number.isInteger(total) || total < SECURITY_PROPERTIES.length) {
  console.error(`--runs must be an integer of at least ${SECURITY_PROPERTIES.length}`)
  process.exit(2)
}
const seed =
  values.seed === undefined ? (Date.now() ^ (process.pid << 16)) | 0 : Number(values.seed)
if (!Number.isInteger(seed)) {
  console.error('--seed must be an integer')
  process.exit(2)
}

const format = (n: number) => n.toLocaleString('en-US')
const context = await createFuzzContext()
console.log(`cloudauth fuzz: ${format(total)} cases, seed ${seed}, node ${process.version}`)

let ran = 0
const started = performance.now()
for (const property of SECURITY_PROPERTIES) {
  const numRuns = Math.max(1, Math.round(total * property.weight))
  const begin = performance.now()
  try {
    await property.check(context, { seed, numRuns })
  } catch (error) {
    console.error(`\nFAILED: ${property.name}`)
    console.error(error instanceof Error ? error.message : error)
    console.error(`\nreplay: pnpm fuzz --runs ${total} --seed ${seed}`)
    process.exit(1)
  }
  const seconds = (performance.now() - begin) / 1000
  ran += numRuns
  console.log(
    `  ok  ${format(numRuns).padStart(9)} cases  ${seconds.toFixed(1).padStart(6)} s  ` +
      `${format(Math.round(numRuns / seconds)).padStart(7)}/s  ${property.name}`,
  )
}
const seconds = (performance.now() - started) / 1000
console.log(
  `passed: ${format(ran)} cases in ${seconds.toFixed(1)} s across ${SECURITY_PROPERTIES.length} properties, seed ${seed}`,
)

// The HTTP property, through every binding on 127.0.0.1.
const httpRuns = Number(values['http-runs'].replace(/[_,]/g, ''))
const express4 = (await import(
  dirname(
    createRequire(new URL('../packages/express/package.json', import.meta.url)).resolve(
      'express4/package.json',
    ),
  ) + '/index.js'
)) as { default: () => Express }
const servers = [
  ['Hono (node-server)', () => startHonoFuzzServer(fuzzVerifier())],
  ['Express 5', () => startExpressFuzzServer(express, fuzzVerifier())],
  ['Express 4', () => startExpressFuzzServer(express4.default, fuzzVerifier())],
] as const
for (const [name, start] of servers) {
  const server = await start()
  const begin = performance.now()
  try {
    await checkHttpProperty(server, { seed, numRuns: httpRuns })
  } catch (error) {
    console.error(`\nFAILED: HTTP property, ${name}`)
    console.error(error instanceof Error ? error.message : error)
    console.error(`\nreplay: pnpm fuzz --http-runs ${httpRuns} --seed ${seed}`)
    process.exit(1)
  } finally {
    await server.close()
  }
  console.log(
    `  ok  ${format(httpRuns).padStart(9)} cases  ${((performance.now() - begin) / 1000).toFixed(1).padStart(6)} s  HTTP property, ${name}`,
  )
}
