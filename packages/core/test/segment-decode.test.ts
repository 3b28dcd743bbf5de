import { describe, expect, it } from 'vitest'
import { backend } from '#crypto'
import { isCanonicalBase64url } from '../src/internal/base64url.js'

// Runs in the `core` and `core-web` projects: both signature backends must accept exactly the
// canonical spellings, or a token could verify on one runtime and not on another.
describe(`segment decoding (${backend.name} backend)`, () => {
  it.each([
    ['', true],
    ['QQ', true],
    ['QR', false], // padding bits set: another spelling of "A"
    ['QUI', true],
    ['QUJ', false],
    ['QUJD', true],
    ['Q', false], // length 1 mod 4
    ['QQ==', false],
    ['a+b/', false],
    ['a-b_', true],
    ['QU JD', false],
    ['QUJD\n', false],
    ['QU\u0141D', false], // a character whose low byte is "A"
    ['QU.D', false],
  ])('%j canonical: %s', (segment, canonical) => {
    expect(isCanonicalBase64url(segment)).toBe(canonical)
    const bytes = backend.decode(segment)
    expect(bytes !== undefined).toBe(canonical)
    if (bytes !== undefined) expect(Buffer.from(bytes).toString('base64url')).toBe(segment)
  })

  it('agrees with the alphabet rule on generated strings', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const odd = ['+', '/', '=', ' ', '\t', '.', '%', '\u0000', '\u00c1', '\u0141', '\ud83d']
    let seed = 7
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    for (let i = 0; i < 20_000; i++) {
      let segment = ''
      const length = random(10)
      for (let j = 0; j < length; j++) {
        segment += random(10) < 8 ? alphabet.charAt(random(64)) : (odd[random(odd.length)] ?? '')
      }
      expect(backend.decode(segment) !== undefined, segment).toBe(isCanonicalBase64url(segment))
    }
  })
})
