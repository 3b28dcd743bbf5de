import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVerifier } from '@cloudauth/core'
import {
  AUDIENCE,
  CANARY,
  ISSUER,
  JWKS_URI,
  KeyServer,
  assertNoLeaks,
  expectCode,
  makeKey,
  mint,
  recordEvents,
  verifierOn,
  withKid,
  type TestKey,
} from './helpers.js'

let key: TestKey
let other: TestKey
let shared: TestKey
let impostor: TestKey

beforeAll(async () => {
  ;[key, other] = await Promise.all([makeKey('RS256', 'key-1'), makeKey('RS256', 'other-key')])
  shared = withKid(key, 'same-kid')
  impostor = withKid(other, 'same-kid')
})
afterAll(assertNoLeaks)

describe('a valid token', () => {
  it('resolves to { token, header, claims, issuer, scopes, groups }', async () => {
    const server = new KeyServer(key)
    const verifier = verifierOn(server)
    const token = mint(key, { scope: 'read write' })
    const verified = await verifier.verify(token)
    expect(verified.token).toBe(token)
    expect(verified.header).toEqual({ alg: 'RS256', kid: 'key-1', typ: 'JWT' })
    expect(verified.claims).toMatchObject({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1' })
    expect(verified.issuer).toBe(ISSUER)
    expect(verified.scopes).toEqual(['read', 'write'])
    expect(verified.groups).toEqual([])
    expect(server.urls).toEqual([JWKS_URI])
  })

  it('is frozen, claims included, so a shared cached result cannot be changed by one caller', async () => {
    const verifier = verifierOn(new KeyServer(key))
    const verified = await verifier.verify(mint(key, { org: { id: 'o1' }, roles: ['a'] }))
    expect(Object.isFrozen(verified)).toBe(true)
    expect(Object.isFrozen(verified.claims)).toBe(true)
    expect(Object.isFrozen(verified.claims.org)).toBe(true)
    expect(Object.isFrozen(verified.claims.roles)).toBe(true)
    expect(Object.isFrozen(verified.header)).toBe(true)
    expect(Object.isFrozen(verified.scopes)).toBe(true)
  })

  it('maps to a default user with the sub as id and the provider name', async () => {
    const verifier = verifierOn(new KeyServer(key), { provider: 'my-idp' })
    const verified = await verifier.verify(mint(key))
    expect(verifier.kind).toBe('verifier')
    expect(verifier.provider).toBe('my-idp')
    expect(verifier.user(verified)).toEqual({
      kind: 'user',
      id: 'user-1',
      groups: [],
      provider: 'my-idp',
      claims: verified.claims,
    })
  })
})

describe('the issuer is chosen from iss before any key is fetched', () => {
  it('rejects an unknown iss as invalid_issuer with no network request', async () => {
    const server = new KeyServer(key)
    const verifier = verifierOn(server)
    await expectCode(
      verifier.verify(mint(key, { iss: `https://${CANARY}.evil.test/` })),
      'invalid_issuer',
    )
    expect(server.calls).toBe(0)
  })

  it('rejects a token without iss, or with a non-string iss, with no network request', async () => {
    const server = new KeyServer(key)
    const verifier = verifierOn(server)
    await expectCode(verifier.verify(mint(key, { iss: undefined })), 'invalid_issuer')
    await expectCode(verifier.verify(mint(key, { iss: 42 })), 'invalid_issuer')
    await expectCode(verifier.verify(mint(key, { iss: [ISSUER] })), 'invalid_issuer')
    expect(server.calls).toBe(0)
  })

  it('treats a trailing-slash difference as another issuer (RFC 7519 §4.1.1: exact string)', async () => {
    const server = new KeyServer(key)
    const verifier = verifierOn(server)
    await expectCode(verifier.verify(mint(key, { iss: 'https://issuer.test' })), 'invalid_issuer')
    await expectCode(verifier.verify(mint(key, { iss: 'https://issuer.test//' })), 'invalid_issuer')
    await expectCode(verifier.verify(mint(key, { iss: 'HTTPS://ISSUER.TEST/' })), 'invalid_issuer')
    expect(server.calls).toBe(0)
  })

  it('rejects an unknown iss before looking at the header, so alg and kid play no part', async () => {
    const server = new KeyServer(key)
    const verifier = verifierOn(server)
    const token = mint(key, { iss: 'https://other.test/' }, { header: { kid: undefined } })
    await expectCode(verifier.verify(token), 'invalid_issuer')
    expect(server.calls).toBe(0)
  })

  it('with several issuers, fetches only the key set of the token issuer', async () => {
    const urls: string[] = []
    const serverA = new KeyServer(key)
    const serverB = new KeyServer(other)
    const verifier = createVerifier({
      issuers: [
        { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
        { issuer: 'https://b.test/', jwksUri: 'https://b.test/jwks', audience: 'b-api' },
      ],
      fetch: async (input, init) => {
        const url =
          typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
        urls.push(url)
        return url === JWKS_URI ? serverA.fetch(input, init) : serverB.fetch(input, init)
      },
      onEvent: recordEvents(),
    })
    const verified = await verifier.verify(mint(other, { iss: 'https://b.test/', aud: 'b-api' }))
    expect(verified.issuer).toBe('https://b.test/')
    expect(urls).toEqual(['https://b.test/jwks'])
    // Each issuer keeps its own audience: b's audience is not accepted for the first issuer.
    await expectCode(verifier.verify(mint(key, { aud: 'b-api' })), 'invalid_audience')
    // A token naming issuer b but signed by issuer a's key: b's key set has no such kid.
    await expectCode(
      verifier.verify(mint(key, { iss: 'https://b.test/', aud: 'b-api' })),
      'unknown_key',
    )
  })

  it('does not accept a key of one issuer for a token naming another', async () => {
    const verifier = createVerifier({
      issuers: [
        { issuer: ISSUER, jwks: { keys: [shared.jwk] }, audience: AUDIENCE },
        { issuer: 'https://b.test/', jwks: { keys: [impostor.jwk] }, audience: AUDIENCE },
      ],
      onEvent: recordEvents(),
    })
    await expect(verifier.verify(mint(shared))).resolves.toMatchObject({ issuer: ISSUER })
    await expectCode(verifier.verify(mint(impostor)), 'invalid_signature')
    await expectCode(verifier.verify(mint(shared, { iss: 'https://b.test/' })), 'invalid_signature')
  })
})
