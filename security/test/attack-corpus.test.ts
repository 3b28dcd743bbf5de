import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupServer } from 'msw/node'
import { AUTH_ERROR_INFO, type Verifier } from '@cloudauth/core'
import { acceptedRows, attackRows } from './corpus/attack-rows.js'
import { allTargets } from './corpus/targets.js'
import { expectedCode, expectRejection } from './support/expect-rejection.js'

// The attack corpus (issue 6): one row per attack, each run against core and every provider. The
// `security` and `security-web` projects run this file against the node:crypto and WebCrypto
// signature backends.

const targets = allTargets()
const rows = attackRows(targets)
const accepted = acceptedRows()
const server = setupServer(...targets.flatMap((target) => target.handlers))

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

describe('the corpus itself', () => {
  it('has unique row ids', () => {
    const ids = rows.map((row) => row.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('states for each row the status core maps its code to', () => {
    for (const row of rows) expect(AUTH_ERROR_INFO[row.code].status, row.id).toBe(row.status)
  })
})

describe.each(targets)('$name', (target) => {
  // One verifier per target for the whole table, as a long-running server has: state left by one
  // attack (a refetch for an unknown kid, a cached key) must not open the door to another. Made
  // once msw listens: core takes `globalThis.fetch` when the verifier is built.
  let verifier: Verifier
  beforeAll(() => {
    verifier = target.verifier()
  })
  const applicable = [...rows, ...(target.extraRows ?? [])].filter(
    (row) => row.applies?.(target) ?? true,
  )

  it.each(applicable.map((row) => [`${row.id}: ${row.title}`, row] as const))(
    'refuses %s',
    async (_, row) => {
      const token = row.build(target)
      await expectRejection(verifier, token, expectedCode(row, target.expected), row.status)
    },
  )

  const acceptable = accepted.filter((row) => row.applies?.(target) ?? true)
  const refused = acceptable.filter((row) => target.refuses?.[row.id] !== undefined)

  it.each(
    acceptable
      .filter((row) => !refused.includes(row))
      .map((row) => [`${row.id}: ${row.title}`, row] as const),
  )('accepts %s', async (_, row) => {
    const verified = await verifier.verify(row.build(target))
    expect(verified.issuer).toBe(target.issuer)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  if (refused.length > 0) {
    it.each(refused.map((row) => [`${row.id}: ${row.title}`, row] as const))(
      'refuses by its own stricter rule %s',
      async (_, row) => {
        const code = target.refuses?.[row.id] ?? 'invalid_claims'
        await expectRejection(verifier, row.build(target), code, 401)
      },
    )
  }
})
