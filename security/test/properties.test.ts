import { beforeAll, describe, expect, it } from 'vitest'
import { hasScopes, requireScopes } from '@cloudauth/core'
import { createFuzzContext, type FuzzContext } from './fuzz/fuzz-context.js'
import { FUZZ_SEED, SECURITY_PROPERTIES } from './fuzz/properties.js'

// Property-based fuzzing (issue 6) with a fixed seed and a CI-sized run count; `pnpm fuzz` runs the
// same properties long. Both signature backends run this file (the security and security-web projects).

let context: FuzzContext
beforeAll(async () => {
  context = await createFuzzContext()
})

describe('security properties', () => {
  it.each(SECURITY_PROPERTIES.map((property) => [property.name, property] as const))(
    '%s',
    async (_, property) => {
      await property.check(context, { seed: FUZZ_SEED, numRuns: property.ciRuns })
    },
  )

  it('share the whole of a long run between them', () => {
    const total = SECURITY_PROPERTIES.reduce((sum, property) => sum + property.weight, 0)
    expect(total).toBeCloseTo(1, 10)
  })
})

describe('the rule the scope reference encodes', () => {
  it('meets an empty requirement in both modes (bindings refuse an empty list when a route is built)', () => {
    expect(hasScopes({ scopes: [] }, [], 'all')).toBe(true)
    expect(hasScopes({ scopes: [] }, [], 'any')).toBe(true)
    expect(() => requireScopes({ scopes: ['read'] }, [], 'any')).not.toThrow()
  })

  it('compares scopes exactly: no case folding, no trimming, no prefixes', () => {
    for (const held of [['READ'], ['read '], ['read:users'], ['rea']]) {
      expect(hasScopes({ scopes: held }, ['read'], 'any'), held[0]).toBe(false)
    }
  })
})
