import { describe, expect, it } from 'vitest'
import { parseToken } from '../src/internal/parse-token.js'

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url')
const header = b64('{"alg":"RS256","kid":"k"}')
const parsesPayload = (json: string) => {
  try {
    parseToken(`${header}.${b64(json)}.c2ln`)
    return 'ok'
  } catch (error) {
    return (error as Error).message
  }
}

/** The slow reference: walk the text, decode every top-level member name, remember them. */
function referenceHasDuplicate(json: string): boolean {
  const seen = new Set<string>()
  let depth = 0
  let expectKey = false
  for (let i = 0; i < json.length; i++) {
    const ch = json[i]
    if (ch === '"') {
      let end = i + 1
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1
      if (depth === 1 && expectKey) {
        const key = JSON.parse(json.slice(i, end + 1)) as string
        if (seen.has(key)) return true
        seen.add(key)
        expectKey = false
      }
      i = end
    } else if (ch === '{' || ch === '[') {
      if (++depth === 1) expectKey = true
    } else if (ch === '}' || ch === ']') depth--
    else if (ch === ',' && depth === 1) expectKey = true
  }
  return false
}

describe('duplicate member names (RFC 7515 §4, RFC 7519 §4)', () => {
  it.each([
    ['{"a":1,"a":2}', true],
    ['{"\\u0061":1,"a":2}', true],
    ['{"a\\"":1,"a\\"":2}', true],
    ['{"\\\\":1,"\\\\":2}', true],
    ['{"a":"x\\\\","a":1}', true],
    ['{"__proto__":1,"__proto__":2}', true],
    ['{"a":"\\"a\\":1,","b":1}', false],
    ['{"a":"x\\\\\\"","b":"{[,"}', false],
    ['{"a":[1,2,{"a":3}],"b":{"c":1,"c":2}}', false],
    ['{ "a" : 1 , "b" : [ ] }', false],
    ['{}', false],
    ['{ }', false],
  ])('%s: duplicate %s', (json, duplicate) => {
    expect(referenceHasDuplicate(json)).toBe(duplicate)
    expect(parsesPayload(json)).toBe(duplicate ? 'the token payload has a member twice' : 'ok')
  })

  it('agrees with a member-by-member reference on generated objects', () => {
    let seed = 42
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const names = ['"a"', '"\\u0061"', '"b"', '"a\\""', '"\\\\"', '""', '"__proto__"', '"x,y"']
    const scalars = ['1', 'null', '"x\\"y"', '"\\\\"', '"{,}"', '"\\\\\\"\\\\"', '"a"']
    const value = (depth: number): string => {
      const pick = random(10)
      if (depth > 2 || pick < 4) return scalars[random(scalars.length)]!
      if (pick < 7)
        return `[${Array.from({ length: random(3) }, () => value(depth + 1)).join(',')}]`
      return object(depth + 1)
    }
    const object = (depth: number): string =>
      `{${Array.from({ length: random(5) }, () => `${names[random(names.length)]!} : ${value(depth)}`).join(' , ')}}`
    for (let i = 0; i < 3000; i++) {
      const json = object(0)
      const expected = referenceHasDuplicate(json) ? 'the token payload has a member twice' : 'ok'
      expect(parsesPayload(json), json).toBe(expected)
    }
  })
})
