import { describe, expect, it } from 'vitest'
import { backend } from '#crypto'
import { createVerifier } from '@cloudauth/core'
import { AUDIENCE, ISSUER, jwksOf, makeKey, mint, recordEvents, track } from './helpers.js'

/** The same token with one signature byte changed (still canonical base64url). */
function forge(token: string): string {
  const dot = token.lastIndexOf('.')
  const signature = Buffer.from(token.slice(dot + 1), 'base64url')
  signature[signature.length >> 1]! ^= 0x01
  return track(`${token.slice(0, dot)}.${signature.toString('base64url')}`)
}

// Runs in `core` and `core-web`. On node:crypto, overlapping checks move to libuv's pool (the
// callback form of crypto.verify) while one-at-a-time checks stay synchronous: verdicts must not
// depend on which path a check took.
describe(`concurrent verification (${backend.name} backend)`, () => {
  it.each(['RS256', 'PS256', 'ES256', 'EdDSA'])(
    '%s: 300 overlapping verifies give the same verdicts as one at a time',
    async (alg) => {
      const key = await makeKey(alg, `key-${alg}`)
      const verifier = createVerifier({
        issuers: { issuer: ISSUER, jwks: jwksOf(key), audience: AUDIENCE },
        algorithms: [alg as 'RS256'],
        cache: false,
        onEvent: recordEvents(),
      })
      const tokens = Array.from({ length: 150 }, (_, i) => mint(key, { sub: `user-${i}` }))
      const cases = tokens.flatMap((token) => [
        { token, valid: true },
        { token: forge(token), valid: false },
      ])
      const verdicts = async (list: typeof cases) =>
        (await Promise.allSettled(list.map(({ token }) => verifier.verify(token)))).map(
          (outcome) =>
            outcome.status === 'fulfilled'
              ? 'valid'
              : ((outcome.reason as { code?: string }).code ?? 'error'),
        )
      const expected = cases.map(({ valid }) => (valid ? 'valid' : 'invalid_signature'))
      expect(await verdicts(cases)).toEqual(expected)
      const oneAtATime: string[] = []
      for (const item of cases.slice(0, 40)) oneAtATime.push(...(await verdicts([item])))
      expect(oneAtATime).toEqual(expected.slice(0, 40))
    },
  )

  it('takes the pool only when checks overlap (node:crypto), and the verdicts agree', async () => {
    const key = await makeKey('ES256', 'key-es')
    const imported = backend.importKey({ jwk: key.jwk }, 'ES256')
    const keyHandle: unknown = await Promise.resolve(imported)
    const token = mint(key)
    const dot = token.lastIndexOf('.')
    const input = token.slice(0, dot)
    const good = new Uint8Array(Buffer.from(token.slice(dot + 1), 'base64url'))
    const bad = good.slice()
    bad[7]! ^= 0x80
    // Checks started without waiting for any: the overlapping case. More of them than the longest
    // probe interval (4,096), so a probe happens whatever earlier tests left behind.
    const started = Array.from({ length: 4200 }, (_, i) =>
      backend.verify('ES256', keyHandle, input, i % 2 === 0 ? good : bad),
    )
    const pending = started.filter((result) => result instanceof Promise).length
    if (backend.name === 'node') {
      expect(pending).toBeGreaterThan(0)
      expect(pending).toBeLessThan(4200)
    } else {
      expect(pending).toBe(4200)
    }
    const results = await Promise.all(started.map((result) => Promise.resolve(result)))
    expect(results).toEqual(started.map((_, i) => i % 2 === 0))
    // Waiting for each result in turn: synchronous on node:crypto apart from the rare probe.
    let sync = 0
    for (let i = 0; i < 50; i++) {
      const result = backend.verify('ES256', keyHandle, input, good)
      if (!(result instanceof Promise)) sync++
      expect(await result).toBe(true)
    }
    if (backend.name === 'node') expect(sync).toBeGreaterThanOrEqual(49)
  })
})
