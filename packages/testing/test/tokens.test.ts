import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  b64url,
  defaultKey,
  forgeToken,
  hmacToken,
  signToken,
  unsignedToken,
} from '@cloudauth/testing'

const key = defaultKey()
const parts = (token: string) => token.split('.')
const json = (segment: string | undefined): unknown =>
  JSON.parse(Buffer.from(segment ?? '', 'base64url').toString())

afterEach(() => {
  vi.useRealTimers()
})

describe('signToken', () => {
  it('signs with the key, header { alg, kid, typ: JWT }, iat now and exp in an hour', async () => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'))
    const now = Date.UTC(2030, 0, 1) / 1000
    const token = signToken({ key, claims: { sub: 'u1' } })
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    expect(decodeJwt(token)).toEqual({ sub: 'u1', iat: now, exp: now + 3600 })
    const { payload } = await jwtVerify(token, key.publicKey, { currentDate: new Date(now * 1000) })
    expect(payload.sub).toBe('u1')
  })

  it('takes now and expiresIn in seconds', () => {
    const token = signToken({ key, claims: {}, now: 1000, expiresIn: 60 })
    expect(decodeJwt(token)).toEqual({ iat: 1000, exp: 1060 })
    expect(decodeJwt(signToken({ key, now: 1000, expiresIn: -1 }))).toEqual({ iat: 1000, exp: 999 })
  })

  it('keeps claims as given, removes undefined ones, and never adds iat/exp over them', () => {
    const token = signToken({ key, claims: { exp: 'soon', iat: undefined, nested: { a: [1] } } })
    expect(decodeJwt(token)).toEqual({ exp: 'soon', nested: { a: [1] } })
  })

  it('overrides and removes header parameters', () => {
    const token = signToken({
      key,
      claims: {},
      header: { typ: 'at+jwt', kid: undefined, jku: 'https://evil.test/' },
    })
    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'RS256',
      typ: 'at+jwt',
      jku: 'https://evil.test/',
    })
    // A header alg override changes only what the header says: the signature stays RS256.
    const lying = signToken({ key, claims: {}, header: { alg: 'ES256' } })
    expect(decodeProtectedHeader(lying).alg).toBe('ES256')
  })

  it('signs validly over headers jose itself refuses to produce (unknown crit)', async () => {
    const token = signToken({ key, claims: {}, header: { crit: ['x-unknown'], 'x-unknown': 1 } })
    // The signature is valid; jose's verify rejects the unknown crit, as a verifier should.
    await expect(compactVerify(token, key.publicKey)).rejects.toThrow(/x-unknown/)
    await expect(
      compactVerify(token, key.publicKey, { crit: { 'x-unknown': true } }),
    ).resolves.toBeDefined()
  })

  it('signs with another algorithm the key supports', async () => {
    const token = signToken({ key, claims: { sub: 'u1' }, alg: 'RS384' })
    expect(decodeProtectedHeader(token).alg).toBe('RS384')
    await expect(jwtVerify(token, key.publicKey, { algorithms: ['RS384'] })).resolves.toBeDefined()
    const pss = signToken({ key, claims: { sub: 'u1' }, alg: 'PS256' })
    await expect(jwtVerify(pss, key.publicKey, { algorithms: ['PS256'] })).resolves.toBeDefined()
  })

  it('fails verification under another key', async () => {
    const token = signToken({ key: defaultKey('RS256', 1), claims: {} })
    await expect(jwtVerify(token, key.publicKey)).rejects.toThrow(/signature/)
  })

  it('keeps __proto__ as a plain claim', () => {
    const claims = JSON.parse('{"__proto__": {"admin": true}, "sub": "u1"}') as Record<
      string,
      unknown
    >
    const token = signToken({ key, claims })
    expect(Buffer.from(parts(token)[1] ?? '', 'base64url').toString()).toContain(
      '"__proto__":{"admin":true}',
    )
  })
})

describe('forgeToken', () => {
  it('defaults to an unsigned token with an empty payload', () => {
    const token = forgeToken()
    expect(parts(token)).toHaveLength(3)
    expect(json(parts(token)[0])).toEqual({ alg: 'none', typ: 'JWT' })
    expect(json(parts(token)[1])).toEqual({})
    expect(parts(token)[2]).toBe('')
  })

  it('takes raw segments verbatim and encodes anything else as JSON', () => {
    const token = forgeToken({ header: b64url('not json'), payload: [1, 2], signature: '!!' })
    const [h, p, s] = parts(token)
    expect(Buffer.from(h ?? '', 'base64url').toString()).toBe('not json')
    expect(json(p)).toEqual([1, 2])
    expect(s).toBe('!!')
    expect(forgeToken({ header: 'a+b/c=', payload: 42 }).split('.')[0]).toBe('a+b/c=')
  })

  it('makes two-, four- and five-segment tokens', () => {
    expect(parts(forgeToken({ signature: null }))).toHaveLength(2)
    expect(parts(forgeToken({ extraSegments: ['x'] }))).toHaveLength(4)
    expect(parts(forgeToken({ extraSegments: ['x', 'y'] }))).toHaveLength(5)
  })

  it('encodes byte signatures, and signs the encoded segments with a key', async () => {
    expect(parts(forgeToken({ signature: new Uint8Array([0xff, 0xfe]) }))[2]).toBe('__4')
    const signed = forgeToken({
      header: { alg: 'RS256', kid: key.kid },
      payload: { sub: 'u1' },
      key,
    })
    const { payload } = await jwtVerify(signed, key.publicKey)
    expect(payload).toEqual({ sub: 'u1' })
    // A non-object payload, validly signed: jose's JWT layer rejects it, the JWS layer does not.
    const array = forgeToken({ header: { alg: 'ES256' }, payload: [1], key: defaultKey('ES256') })
    await expect(compactVerify(array, defaultKey('ES256').publicKey)).resolves.toBeDefined()
    await expect(jwtVerify(array, defaultKey('ES256').publicKey)).rejects.toThrow()
  })
})

describe('unsignedToken', () => {
  it('is an Unsecured JWS: alg none, empty signature, time claims', () => {
    const token = unsignedToken({ sub: 'u1' }, { now: 100 })
    expect(token.endsWith('.')).toBe(true)
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'none', typ: 'JWT' })
    expect(decodeJwt(token)).toEqual({ sub: 'u1', iat: 100, exp: 3700 })
    expect(
      decodeProtectedHeader(unsignedToken({}, { header: { alg: 'NoNe', typ: undefined } })),
    ).toEqual({
      alg: 'NoNe',
    })
  })
})

describe('hmacToken', () => {
  it('signs with HMAC over the given secret (algorithm confusion)', async () => {
    const token = hmacToken({
      secret: key.publicKeyPem,
      header: { kid: key.kid },
      claims: { sub: 'admin' },
    })
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: key.kid })
    const secret = new TextEncoder().encode(key.publicKeyPem)
    await expect(jwtVerify(token, secret)).resolves.toMatchObject({ payload: { sub: 'admin' } })
    // ... and never with the RSA public key as what it is.
    await expect(jwtVerify(token, await importJWK(key.publicJwk, 'RS256'))).rejects.toThrow()
    const hs512 = hmacToken({ secret: 'k', alg: 'HS512' })
    await expect(jwtVerify(hs512, new TextEncoder().encode('k'))).resolves.toBeDefined()
  })
})
