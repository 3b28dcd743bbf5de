/**
 * Issue 10 #7 and #9: every spelling of a nested-JWT `cty` is refused, and a NumericDate outside
 * 0..2^53-1 is an invalid claim, whichever time claim carries it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  KeyServer,
  assertNoLeaks,
  expectCode,
  makeKey,
  mint,
  seconds,
  verifierOn,
  type TestKey,
} from './helpers.js'

let rsa: TestKey

beforeAll(async () => {
  rsa = await makeKey('RS256', 'rsa-1')
})
afterAll(assertNoLeaks)

describe('cty naming a nested JWT (RFC 7515 §4.1.10, RFC 7519 §5.2)', () => {
  it.each([
    'JWT',
    'jwt',
    'application/jwt',
    'application/JWT',
    'Application/Jwt',
    'APPLICATION/JWT',
    ' application/jwt ',
    'application/jwt; charset=utf-8',
    'JWT;foo=bar',
    'application/at+jwt',
    'at+JWT',
    'application/secevent+jwt',
  ])('refuses cty %j', async (cty) => {
    const verifier = verifierOn(new KeyServer(rsa))
    const error = await expectCode(
      verifier.verify(mint(rsa, {}, { header: { cty } })),
      'invalid_header',
    )
    expect(error.description).toMatch(/nested/)
  })

  it.each([[['JWT']], [{ type: 'JWT' }], [42], [null]])(
    'refuses a cty that is not a string (%j)',
    async (cty) => {
      const verifier = verifierOn(new KeyServer(rsa))
      await expectCode(verifier.verify(mint(rsa, {}, { header: { cty } })), 'invalid_header')
    },
  )

  it.each(['json', 'application/json', 'text/plain', 'jwtx', 'application/jwt-ish'])(
    'accepts cty %j, which names no JWT',
    async (cty) => {
      const verifier = verifierOn(new KeyServer(rsa))
      await expect(verifier.verify(mint(rsa, {}, { header: { cty } }))).resolves.toBeDefined()
    },
  )
})

describe('NumericDate range (RFC 7519 §2)', () => {
  const now = seconds()
  it.each([
    ['exp', 1e300],
    ['exp', 2 ** 53 + 1],
    ['exp', 2 ** 53],
    ['exp', Number.MAX_VALUE],
    ['exp', -1],
    ['exp', -1e308],
    ['nbf', 1e300],
    ['nbf', 2 ** 53 + 2],
    ['nbf', -5],
    ['iat', 1e300],
    ['iat', -1e300],
    ['auth_time', 1e300],
    ['auth_time', -1],
    ['auth_time', '1700000000'],
    ['auth_time', true],
  ])('refuses %s: %s as invalid_claims', async (claim, value) => {
    const verifier = verifierOn(new KeyServer(rsa))
    const error = await expectCode(verifier.verify(mint(rsa, { [claim]: value })), 'invalid_claims')
    expect(error.description).toContain(claim)
  })

  it('accepts the largest safe exp, fractional seconds and an auth_time in range', async () => {
    const verifier = verifierOn(new KeyServer(rsa))
    await expect(
      verifier.verify(mint(rsa, { exp: Number.MAX_SAFE_INTEGER, iat: now, nbf: now - 0.5 })),
    ).resolves.toBeDefined()
    await expect(verifier.verify(mint(rsa, { auth_time: now - 60 }))).resolves.toBeDefined()
    await expect(verifier.verify(mint(rsa, { exp: now + 60.25 }))).resolves.toBeDefined()
  })
})
