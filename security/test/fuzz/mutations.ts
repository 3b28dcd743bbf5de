import fc from 'fast-check'

/**
 * One change to a token, as data (so fast-check can shrink a failing sequence to the smallest):
 * bit flips in the decoded bytes of a segment or in the raw text, segment swaps and repeats,
 * header or payload re-encoded with changed members, truncation, cuts, insertions, concatenation.
 */
export type Mutation =
  | {
      readonly kind: 'flip-bit'
      readonly segment: 0 | 1 | 2
      readonly at: number
      readonly bit: number
    }
  | { readonly kind: 'flip-char'; readonly at: number; readonly bit: number }
  | { readonly kind: 'segments'; readonly order: readonly (0 | 1 | 2)[] }
  | {
      readonly kind: 'rewrite'
      readonly segment: 0 | 1
      readonly set: Readonly<Record<string, unknown>>
      readonly remove: readonly string[]
    }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'cut'; readonly at: number; readonly length: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'concat'; readonly prefix: string; readonly suffix: string }

const segmentIndex = fc.constantFrom<0 | 1 | 2>(0, 1, 2)
const position = fc.nat({ max: 4096 })

/** Header values an attacker would try, and random ones. */
const headerValue = (kids: readonly string[]) =>
  fc.oneof(
    fc.constantFrom(
      'none',
      'None',
      'HS256',
      'HS512',
      'RS256',
      'ES256',
      'PS256',
      'RS384',
      'EdDSA',
      '',
    ),
    fc.constantFrom(...kids),
    fc.string({ maxLength: 40 }),
    fc.jsonValue({ maxDepth: 2 }),
  )

const HEADER_MEMBERS = [
  'alg',
  'kid',
  'typ',
  'cty',
  'jku',
  'jwk',
  'x5u',
  'x5c',
  'crit',
  'b64',
  'zip',
  'enc',
]
const CLAIM_MEMBERS = [
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'scope',
  'jti',
  '__proto__',
  'constructor',
]

/** Any single mutation; `kids` and `tokens` let rewrites and concatenations use the real ones. */
export function mutationArbitrary(
  kids: readonly string[],
  tokens: readonly string[],
): fc.Arbitrary<Mutation> {
  const text = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom('.', '..', '=', ' ', '\n', '+', '/', '%2E', '\u0000', '\ufeff'),
  )
  return fc.oneof(
    fc.record({
      kind: fc.constant('flip-bit' as const),
      segment: segmentIndex,
      at: position,
      bit: fc.nat({ max: 7 }),
    }),
    fc.record({ kind: fc.constant('flip-char' as const), at: position, bit: fc.nat({ max: 6 }) }),
    fc.record({
      kind: fc.constant('segments' as const),
      order: fc.array(segmentIndex, { minLength: 1, maxLength: 5 }),
    }),
    fc.record({
      kind: fc.constant('rewrite' as const),
      segment: fc.constantFrom<0 | 1>(0),
      set: fc.dictionary(fc.constantFrom(...HEADER_MEMBERS), headerValue(kids), { maxKeys: 3 }),
      remove: fc.subarray(HEADER_MEMBERS, { maxLength: 2 }),
    }),
    fc.record({
      kind: fc.constant('rewrite' as const),
      segment: fc.constantFrom<0 | 1>(1),
      set: fc.dictionary(fc.constantFrom(...CLAIM_MEMBERS), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 3,
      }),
      remove: fc.subarray(CLAIM_MEMBERS, { maxLength: 2 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: position }),
    fc.record({
      kind: fc.constant('cut' as const),
      at: position,
      length: fc.integer({ min: 1, max: 64 }),
    }),
    fc.record({ kind: fc.constant('insert' as const), at: position, text }),
    fc.record({
      kind: fc.constant('concat' as const),
      prefix: fc.oneof(
        fc.constant(''),
        text,
        fc.constantFrom(...tokens).map((t) => `${t}.`),
      ),
      suffix: fc.oneof(
        fc.constant(''),
        text,
        fc.constantFrom(...tokens).map((t) => `.${t}`),
        fc.constantFrom(...tokens),
      ),
    }),
  )
}

function decode(segment: string): Uint8Array {
  return new Uint8Array(Buffer.from(segment, 'base64url'))
}

function encode(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64url')
}

/** Applies one mutation. The result may equal the input (a rewrite to the same value, say). */
export function applyMutation(token: string, mutation: Mutation): string {
  const parts = token.split('.')
  switch (mutation.kind) {
    case 'flip-bit': {
      const segment = parts[mutation.segment]
      if (segment === undefined) return `${token}A`
      const bytes = decode(segment)
      if (bytes.length === 0) return `${token}A`
      const at = mutation.at % bytes.length
      bytes[at] = (bytes[at] ?? 0) ^ (1 << mutation.bit)
      parts[mutation.segment] = encode(bytes)
      return parts.join('.')
    }
    case 'flip-char': {
      if (token.length === 0) return 'A'
      const at = mutation.at % token.length
      const flipped = String.fromCharCode(token.charCodeAt(at) ^ (1 << mutation.bit))
      return `${token.slice(0, at)}${flipped}${token.slice(at + 1)}`
    }
    case 'segments':
      return mutation.order.map((index) => parts[index] ?? '').join('.')
    case 'rewrite': {
      const segment = parts[mutation.segment]
      if (segment === undefined) return `${token}.`
      let value: unknown
      try {
        value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
      } catch {
        return token
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return token
      const rewritten: Record<string, unknown> = { ...(value as Record<string, unknown>) }
      for (const name of mutation.remove) Reflect.deleteProperty(rewritten, name)
      for (const [name, member] of Object.entries(mutation.set)) {
        Object.defineProperty(rewritten, name, {
          value: member,
          enumerable: true,
          configurable: true,
          writable: true,
        })
      }
      parts[mutation.segment] = encode(JSON.stringify(rewritten))
      return parts.join('.')
    }
    case 'truncate':
      return token.slice(0, mutation.at % Math.max(token.length, 1))
    case 'cut': {
      const at = mutation.at % Math.max(token.length, 1)
      return `${token.slice(0, at)}${token.slice(at + mutation.length)}`
    }
    case 'insert': {
      const at = mutation.at % (token.length + 1)
      return `${token.slice(0, at)}${mutation.text}${token.slice(at)}`
    }
    case 'concat':
      return `${mutation.prefix}${token}${mutation.suffix}`
  }
}
