import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createVerifier,
  hasScopes,
  requireGroups,
  requireScopes,
  toErrorResponse,
  wwwAuthenticate,
  type IssuerOptions,
  type VerifierOptions,
} from '@cloudauth/core'
import {
  AUDIENCE,
  ISSUER,
  assertNoLeaks,
  expectCode,
  makeKey,
  mint,
  recordEvents,
  type TestKey,
} from './helpers.js'

let key: TestKey

beforeAll(async () => {
  key = await makeKey('RS256', 'key-1')
})
afterAll(assertNoLeaks)

const held = { scopes: ['read:users', 'write:users'], groups: ['admin'] }

describe('hasScopes', () => {
  it("'all' (the default) needs every listed scope", () => {
    expect(hasScopes(held, ['read:users'])).toBe(true)
    expect(hasScopes(held, ['read:users', 'write:users'], 'all')).toBe(true)
    expect(hasScopes(held, ['read:users', 'delete:users'])).toBe(false)
  })

  it("'any' needs at least one", () => {
    expect(hasScopes(held, ['delete:users', 'write:users'], 'any')).toBe(true)
    expect(hasScopes(held, ['delete:users', 'admin'], 'any')).toBe(false)
  })

  it('treats an empty requirement as met, and matches exactly (no prefixes, no case folding)', () => {
    expect(hasScopes({ scopes: [] }, [])).toBe(true)
    expect(hasScopes({ scopes: [] }, [], 'any')).toBe(true)
    expect(hasScopes(held, ['read'])).toBe(false)
    expect(hasScopes(held, ['READ:USERS'])).toBe(false)
    expect(hasScopes({ scopes: [] }, ['read:users'], 'any')).toBe(false)
  })

  it('agrees with a plain reference on many scope sets', () => {
    const pool = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']
    let seed = 7
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
    const pick = () => pool.filter(() => random() < 0.4)
    for (let i = 0; i < 500; i++) {
      const scopes = pick()
      const required = pick()
      expect(hasScopes({ scopes }, required, 'all')).toBe(required.every((s) => scopes.includes(s)))
      expect(hasScopes({ scopes }, required, 'any')).toBe(
        required.length === 0 || required.some((s) => scopes.includes(s)),
      )
    }
  })
})

describe('requireScopes', () => {
  it("passes when met, 'all' and 'any'", () => {
    expect(() => requireScopes(held, ['read:users', 'write:users'])).not.toThrow()
    expect(() => requireScopes(held, ['x', 'read:users'], 'any')).not.toThrow()
  })

  it("throws insufficient_scope (403) naming the required scopes in the challenge ('all')", async () => {
    const error = await expectCode(
      () => requireScopes(held, ['read:users', 'delete:users']),
      'insufficient_scope',
    )
    expect(error.status).toBe(403)
    expect(error.scope).toEqual(['read:users', 'delete:users'])
    expect(wwwAuthenticate(error)).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="the token lacks a required scope", scope="read:users delete:users"',
    )
  })

  it('throws insufficient_scope with scope="..." when none of \'any\' is held', async () => {
    const error = await expectCode(
      () => requireScopes(held, ['a', 'b'], 'any'),
      'insufficient_scope',
    )
    expect(toErrorResponse(error)).toEqual({
      status: 403,
      headers: {
        'cache-control': 'no-store',
        'content-type': 'application/json; charset=utf-8',
        'www-authenticate':
          'Bearer realm="api", error="insufficient_scope", error_description="the token holds none of the accepted scopes", scope="a b"',
      },
      body: {
        error: 'insufficient_scope',
        error_description: 'the token holds none of the accepted scopes',
      },
    })
  })
})

describe('requireGroups', () => {
  it('checks groups the same way, as insufficient_scope', async () => {
    expect(() => requireGroups(held, ['admin'])).not.toThrow()
    expect(() => requireGroups(held, ['ops', 'admin'], 'any')).not.toThrow()
    const error = await expectCode(() => requireGroups(held, ['ops']), 'insufficient_scope')
    expect(error.description).toBe('the token lacks a required group')
    await expectCode(() => requireGroups(held, ['ops', 'dev'], 'any'), 'insufficient_scope')
  })
})

describe('where scopes and groups come from', () => {
  function verifierWith(
    options: Partial<VerifierOptions> = {},
    issuer: Partial<IssuerOptions> = {},
  ) {
    return createVerifier({
      issuers: { issuer: ISSUER, jwks: { keys: [key.jwk] }, audience: AUDIENCE, ...issuer },
      onEvent: recordEvents(),
      ...options,
    })
  }

  it('reads a space-separated scope claim by default (RFC 8693 §4.2)', async () => {
    const verified = await verifierWith().verify(mint(key, { scope: ' read  write ', scp: ['x'] }))
    expect(verified.scopes).toEqual(['read', 'write'])
  })

  it('reads an array claim', async () => {
    const verified = await verifierWith({ scopeClaims: ['scp'] }).verify(
      mint(key, { scp: ['read', '', 42, 'write'] }),
    )
    expect(verified.scopes).toEqual(['read', 'write'])
  })

  it('merges several configured claims without duplicates (Auth0 scope and permissions)', async () => {
    const verified = await verifierWith({ scopeClaims: ['scope', 'permissions'] }).verify(
      mint(key, { scope: 'openid read:users', permissions: ['read:users', 'write:users'] }),
    )
    expect(verified.scopes).toEqual(['openid', 'read:users', 'write:users'])
    expect(hasScopes(verified, ['write:users', 'openid'])).toBe(true)
  })

  it('lets an issuer override the verifier-wide claims', async () => {
    const verified = await verifierWith(
      { scopeClaims: ['scope'] },
      { scopeClaims: ['perms'] },
    ).verify(mint(key, { scope: 'a', perms: 'b c' }))
    expect(verified.scopes).toEqual(['b', 'c'])
  })

  it('finds no scopes in a missing claim or one of another type', async () => {
    const verifier = verifierWith()
    expect((await verifier.verify(mint(key))).scopes).toEqual([])
    expect((await verifier.verify(mint(key, { scope: 42 }))).scopes).toEqual([])
    expect((await verifier.verify(mint(key, { scope: { read: true } }))).scopes).toEqual([])
  })

  it('reads groups from groupClaims (none by default)', async () => {
    const token = mint(key, { 'cognito:groups': ['admin', 'dev'] })
    expect((await verifierWith().verify(token)).groups).toEqual([])
    const verified = await verifierWith({ groupClaims: ['cognito:groups'] }).verify(token)
    expect(verified.groups).toEqual(['admin', 'dev'])
    expect(() => requireGroups(verified, ['admin'])).not.toThrow()
  })

  it('puts the scopes of a verified token through requireScopes', async () => {
    const verified = await verifierWith().verify(mint(key, { scope: 'read' }))
    await expectCode(() => requireScopes(verified, ['write']), 'insufficient_scope')
  })
})
