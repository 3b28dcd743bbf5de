import express from 'express'
import { afterAll, beforeAll, it } from 'vitest'
import {
  checkHttpProperty,
  fuzzVerifier,
  type FuzzServer,
} from '../../core/test-support/http-fuzz.js'
import { startExpressFuzzServer } from '../../core/test-support/fuzz-servers.js'

let server: FuzzServer
beforeAll(async () => {
  // `express` is Express 4 in the express-4 project (an alias), 5 otherwise.
  server = await startExpressFuzzServer(express, fuzzVerifier())
})
afterAll(() => server.close())

// Fixed seed here; `pnpm fuzz` runs the same property at length.
it(`no header bytes, scope or realm make Express ${process.env.EXPRESS_MAJOR ?? ''} answer other than 200/400/401/403/503`, async () => {
  await checkHttpProperty(server, { seed: 20261203, numRuns: 150 })
}, 60_000)
