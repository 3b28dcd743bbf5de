import { Buffer } from 'node:buffer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupServer } from 'msw/node'
import type { Verifier, VerifierEvent } from '@cloudauth/core'
import { attackRows } from './corpus/attack-rows.js'
import { allTargets } from './corpus/targets.js'
import { mint } from './corpus/target.js'
import { expectedCode } from './support/expect-rejection.js'

// SECURITY.md, "What the verifier tells you": the whole attack corpus again, with `onEvent` and
// `devLog` on. Each attack yields exactly one token_rejected event with its code and one dev log
// line, and neither quotes the token: no segment, and no string the token states that the
// configuration does not (a look-alike iss, a kid, a hostile claim).

const targets = allTargets()
const rows = attackRows(targets)
const server = setupServer(...targets.flatMap((target) => target.handlers))
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

/** Every string in a decoded JSON segment, where one decodes. */
function strings(segment: string): string[] {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
  } catch {
    return []
  }
  const out: string[] = []
  const walk = (node: unknown): void => {
    if (typeof node === 'string') out.push(node)
    else if (Array.isArray(node)) node.forEach(walk)
    else if (typeof node === 'object' && node !== null) {
      // Member names are left out: errors name the claims they check (`auth_time`, `client_id`).
      for (const member of Object.values(node)) walk(member)
    }
  }
  walk(value)
  return out
}

/**
 * What must not appear: the token's segments, and the token's strings of 8 characters or more that
 * are not part of the target's own configuration (its issuer, its audience, the kids it
 * publishes), which the log may name.
 */
function needles(token: string, known: string): string[] {
  const parts = token.split('.')
  const values = parts.slice(0, 2).flatMap(strings)
  return [
    ...parts.filter((part) => part.length >= 16),
    ...values.filter((value) => value.length >= 8 && !known.includes(value)),
  ]
}

describe.each(targets)('$name', (target) => {
  const events: VerifierEvent[] = []
  const lines: string[] = []
  let verifier: Verifier
  // Every issuer the target trusts (multi-pool targets trust several), as the dev log lists them
  // for a token from nowhere: configuration, which the log may name.
  let trusted = ''
  beforeAll(async () => {
    verifier = target.verifier({
      onEvent: (event) => events.push(event),
      devLog: (line) => lines.push(line),
    })
    await verifier
      .verify(mint(target, { claims: { iss: 'https://nowhere.invalid/' } }))
      .catch(() => undefined)
    trusted = lines.join('\n')
    expect(trusted).toContain(JSON.stringify(target.issuer))
  })
  const known = () =>
    [
      target.issuer,
      target.audience.value,
      target.key.kid,
      target.ecKey?.kid ?? '',
      target.unboundRsaKey?.kid ?? '',
      target.otherIssuerKey.kid,
      `${target.issuer}/.well-known/jwks.json`,
      'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com',
      'https://www.googleapis.com/identitytoolkit/v3/relyingparty/publicKeys',
      trusted,
    ].join('\n')
  const applicable = [...rows, ...(target.extraRows ?? [])].filter(
    (row) => row.applies?.(target) ?? true,
  )

  it.each(applicable.map((row) => [`${row.id}: ${row.title}`, row] as const))(
    '%s: one event and one log line, neither quoting the token',
    async (_, row) => {
      const token = row.build(target)
      events.length = 0
      lines.length = 0
      await verifier.verify(token).then(
        () => expect.fail('accepted'),
        () => undefined,
      )
      const rejected = events.filter((event) => event.type === 'token_rejected')
      expect(rejected).toHaveLength(1)
      expect(rejected[0]?.type === 'token_rejected' && rejected[0].code).toBe(
        expectedCode(row, target.expected),
      )
      expect(lines).toHaveLength(1)
      const said = JSON.stringify([events, lines], (_key, value: unknown) =>
        value instanceof Error ? value.message : value,
      )
      for (const needle of needles(token, known())) {
        expect(
          said.includes(JSON.stringify(needle).slice(1, -1)),
          `leaked ${needle.slice(0, 40)}`,
        ).toBe(false)
      }
    },
  )
})
