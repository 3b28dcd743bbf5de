import { afterAll, beforeAll, it } from 'vitest'
import {
  checkHttpProperty,
  fuzzVerifier,
  type FuzzServer,
} from '../../core/test-support/http-fuzz.js'
import { startHonoFuzzServer } from '../../core/test-support/fuzz-servers.js'

let server: FuzzServer
beforeAll(async () => {
  server = await startHonoFuzzServer(fuzzVerifier())
})
afterAll(() => server.close())

// Fixed seed here; `pnpm fuzz` runs the same property at length.
it('no header bytes, scope or realm make Hono answer other than 200/400/401/403/503', async () => {
  await checkHttpProperty(server, { seed: 20261203, numRuns: 150 })
}, 60_000)
