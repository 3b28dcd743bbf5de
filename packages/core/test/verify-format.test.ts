import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  KeyServer,
  assertNoLeaks,
  b64url,
  expectCode,
  makeKey,
  mint,
  standardClaims,
  track,
  verifierOn,
  type TestKey,
} from './helpers.js'

let key: TestKey
let token: string
let header: string
let payload: string
let signature: string

beforeAll(async () => {
  key = await makeKey('RS256', 'key-1')
  token = mint(key)
  ;[header, payload, signature] = token.split('.') as [string, string, string]
})
afterAll(assertNoLeaks)

describe('shape (RFC 7515 §7.1)', () => {
  it.each([
    ['an empty string', () => ''],
    ['one segment', () => header],
    ['two segments', () => `${header}.${payload}`],
    ['four segments', () => `${token}.${signature}`],
    ['five segments (a JWE)', () => `${header}.${payload}.${signature}.${signature}.${signature}`],
    ['only dots', () => '..'],
    ['an empty header', () => `.${payload}.${signature}`],
    ['an empty payload', () => `${header}..${signature}`],
  ])('refuses %s as malformed_token, with no network request', async (_name, build) => {
    const server = new KeyServer(key)
    const verifier = verifierOn(server)
    await expectCode(verifier.verify(track(build())), 'malformed_token')
    expect(server.calls).toBe(0)
  })

  it('refuses a value that is not a string', async () => {
    const verifier = verifierOn(new KeyServer(key))
    await expectCode(verifier.verify(42 as unknown as string), 'malformed_token')
    await expectCode(verifier.verify(undefined as unknown as string), 'malformed_token')
  })
})

describe('base64url (RFC 7515 §2: unpadded, URL-safe alphabet)', () => {
  const mutate = (part: 'header' | 'payload' | 'signature', change: (s: string) => string) => {
    const parts = { header, payload, signature }
    parts[part] = change(parts[part])
    return track(`${parts.header}.${parts.payload}.${parts.signature}`)
  }

  it.each(['header', 'payload', 'signature'] as const)(
    'refuses + / = padding, whitespace and non-ASCII in the %s',
    async (part) => {
      const server = new KeyServer(key)
      const verifier = verifierOn(server)
      for (const change of [
        (s: string) => `${s.slice(0, 4)}+${s.slice(5)}`,
        (s: string) => `${s.slice(0, 4)}/${s.slice(5)}`,
        (s: string) => `${s}==`,
        (s: string) => `${s.slice(0, 4)} ${s.slice(5)}`,
        (s: string) => `${s}\n`,
        (s: string) => `${s.slice(0, 4)}é${s.slice(5)}`,
        // A length of 1 mod 4 cannot come from whole bytes.
        (s: string) => s.slice(0, s.length - ((s.length - 1) % 4)),
      ]) {
        await expectCode(verifier.verify(mutate(part, change)), 'malformed_token')
      }
      expect(server.calls).toBe(0)
    },
  )

  it('refuses a non-canonical last character (two spellings of the same bytes)', async () => {
    const verifier = verifierOn(new KeyServer(key))
    // The RS256 signature is 256 bytes: 342 characters, the last carrying 2 bits of padding.
    const last = signature.charAt(signature.length - 1)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const twin = alphabet.charAt(alphabet.indexOf(last) + 1)
    await expectCode(
      verifier.verify(track(`${header}.${payload}.${signature.slice(0, -1)}${twin}`)),
      'malformed_token',
    )
  })
})

