import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import * as v from 'valibot'
import { type } from 'arktype'
import { createVerifier, parseClaims, type VerifiedToken } from '@cloudauth/core'
import {
  AUDIENCE,
  CANARY,
  ISSUER,
  assertNoLeaks,
  expectCode,
  makeKey,
  mint,
  recordEvents,
  rejectionOf,
  type TestKey,
} from './helpers.js'

let verified: VerifiedToken
let bad: VerifiedToken

beforeAll(async () => {
  const key: TestKey = await makeKey('RS256', 'key-1')
  const verifier = createVerifier({
    issuers: { issuer: ISSUER, jwks: { keys: [key.jwk] }, audience: AUDIENCE },
    onEvent: recordEvents(),
  })
  verified = await verifier.verify(
    mint(key, {
      email: 'ada@example.com',
      email_verified: true,
      org: { id: 'org-1', roles: ['owner'] },
      level: 3,
    }),
  )
  bad = await verifier.verify(
    mint(key, {
      email: `not-an-email-${CANARY}`,
      email_verified: `yes-${CANARY}`,
      org: { id: 42, roles: ['owner', 7] },
      level: `${CANARY}-high`,
    }),
  )
})
afterAll(assertNoLeaks)

/** The description must name each path, and carry no value and no schema message. */
function expectPaths(description: string, paths: readonly string[]): void {
  expect(description).toMatch(/^claims failed validation at: /)
  const listed = description.replace(/^claims failed validation at: /, '').split(', ')
  expect([...listed].sort()).toEqual([...paths].sort())
  expect(description).not.toContain(CANARY)
  expect(description).not.toMatch(/expected|invalid|received/i)
}

describe('parseClaims with zod 4', () => {
  const schema = z.object({
    sub: z.string(),
    email: z.email(),
    email_verified: z.boolean(),
    org: z.object({ id: z.string(), roles: z.array(z.string()) }),
    level: z.number().transform((n) => `level-${n}`),
  })

  it("resolves to the schema's output, typed", async () => {
    const claims = await parseClaims(verified, schema)
    expect(claims).toEqual({
      sub: 'user-1',
      email: 'ada@example.com',
      email_verified: true,
      org: { id: 'org-1', roles: ['owner'] },
      level: 'level-3',
    })
    expectTypeOf(claims).toEqualTypeOf<{
      sub: string
      email: string
      email_verified: boolean
      org: { id: string; roles: string[] }
      level: string
    }>()
  })

  it('fails with invalid_claims (401) naming the failing paths, never the values', async () => {
    const error = await expectCode(() => parseClaims(bad, schema), 'invalid_claims')
    expect(error.status).toBe(401)
    expectPaths(error.description, ['email', 'email_verified', 'org.id', 'org.roles.1', 'level'])
  })

  it('names a missing claim', async () => {
    const error = await expectCode(
      () => parseClaims(verified, z.object({ tenant: z.string() })),
      'invalid_claims',
    )
    expectPaths(error.description, ['tenant'])
  })

  it('names the root for a failure not tied to a claim', async () => {
    const error = await expectCode(
      () =>
        parseClaims(
          verified,
          z.object({}).refine(() => false, { message: CANARY }),
        ),
      'invalid_claims',
    )
    expectPaths(error.description, ['(root)'])
  })

  it('awaits an async schema', async () => {
    const schema = z.object({ sub: z.string().refine(async (sub) => sub.startsWith('user-')) })
    const pending = parseClaims(verified, schema)
    expect(pending).toBeInstanceOf(Promise)
    await expect(pending).resolves.toEqual({ sub: 'user-1' })
    const error = await expectCode(
      () => parseClaims(bad, z.object({ email: z.string().refine(async () => false) })),
      'invalid_claims',
    )
    expectPaths(error.description, ['email'])
  })

  it('does not change the verified claims', async () => {
    await parseClaims(verified, z.object({ level: z.number().transform(String) }))
    expect(verified.claims.level).toBe(3)
  })
})

