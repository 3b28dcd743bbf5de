import { describe, expect, it } from 'vitest'
import { collect, deepFreeze } from '../src/internal/check-claims.js'

describe('collect()', () => {
  it('splits space-separated claims (RFC 8693 §4.2), skipping empty parts', () => {
    expect(collect({ scope: '  read  write ' }, ['scope'])).toEqual(['read', 'write'])
    expect(collect({ scope: 'one' }, ['scope'])).toEqual(['one'])
    expect(collect({ scope: '' }, ['scope'])).toEqual([])
    expect(collect({ scope: '   ' }, ['scope'])).toEqual([])
  })

  it('keeps duplicates within one claim and drops them across claims, first occurrence first', () => {
    expect(collect({ scope: 'a b a' }, ['scope'])).toEqual(['a', 'b', 'a'])
    expect(
      collect({ scope: 'b a', scp: ['a', 'c', '', 7, 'b'], permissions: 'c d' }, [
        'scope',
        'scp',
        'permissions',
      ]),
    ).toEqual(['b', 'a', 'c', 'd'])
  })

  it('dedupes a long list the same way', () => {
    const many = Array.from({ length: 40 }, (_, i) => `s${i % 25}`)
    const expected = Array.from({ length: 25 }, (_, i) => `s${i}`)
    expect(collect({ scope: many.join(' '), scp: many }, ['scope', 'scp'])).toEqual(expected)
  })

  it('ignores claims that are neither strings nor arrays', () => {
    expect(collect({ scope: 3, scp: { a: 1 } }, ['scope', 'scp'])).toEqual([])
    expect(collect({}, [])).toEqual([])
  })
})

describe('deepFreeze()', () => {
  it('freezes every object and array of a parsed claims tree', () => {
    const claims = JSON.parse(
      '{"a":{"b":[{"c":1},"x"]},"__proto__":{"d":{}},"n":null,"s":"t"}',
    ) as { a: { b: [object, string] } }
    expect(deepFreeze(claims)).toBe(claims)
    expect(Object.isFrozen(claims)).toBe(true)
    expect(Object.isFrozen(claims.a)).toBe(true)
    expect(Object.isFrozen(claims.a.b)).toBe(true)
    expect(Object.isFrozen(claims.a.b[0])).toBe(true)
    const own = Object.getOwnPropertyDescriptor(claims, '__proto__')?.value as { d: object }
    expect(Object.isFrozen(own) && Object.isFrozen(own.d)).toBe(true)
  })
})