describe('header and payload must be JSON objects', () => {
  it.each([
    ['an array', '[]'],
    ['a string', '"RS256"'],
    ['a number', '42'],
    ['null', 'null'],
    ['true', 'true'],
    ['invalid JSON', '{"alg":"RS256",'],
    ['not JSON at all', 'hello'],
  ])('refuses a header that is %s', async (_name, json) => {
    const server = new KeyServer(key)
    const verifier = verifierOn(server)
    await expectCode(verifier.verify(mint(key, {}, { rawHeader: json })), 'malformed_token')
    expect(server.calls).toBe(0)
  })

  it.each([
    ['an array', '[]'],
    ['a string', '"sub"'],
    ['a number', '42'],
    ['null', 'null'],
    ['invalid JSON', '{"iss":'],
  ])('refuses a payload that is %s', async (_name, json) => {
    const server = new KeyServer(key)
    const verifier = verifierOn(server)
    await expectCode(verifier.verify(mint(key, {}, { rawPayload: json })), 'malformed_token')
    expect(server.calls).toBe(0)
  })

  it('refuses a segment that is not UTF-8', async () => {
    const verifier = verifierOn(new KeyServer(key))
    const bad = b64url(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))
    await expectCode(verifier.verify(track(`${bad}.${payload}.${signature}`)), 'malformed_token')
    await expectCode(verifier.verify(track(`${header}.${bad}.${signature}`)), 'malformed_token')
  })

  it('refuses duplicate members in the header or the payload (RFC 7515 §4, RFC 7519 §4)', async () => {
    const verifier = verifierOn(new KeyServer(key))
    const claims = JSON.stringify(standardClaims()).slice(1, -1)
    const dupPayload = `{${claims},"sub":"admin"}`
    await expectCode(verifier.verify(mint(key, {}, { rawPayload: dupPayload })), 'malformed_token')
    const dupHeader = `{"alg":"RS256","kid":"key-1","kid":"key-1"}`
    await expectCode(verifier.verify(mint(key, {}, { rawHeader: dupHeader })), 'malformed_token')
    // Nested objects may repeat member names of the top level.
    const nested = `{${claims},"org":{"sub":"x","iss":"y"}}`
    await expect(verifier.verify(mint(key, {}, { rawPayload: nested }))).resolves.toBeDefined()
  })
})

describe('maxTokenBytes', () => {
  /** A valid token padded by a claim so that its length is as close to `target` as it can be. */
  function tokenOfLength(target: number, pick: 'atMost' | 'above'): string {
    // Each character of the claim adds 4/3 of a character to the token.
    const start = Math.floor(((target - mint(key, { pad: '' }).length) * 3) / 4) - 6
    for (let pad = start; pad < start + 12; pad++) {
      const candidate = mint(key, { pad: 'x'.repeat(pad) })
      if (pick === 'atMost' && candidate.length <= target && candidate.length > target - 4)
        return candidate
      if (pick === 'above' && candidate.length > target) return candidate
    }
    throw new Error('no such token')
  }

  it('accepts a valid token of up to 8,192 characters by default', async () => {
    const verifier = verifierOn(new KeyServer(key))
    const big = tokenOfLength(8192, 'atMost')
    expect(big.length).toBeLessThanOrEqual(8192)
    await expect(verifier.verify(big)).resolves.toBeDefined()
  })

  it('refuses a longer one as malformed_token before any parsing or fetching', async () => {
    const server = new KeyServer(key)
    const verifier = verifierOn(server)
    const big = tokenOfLength(8192, 'above')
    expect(big.length).toBeGreaterThan(8192)
    const error = await expectCode(verifier.verify(big), 'malformed_token')
    expect(error.description).toContain('8192')
    // Garbage of that size is refused for its size, not for its shape.
    const garbage = await expectCode(verifier.verify(track('!'.repeat(9000))), 'malformed_token')
    expect(garbage.description).toBe(error.description)
    expect(server.calls).toBe(0)
  })

  it('honours a custom limit', async () => {
    const verifier = verifierOn(new KeyServer(key), { maxTokenBytes: token.length })
    await expect(verifier.verify(token)).resolves.toBeDefined()
    const longer = mint(key, { pad: 'xxxx' })
    const error = await expectCode(verifier.verify(longer), 'malformed_token')
    expect(error.description).toContain(String(token.length))
  })
})
