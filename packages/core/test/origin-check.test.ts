import { describe, expect, it } from 'vitest'
import { ConfigError } from '@cloudauth/core'
import { originCheck } from '@cloudauth/core/binding'
import { ConfigProblems } from '@cloudauth/core/provider'

const APP = 'https://app.example.com/route'
const from = (origin?: string) =>
  new Request(APP, { method: 'POST', headers: origin === undefined ? {} : { origin } })
const url = new URL(APP)

describe('originCheck', () => {
  it("passes the request's own origin and the listed ones, refuses others", () => {
    const check = originCheck({ allowedOrigins: ['https://spa.example.com'] })
    expect(check(from('https://app.example.com'), url)).toBe(true)
    expect(check(from('https://spa.example.com'), url)).toBe(true)
    expect(check(from('https://evil.example'), url)).toBe(false)
    expect(check(from('null'), url)).toBe(false)
    expect(check(from('https://app.example.com.evil.example'), url)).toBe(false)
  })

  it('a request without Origin passes unless requireOrigin', () => {
    expect(originCheck({ allowedOrigins: [] })(from(), url)).toBe(true)
    expect(originCheck({ allowedOrigins: [], requireOrigin: true })(from(), url)).toBe(false)
  })

  it('null switches the check off', () => {
    expect(originCheck({ allowedOrigins: null })(from('https://evil.example'), url)).toBe(true)
  })

  it('refuses what is not a list of origins, naming the option, at construction', () => {
    for (const allowedOrigins of ['https://spa.example.com', {}, 7])
      expect(() => originCheck({ allowedOrigins })).toThrow(
        new ConfigError('allowedOrigins', 'must be a list of origins, or null'),
      )
    for (const bad of ['https://spa.example.com/', 'spa.example.com', 'https://a.b/path', 42])
      expect(() => originCheck({ allowedOrigins: [bad], option: 'origins' })).toThrow(
        /^origins: must hold origins such as/,
      )
    const problems = new ConfigProblems()
    originCheck({ allowedOrigins: ['nope'], problems })
    expect(problems.size).toBe(1)
  })
})
