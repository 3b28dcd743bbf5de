import { describe, expect, it } from 'vitest'
import { DEFAULTS } from '../src/provider.js'

describe('DEFAULTS', () => {
  it('is frozen all the way down, so no assignment widens later verifiers', () => {
    expect(Object.isFrozen(DEFAULTS)).toBe(true)
    expect(Object.isFrozen(DEFAULTS.jwks)).toBe(true)
    expect(Object.isFrozen(DEFAULTS.algorithms)).toBe(true)
    expect(() => {
      ;(DEFAULTS as { clockTolerance: number }).clockTolerance = 86_400
    }).toThrow(TypeError)
    expect(() => {
      ;(DEFAULTS.algorithms as string[]).push('HS256')
    }).toThrow(TypeError)
    expect(DEFAULTS.clockTolerance).toBe(5)
    expect(DEFAULTS.algorithms).toEqual(['RS256'])
  })
})
