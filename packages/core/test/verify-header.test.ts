import { Buffer } from 'node:buffer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVerifier } from '@cloudauth/core'
import {
  AUDIENCE,
  CANARY,
  ISSUER,
  KeyServer,
  assertNoLeaks,
  expectCode,
  hmacToken,
  makeKey,
  mint,
  recordEvents,
  segment,
  standardClaims,
  track,
  verifierOn,
  withKid,
  type TestKey,
} from './helpers.js'

let rsa: TestKey
let ec: TestKey

beforeAll(async () => {
  ;[rsa, ec] = await Promise.all([makeKey('RS256', 'rsa-1'), makeKey('ES256', 'ec-1')])
})
afterAll(assertNoLeaks)

describe('alg', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])(
    'refuses alg %s, with an empty signature or any other, before fetching keys',
    async (alg) => {
      const server = new KeyServer(rsa)
      const verifier = verifierOn(server)
      const input = `${segment({ alg, kid: rsa.kid })}.${segment(standardClaims())}`
      await expectCode(verifier.verify(track(`${input}.`)), 'unsupported_algorithm')
      const signed = mint(rsa, {}, { header: { alg } })
      await expectCode(verifier.verify(signed), 'unsupported_algorithm')
      expect(server.calls).toBe(0)
    },
  )

  describe('HMAC signed with the RSA public key as the secret (key confusion, RFC 8725 §2.1)', () => {
    it('refuses HS256 keyed with the PEM text', async () => {
      const server = new KeyServer(rsa)
      const verifier = verifierOn(server)
      const forged = hmacToken('HS256', rsa.pem, { kid: rsa.kid, typ: 'JWT' }, standardClaims())
      await expectCode(verifier.verify(forged), 'unsupported_algorithm')
      expect(server.calls).toBe(0)
    })

    it('refuses HS256 keyed with the JWK JSON text', async () => {
      const server = new KeyServer(rsa)
      const verifier = verifierOn(server)
      const forged = hmacToken(
        'HS256',
        JSON.stringify(rsa.jwk),
        { kid: rsa.kid, typ: 'JWT' },
        standardClaims(),
      )
      await expectCode(verifier.verify(forged), 'unsupported_algorithm')
      expect(server.calls).toBe(0)
    })

    it.each(['HS384', 'HS512'] as const)(
      'refuses %s keyed with the PEM, even with every asymmetric algorithm allowed',
      async (alg) => {
        const verifier = verifierOn(new KeyServer(rsa), {
          algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'EdDSA'],
        })
        const forged = hmacToken(alg, rsa.pem, { kid: rsa.kid }, standardClaims())
        await expectCode(verifier.verify(forged), 'unsupported_algorithm')
      },
    )
  })

  it('refuses an alg outside the allow-list (default RS256 only), though correctly signed', async () => {
    const server = new KeyServer(withKid(rsa, rsa.kid, { alg: undefined }), ec)
    const verifier = verifierOn(server)
    await expectCode(verifier.verify(mint(rsa, {}, { alg: 'RS512' })), 'unsupported_algorithm')
    await expectCode(verifier.verify(mint(rsa, {}, { alg: 'PS256' })), 'unsupported_algorithm')
    await expectCode(verifier.verify(mint(ec)), 'unsupported_algorithm')
    expect(server.calls).toBe(0)
    await expect(verifier.verify(mint(rsa))).resolves.toMatchObject({ issuer: ISSUER })
  })

  it('verifies other algorithms once allowed', async () => {
    const noAlg = withKid(rsa, 'rsa-no-alg', { alg: undefined })
    const verifier = verifierOn(new KeyServer(noAlg, ec), {
      algorithms: ['RS256', 'RS512', 'PS256', 'ES256'],
    })
    await expect(verifier.verify(mint(noAlg, {}, { alg: 'RS512' }))).resolves.toBeDefined()
    await expect(verifier.verify(mint(noAlg, {}, { alg: 'PS256' }))).resolves.toBeDefined()
    await expect(verifier.verify(mint(ec))).resolves.toBeDefined()
  })

  it('refuses an alg that differs from the alg of its JWK (RFC 8725 §3.1)', async () => {
    // The JWK says RS256; the token says RS384 and is validly signed with RS384 by the same key.
    const verifier = verifierOn(new KeyServer(rsa), { algorithms: ['RS256', 'RS384'] })
    await expectCode(verifier.verify(mint(rsa, {}, { alg: 'RS384' })), 'unsupported_algorithm')
    await expect(verifier.verify(mint(rsa))).resolves.toBeDefined()
  })

  it('refuses an alg that does not suit the key type (RS256 header on an EC key)', async () => {
    const ecNoAlg = withKid(ec, 'ec-no-alg', { alg: undefined })
    const verifier = verifierOn(new KeyServer(ecNoAlg), { algorithms: ['RS256', 'ES256'] })
    const token = mint(ecNoAlg, {}, { header: { alg: 'RS256' } })
    await expectCode(verifier.verify(token), 'unsupported_algorithm')
  })

  it('refuses a header whose alg is missing or not a string', async () => {
    const verifier = verifierOn(new KeyServer(rsa))
    await expectCode(
      verifier.verify(mint(rsa, {}, { header: { alg: undefined } })),
      'malformed_token',
    )
    await expectCode(verifier.verify(mint(rsa, {}, { header: { alg: 256 } })), 'malformed_token')
  })
})

