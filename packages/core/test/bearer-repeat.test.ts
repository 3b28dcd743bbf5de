import { describe, expect, it } from 'vitest'
import { bearer, isAuthError } from '@cloudauth/core'

const request = (authorization: string | undefined) => ({
  header: (name: string) => (name === 'authorization' ? authorization : undefined),
})

// bearer() remembers the last well-formed header value: these pin that the shortcut answers
// exactly what the full check answers, in any order of values.
describe('bearer() on repeated and alternating header values', () => {
  it('answers every value as a fresh source would, whatever came before', () => {
    const values = [
      'Bearer abc.def.ghi',
      'Bearer abc.def.ghi',
      'bearer   abc.def.ghi  ',
      'Bearer abc.def.gh!',
      'Bearer abc.def.ghi',
      'Basic dXNlcjpwYXNz',
      'Bearer abc.def.ghi',
      'Bearer ',
      'Bearer abc.def.ghi, Bearer x',
      'Bearer xyz.uvw.rst',
      'Bearer abc.def.ghi',
      undefined,
      'Bearer abc.def.ghi',
    ]
    const outcome = (source: ReturnType<typeof bearer>, value: string | undefined) => {
      try {
        return source.read(request(value)) ?? 'none'
      } catch (error) {
        return isAuthError(error) ? error.code : 'error'
      }
    }
    const shared = bearer()
    for (const value of values) {
      expect(outcome(shared, value), String(value)).toBe(outcome(bearer(), value))
    }
    expect(values.map((value) => outcome(shared, value))).toEqual([
      'abc.def.ghi',
      'abc.def.ghi',
      'abc.def.ghi',
      'invalid_request',
      'abc.def.ghi',
      'none',
      'abc.def.ghi',
      'invalid_request',
      'invalid_request',
      'xyz.uvw.rst',
      'abc.def.ghi',
      'none',
      'abc.def.ghi',
    ])
  })
})