describe('parseClaims with a synchronous schema', () => {
  const schema = z.object({ sub: z.string(), level: z.number() })

  it('returns the output itself, not a promise', () => {
    const claims = parseClaims(verified, schema)
    expect(claims).not.toBeInstanceOf(Promise)
    expect(claims).toEqual({ sub: 'user-1', level: 3 })
  })

  it('throws invalid_claims at once, without a rejected promise', () => {
    let thrown: unknown
    try {
      void parseClaims(bad, schema)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ code: 'invalid_claims' })
    expect((thrown as Error).message).not.toContain(CANARY)
  })

  it('takes the async path only when validate returns a promise', async () => {
    let calls = 0
    const handMade = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) => {
          calls += 1
          return Promise.resolve({ value })
        },
      },
    }
    const out = parseClaims(verified, handMade)
    expect(out).toBeInstanceOf(Promise)
    await expect(out).resolves.toBe(verified.claims)
    const failing = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: () => ({ issues: [{ message: CANARY, path: ['a', { key: 'b' }] }] }),
      },
    }
    const error = await expectCode(() => parseClaims(verified, failing), 'invalid_claims')
    expectPaths(error.description, ['a.b'])
    expect(calls).toBe(1)
  })
})

describe('parseClaims with valibot', () => {
  const schema = v.object({
    sub: v.string(),
    email: v.pipe(v.string(), v.email()),
    email_verified: v.boolean(),
    org: v.object({ id: v.string(), roles: v.array(v.string()) }),
    level: v.pipe(
      v.number(),
      v.transform((n) => n * 10),
    ),
  })

  it("resolves to the schema's output, typed", async () => {
    const claims = await parseClaims(verified, schema)
    expect(claims.level).toBe(30)
    expect(claims.org.roles).toEqual(['owner'])
    expectTypeOf(claims).toEqualTypeOf<{
      sub: string
      email: string
      email_verified: boolean
      org: { id: string; roles: string[] }
      level: number
    }>()
  })

  it('fails with invalid_claims naming the failing paths, never the values', async () => {
    const error = await expectCode(() => parseClaims(bad, schema), 'invalid_claims')
    expectPaths(error.description, ['email', 'email_verified', 'org.id', 'org.roles.1', 'level'])
  })
})

describe('parseClaims with arktype', () => {
  const schema = type({
    sub: 'string',
    email: 'string.email',
    email_verified: 'boolean',
    org: { id: 'string', roles: 'string[]' },
    level: 'number',
  })

  it("resolves to the schema's output, typed", async () => {
    const claims = await parseClaims(verified, schema)
    expect(claims.email).toBe('ada@example.com')
    expectTypeOf(claims.org.roles).toEqualTypeOf<string[]>()
    expectTypeOf(claims.level).toEqualTypeOf<number>()
    expectTypeOf(claims.email_verified).toEqualTypeOf<boolean>()
  })

  it('fails with invalid_claims naming the failing paths, never the values', async () => {
    const error = await expectCode(() => parseClaims(bad, schema), 'invalid_claims')
    expectPaths(error.description, ['email', 'email_verified', 'org.id', 'org.roles.1', 'level'])
  })
})

describe('types', () => {
  it('accepts anything with claims, and only a Standard Schema', () => {
    expectTypeOf(parseClaims).parameter(0).toEqualTypeOf<Pick<VerifiedToken, 'claims'>>()
    const literal = () => parseClaims({ claims: {} }, z.object({ a: z.literal(1) }))
    expectTypeOf(literal).returns.toEqualTypeOf<{ a: 1 } | Promise<{ a: 1 }>>()
    // @ts-expect-error: a plain function is not a Standard Schema
    expect(() => parseClaims(verified, (claims: unknown) => claims)).toThrow(TypeError)
  })
})

describe('keys a token supplies are never echoed', () => {
  it('writes a key outside the claim-name characters as *, and lists at most five paths', async () => {
    const verified = {
      claims: { meta: { '☃<script>': 1, 'x"y': 2, 'https://example.test/tenant': 3 } },
    }
    // A synchronous schema throws at once: rejectionOf takes the call as a function.
    const error = await rejectionOf(() =>
      parseClaims(verified, z.object({ meta: z.record(z.string(), z.string()) })),
    )
    expect((error as Error).message).toBe(
      'claims failed validation at: meta.*, meta.https://example.test/tenant',
    )
    const many = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, z.string()]))
    const tooMany = await rejectionOf(() => parseClaims({ claims: {} }, z.object(many)))
    expect((tooMany as Error).message).toBe('claims failed validation at: k0, k1, k2, k3, k4, ...')
  })
})