describe('kid and embedded keys', () => {
  it('refuses a token without kid, or with an empty or non-string kid', async () => {
    const server = new KeyServer(rsa)
    const verifier = verifierOn(server)
    await expectCode(
      verifier.verify(mint(rsa, {}, { header: { kid: undefined } })),
      'invalid_header',
    )
    await expectCode(verifier.verify(mint(rsa, {}, { header: { kid: '' } })), 'invalid_header')
    await expectCode(verifier.verify(mint(rsa, {}, { header: { kid: 7 } })), 'invalid_header')
    expect(server.calls).toBe(0)
  })

  it.each([
    ['jku', `https://${CANARY}.evil.test/jwks.json`],
    ['x5u', `https://${CANARY}.evil.test/cert.pem`],
    ['jwk', 'own key'],
    ['x5c', ['MIIB']],
  ])('refuses a %s header and never fetches from it (RFC 8725 §3.10)', async (parameter, value) => {
    const server = new KeyServer(rsa)
    const verifier = verifierOn(server)
    const attacker = parameter === 'jwk' ? rsa.jwk : value
    const error = await expectCode(
      verifier.verify(mint(rsa, {}, { header: { [parameter]: attacker } })),
      'invalid_header',
    )
    expect(error.description).toContain(parameter)
    expect(server.calls).toBe(0)
  })
})

describe('extensions', () => {
  it('refuses crit naming an extension we do not support (RFC 7515 §4.1.11)', async () => {
    const verifier = verifierOn(new KeyServer(rsa))
    const token = mint(rsa, {}, { header: { crit: ['exp'], exp: 1 } })
    const error = await expectCode(verifier.verify(token), 'invalid_header')
    expect(error.description).toContain('crit')
  })

  it('refuses b64: false (RFC 7797), with or without crit', async () => {
    const verifier = verifierOn(new KeyServer(rsa))
    await expectCode(verifier.verify(mint(rsa, {}, { header: { b64: false } })), 'invalid_header')
    await expectCode(
      verifier.verify(mint(rsa, {}, { header: { b64: false, crit: ['b64'] } })),
      'invalid_header',
    )
  })

  it('refuses a nested token (cty JWT)', async () => {
    const verifier = verifierOn(new KeyServer(rsa))
    await expectCode(verifier.verify(mint(rsa, {}, { header: { cty: 'jwt' } })), 'invalid_header')
  })

  it('accepts other unregistered header parameters', async () => {
    const verifier = verifierOn(new KeyServer(rsa))
    await expect(verifier.verify(mint(rsa, {}, { header: { foo: 'bar' } }))).resolves.toBeDefined()
  })
})

describe('typ', () => {
  it('is not checked by default', async () => {
    const verifier = verifierOn(new KeyServer(rsa))
    await expect(
      verifier.verify(mint(rsa, {}, { header: { typ: 'whatever' } })),
    ).resolves.toBeDefined()
    await expect(
      verifier.verify(mint(rsa, {}, { header: { typ: undefined } })),
    ).resolves.toBeDefined()
  })

  it('accepts only listed values, compared case-insensitively; null allows no typ', async () => {
    const verifier = verifierOn(new KeyServer(rsa), { typ: ['at+jwt'] })
    await expect(
      verifier.verify(mint(rsa, {}, { header: { typ: 'AT+JWT' } })),
    ).resolves.toBeDefined()
    await expectCode(verifier.verify(mint(rsa, {}, { header: { typ: 'JWT' } })), 'invalid_header')
    await expectCode(
      verifier.verify(mint(rsa, {}, { header: { typ: undefined } })),
      'invalid_header',
    )
    const lenient = verifierOn(new KeyServer(rsa), { typ: ['JWT', null] })
    await expect(
      lenient.verify(mint(rsa, {}, { header: { typ: undefined } })),
    ).resolves.toBeDefined()
  })
})

describe('signature', () => {
  it('refuses a token signed by another key under the published kid', async () => {
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwks: { keys: [ec.jwk] }, audience: AUDIENCE },
      algorithms: ['ES256'],
      onEvent: recordEvents(),
    })
    const forged = await makeKey('ES256', ec.kid)
    await expectCode(verifier.verify(mint(forged)), 'invalid_signature')
    await expect(verifier.verify(mint(ec))).resolves.toBeDefined()
  })

  it('refuses a changed payload, a changed header, an empty or truncated signature', async () => {
    const verifier = verifierOn(new KeyServer(rsa))
    const token = mint(rsa, { scope: 'read' })
    const [h, , s] = token.split('.') as [string, string, string]
    const other = segment({ ...standardClaims(), scope: 'admin' })
    await expectCode(verifier.verify(track(`${h}.${other}.${s}`)), 'invalid_signature')
    const header = segment({ alg: 'RS256', kid: rsa.kid })
    const payload = token.split('.')[1] ?? ''
    await expectCode(verifier.verify(track(`${header}.${payload}.${s}`)), 'invalid_signature')
    await expectCode(verifier.verify(track(`${h}.${payload}.`)), 'invalid_signature')
    await expectCode(
      verifier.verify(track(`${h}.${payload}.${s.slice(0, 40)}`)),
      'invalid_signature',
    )
    await expect(verifier.verify(token)).resolves.toBeDefined()
  })

  it('refuses ES256 signatures of the wrong length and the all-zero signature', async () => {
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwks: { keys: [ec.jwk] }, audience: AUDIENCE },
      algorithms: ['ES256'],
      onEvent: recordEvents(),
    })
    const token = mint(ec)
    const input = token.slice(0, token.lastIndexOf('.'))
    const zero = Buffer.alloc(64).toString('base64url')
    await expectCode(verifier.verify(track(`${input}.${zero}`)), 'invalid_signature')
    const der = Buffer.alloc(70, 1).toString('base64url')
    await expectCode(verifier.verify(track(`${input}.${der}`)), 'invalid_signature')
    await expect(verifier.verify(token)).resolves.toBeDefined()
  })
})
