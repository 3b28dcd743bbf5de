import {
  createVerifier,
  parseClaims,
  toErrorResponse,
  type Provider,
  type VerifiedToken,
  type VerifierEvent,
} from '@cloudauth/core'
import { cognitoPreset, defaultKey } from '@cloudauth/testing'
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import {
  cognito,
  cognitoAccessClaims,
  cognitoClaims,
  cognitoIdClaims,
  type CognitoAccessClaims,
  type CognitoClaims,
  type CognitoIdClaims,
} from '../src/index.js'
import { useMswServer } from './setup-msw.js'

const server = useMswServer()

const POOL = 'eu-west-1_AbCdEf123'
const CLIENT = 'app1client'
const pool = cognitoPreset({
  userPoolId: POOL,
  clientId: CLIENT,
  user: {
    sub: '0d1e2f3a-aaaa-bbbb-cccc-123456789012',
    username: 'alice',
    email: 'alice@example.com',
  },
})
const otherClient = cognitoPreset({ userPoolId: POOL, clientId: 'otherclient' })
const otherPool = cognitoPreset({ userPoolId: 'eu-west-1_Other999', clientId: CLIENT })

async function rejection(promise: Promise<unknown>) {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeDefined()
  return error as { code: string; status: number; description: string }
}

describe('cognito(): access tokens', () => {
  it('verifies an access token at the real AWS JWKS URL, with scopes and groups', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access' }),
    )
    const verified = await verifier.verify(
      pool.accessToken({ scope: 'openid read:users', 'cognito:groups': ['admin', 'staff'] }),
    )
    expect(pool.jwksUri).toBe(
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json',
    )
    expect(pool.jwks.hits).toBe(1)
    expect(verified.issuer).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123')
    expect(verified.claims.client_id).toBe(CLIENT)
    expect(verified.claims.token_use).toBe('access')
    expect(verified.scopes).toEqual(['openid', 'read:users'])
    expect(verified.groups).toEqual(['admin', 'staff'])
    expect(verifier.provider).toBe('cognito')
  })

  it('has no groups when the user is in none', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access' }),
    )
    const verified = await verifier.verify(pool.accessToken())
    expect(verified.groups).toEqual([])
    expect(verified.scopes).toEqual(['aws.cognito.signin.user.admin'])
  })

  it('rejects an access token issued to another app client (client_id), as fastapi-cloudauth did not', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access' }),
    )
    const error = await rejection(verifier.verify(otherClient.accessToken()))
    expect(error).toMatchObject({ code: 'invalid_audience', status: 401 })
    expect(error.description).toContain('client_id')
    expect(error.description).not.toContain('otherclient')
  })

  it('rejects an access token without client_id', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access' }),
    )
    const error = await rejection(verifier.verify(pool.accessToken({ client_id: undefined })))
    expect(error).toMatchObject({ code: 'invalid_audience' })
    expect(error.description).toBe('the token has no client_id claim')
  })

  it('accepts any of several app clients', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({ userPoolId: POOL, clientId: [CLIENT, 'otherclient'], tokenUse: 'access' }),
    )
    await expect(verifier.verify(pool.accessToken())).resolves.toBeDefined()
    await expect(verifier.verify(otherClient.accessToken())).resolves.toBeDefined()
  })

  it('does not take the client from aud for an access token', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access' }),
    )
    const error = await rejection(verifier.verify(otherClient.accessToken({ aud: CLIENT })))
    expect(error.code).toBe('invalid_audience')
  })
})

describe('cognito(): ID tokens', () => {
  it('verifies an ID token, checking aud against the client', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' }))
    const verified = await verifier.verify(pool.idToken({ 'cognito:groups': ['admin'] }))
    expect(verified.claims.aud).toBe(CLIENT)
    expect(verified.claims['cognito:username']).toBe('alice')
    expect(verified.groups).toEqual(['admin'])
    expect(verified.scopes).toEqual([])
  })

  it('rejects an ID token for another client (aud)', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' }))
    const error = await rejection(verifier.verify(otherClient.idToken()))
    expect(error).toMatchObject({ code: 'invalid_audience', status: 401 })
    expect(error.description).toContain('(aud)')
  })

  it('rejects an ID token whose aud is a list (Cognito never issues one)', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' }))
    const error = await rejection(verifier.verify(pool.idToken({ aud: [CLIENT] })))
    expect(error.code).toBe('invalid_audience')
  })

  it('rejects an ID token without aud', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' }))
    const error = await rejection(verifier.verify(pool.idToken({ aud: undefined })))
    expect(error).toMatchObject({
      code: 'invalid_audience',
      description: 'the token has no aud claim',
    })
  })
})

describe('cognito(): token_use', () => {
  it('rejects an ID token where an access token is expected', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access' }),
    )
    const error = await rejection(verifier.verify(pool.idToken()))
    expect(error).toMatchObject({
      code: 'invalid_token_use',
      status: 401,
      description: 'an access token is required (token_use)',
    })
    const response = toErrorResponse(error, { realm: 'api' })
    expect(response.status).toBe(401)
    expect(response.headers['WWW-Authenticate'] ?? response.headers['www-authenticate']).toContain(
      'error="invalid_token"',
    )
  })

  it('rejects an access token where an ID token is expected', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' }))
    const error = await rejection(verifier.verify(pool.accessToken()))
    expect(error).toMatchObject({
      code: 'invalid_token_use',
      description: 'an ID token is required (token_use)',
    })
  })

  it('checks token_use before the client, so the error names the real problem', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' }))
    const error = await rejection(verifier.verify(otherClient.accessToken()))
    expect(error.code).toBe('invalid_token_use')
  })

  it('accepts either kind with tokenUse null, each with its own client claim', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: null }))
    const access = await verifier.verify(pool.accessToken())
    const id = await verifier.verify(pool.idToken())
    expect(access.claims.token_use).toBe('access')
    expect(id.claims.token_use).toBe('id')
    expect((await rejection(verifier.verify(otherClient.accessToken()))).code).toBe(
      'invalid_audience',
    )
    expect((await rejection(verifier.verify(otherClient.idToken()))).code).toBe('invalid_audience')
  })

  it.each([
    ['missing', undefined],
    ['refresh', 'refresh'],
    ['not a string', 1],
    ['upper case', 'ACCESS'],
  ])('rejects a token whose token_use is %s, even with tokenUse null', async (_, value) => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: null }))
    const error = await rejection(verifier.verify(pool.accessToken({ token_use: value })))
    expect(error).toMatchObject({ code: 'invalid_token_use', status: 401 })
  })
})

describe('cognito(): claims shape', () => {
  it('rejects a token whose claims do not match the Cognito schema, naming only the claim', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access' }),
    )
    const error = await rejection(
      verifier.verify(pool.accessToken({ 'cognito:groups': 'admin-secret-value' })),
    )
    expect(error).toMatchObject({ code: 'invalid_claims', status: 401 })
    expect(error.description).toContain('cognito:groups')
    expect(error.description).not.toContain('admin-secret-value')
  })

  it('rejects a token without sub', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' }))
    const error = await rejection(verifier.verify(pool.idToken({ sub: '' })))
    expect(error).toMatchObject({ code: 'invalid_claims' })
    expect(error.description).toContain('sub')
  })

  it('lets unknown claims (custom attributes, trigger claims) through', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' }))
    const verified = await verifier.verify(pool.idToken({ 'custom:plan': 'pro' }))
    expect(verified.claims['custom:plan']).toBe('pro')
  })

  it('rejects an expired token (token_expired) using the verifier clock', async () => {
    server.use(pool.handler)
    const token = pool.accessToken({}, { expiresIn: 60 })
    const later = Date.now() + 120_000
    const verifier = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access', now: () => later }),
    )
    expect((await rejection(verifier.verify(token))).code).toBe('token_expired')
  })

  it('refuses algorithms other than RS256, which is all Cognito signs with', async () => {
    const rs512 = cognitoPreset({ userPoolId: POOL, clientId: CLIENT, key: defaultKey('RS512') })
    server.use(rs512.handler)
    const verifier = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access' }),
    )
    expect((await rejection(verifier.verify(rs512.accessToken()))).code).toBe(
      'unsupported_algorithm',
    )
  })

  it('rejects a token signed by a key the pool does not publish', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access' }),
    )
    const error = await rejection(
      verifier.verify(pool.accessToken({}, { key: defaultKey('RS256', 7) })),
    )
    expect(error.code).toBe('unknown_key')
  })
})

describe('cognito(): pools', () => {
  it('rejects a token from another pool without fetching that pool’s keys', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access' }),
    )
    const hits = pool.jwks.hits
    // msw fails the test on any request to the other pool's JWKS (onUnhandledRequest: 'error').
    const error = await rejection(verifier.verify(otherPool.accessToken()))
    expect(error).toMatchObject({ code: 'invalid_issuer', status: 401 })
    expect(pool.jwks.hits).toBe(hits)
  })

  it('verifies tokens from a primary and a secondary pool, each with its own clients', async () => {
    const primary = cognitoPreset({ userPoolId: 'eu-west-1_Primary1', clientId: 'webclient1' })
    const secondary = cognitoPreset({
      userPoolId: 'us-east-1_Second2',
      clientId: 'mobileclient2',
      key: defaultKey('RS256', 1),
    })
    const crossed = cognitoPreset({ userPoolId: 'us-east-1_Second2', clientId: 'webclient1' })
    server.use(primary.handler, secondary.handler)
    const verifier = createVerifier(
      cognito({
        userPoolId: 'eu-west-1_Primary1',
        clientId: 'webclient1',
        tokenUse: 'access',
        pools: [{ userPoolId: 'us-east-1_Second2', clientId: ['webclient2', 'mobileclient2'] }],
      }),
    )
    expect((await verifier.verify(primary.accessToken())).issuer).toBe(primary.issuer)
    expect((await verifier.verify(secondary.accessToken())).issuer).toBe(secondary.issuer)
    expect(primary.jwks.hits).toBe(1)
    expect(secondary.jwks.hits).toBe(1)
    // The secondary pool does not accept the primary pool's client.
    const error = await rejection(
      verifier.verify(crossed.accessToken({}, { key: defaultKey('RS256', 1) })),
    )
    expect(error.code).toBe('invalid_audience')
  })

  it('takes every pool from pools when none is given at the top level', async () => {
    const a = cognitoPreset({ userPoolId: 'eu-west-1_PoolA1', clientId: 'clienta' })
    const b = cognitoPreset({ userPoolId: 'ap-southeast-2_PoolB2', clientId: 'clientb' })
    server.use(a.handler, b.handler)
    const verifier = createVerifier(
      cognito({
        tokenUse: 'id',
        pools: [
          { userPoolId: 'eu-west-1_PoolA1', clientId: 'clienta' },
          { userPoolId: 'ap-southeast-2_PoolB2', clientId: 'clientb', region: 'ap-southeast-2' },
        ],
      }),
    )
    expect((await verifier.verify(a.idToken())).issuer).toBe(a.issuer)
    expect((await verifier.verify(b.idToken())).issuer).toBe(
      'https://cognito-idp.ap-southeast-2.amazonaws.com/ap-southeast-2_PoolB2',
    )
  })

  it('builds the issuer from an emulator endpoint', async () => {
    const local = cognitoPreset({
      userPoolId: 'local_AbCd1234',
      clientId: 'localclient',
      region: 'local',
      endpoint: 'http://127.0.0.1:9229',
    })
    server.use(local.handler)
    const verifier = createVerifier(
      cognito({
        userPoolId: 'local_AbCd1234',
        clientId: 'localclient',
        tokenUse: 'access',
        endpoint: 'http://127.0.0.1:9229/',
      }),
    )
    const verified = await verifier.verify(local.accessToken())
    expect(verified.issuer).toBe('http://127.0.0.1:9229/local_AbCd1234')
    expect(local.jwks.hits).toBe(1)
  })

  it('does not accept the real AWS issuer when an endpoint is set', async () => {
    const aws = cognitoPreset({ userPoolId: 'us-east-1_AbCdEf123', clientId: CLIENT })
    const verifier = createVerifier(
      cognito({
        userPoolId: 'us-east-1_AbCdEf123',
        clientId: CLIENT,
        tokenUse: 'access',
        endpoint: 'http://127.0.0.1:9229',
      }),
    )
    expect((await rejection(verifier.verify(aws.accessToken()))).code).toBe('invalid_issuer')
  })
})

describe('cognito(): scopes and groups', () => {
  it("scopeClaims 'cognito:groups' reproduces fastapi-cloudauth's Cognito scopes", async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({
        userPoolId: POOL,
        clientId: CLIENT,
        tokenUse: 'access',
        scopeClaims: 'cognito:groups',
      }),
    )
    const verified = await verifier.verify(
      pool.accessToken({
        scope: 'aws.cognito.signin.user.admin',
        'cognito:groups': ['read:users'],
      }),
    )
    expect(verified.scopes).toEqual(['read:users'])
    expect(verified.groups).toEqual(['read:users'])
  })

  it('gathers scopes from several claims and groups from a custom claim', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({
        userPoolId: POOL,
        clientId: CLIENT,
        tokenUse: 'access',
        scopeClaims: ['scope', 'cognito:groups'],
        groupClaims: 'custom:roles',
      }),
    )
    const verified = await verifier.verify(
      pool.accessToken({ scope: 'a b', 'cognito:groups': ['b', 'c'], 'custom:roles': 'x y' }),
    )
    expect(verified.scopes).toEqual(['a', 'b', 'c'])
    expect(verified.groups).toEqual(['x', 'y'])
  })
})

describe('cognito(): user mapping', () => {
  it('maps an ID token to a user', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' }))
    const verified = await verifier.verify(
      pool.idToken({
        'cognito:groups': ['admin'],
        name: 'Alice Liddell',
        picture: 'https://example.com/alice.png',
      }),
    )
    const user = verifier.user(verified)
    expect(user).toEqual({
      kind: 'user',
      id: '0d1e2f3a-aaaa-bbbb-cccc-123456789012',
      username: 'alice',
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice Liddell',
      picture: 'https://example.com/alice.png',
      groups: ['admin'],
      provider: 'cognito',
      claims: verified.claims,
    })
    expect(Object.isFrozen(user)).toBe(true)
  })

  it('maps an access token to a user without profile fields', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access' }),
    )
    const user = verifier.user(await verifier.verify(pool.accessToken({ 'cognito:groups': ['g'] })))
    expect(user).toEqual({
      kind: 'user',
      id: '0d1e2f3a-aaaa-bbbb-cccc-123456789012',
      username: 'alice',
      groups: ['g'],
      provider: 'cognito',
      claims: expect.objectContaining({ token_use: 'access' }) as unknown,
    })
    expect('email' in user).toBe(false)
  })

  it.each([
    ['true', true],
    ['false', false],
    [false, false],
  ])('reads email_verified %j (federated users carry strings) as %j', async (value, expected) => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' }))
    const user = verifier.user(await verifier.verify(pool.idToken({ email_verified: value })))
    expect(user.emailVerified).toBe(expected)
  })

  it('leaves emailVerified out when the claim is absent', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' }))
    const user = verifier.user(await verifier.verify(pool.idToken({ email_verified: undefined })))
    expect('emailVerified' in user).toBe(false)
  })
})

describe('cognito(): verifier options pass through', () => {
  it('uses the given fetch, onEvent and clockTolerance', async () => {
    const events: VerifierEvent[] = []
    const fetchSpy = vi.fn(globalThis.fetch)
    server.use(pool.handler)
    const token = pool.accessToken({}, { expiresIn: 10 })
    const now = Date.now() + 20_000
    const verifier = createVerifier(
      cognito({
        userPoolId: POOL,
        clientId: CLIENT,
        tokenUse: 'access',
        fetch: fetchSpy,
        onEvent: (event) => events.push(event),
        clockTolerance: 30,
        now: () => now,
      }),
    )
    await verifier.verify(token)
    expect(fetchSpy).toHaveBeenCalledTimes(1)
    expect(events).toMatchObject([
      { type: 'jwks_fetched', issuer: pool.issuer, keys: 1 },
      { type: 'token_verified', issuer: pool.issuer, cached: false },
    ])
  })

  it('runs validate after the Cognito checks, and its AuthError rejects', async () => {
    server.use(pool.handler)
    const seen: string[] = []
    const verifier = createVerifier(
      cognito({
        userPoolId: POOL,
        clientId: CLIENT,
        tokenUse: 'access',
        validate: (claims) => {
          seen.push(String(claims.token_use))
          if (claims.username === 'mallory') throw new Error('blocked user')
        },
      }),
    )
    await verifier.verify(pool.accessToken())
    // A wrong token_use never reaches validate.
    await rejection(verifier.verify(pool.idToken()))
    expect(seen).toEqual(['access'])
    expect((await rejection(verifier.verify(pool.accessToken({ username: 'mallory' })))).code).toBe(
      'invalid_claims',
    )
  })

  it('passes isRevoked through', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(
      cognito({
        userPoolId: POOL,
        clientId: CLIENT,
        tokenUse: 'access',
        isRevoked: (verified) => verified.claims.username === 'alice',
      }),
    )
    expect((await rejection(verifier.verify(pool.accessToken()))).code).toBe('token_revoked')
  })
})

describe('claim schemas', () => {
  it('parse the claims of real-shaped tokens with parseClaims', async () => {
    server.use(pool.handler)
    const verifier = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: null }))
    const access = await parseClaims(await verifier.verify(pool.accessToken()), cognitoAccessClaims)
    expect(access.client_id).toBe(CLIENT)
    const id = await parseClaims(await verifier.verify(pool.idToken()), cognitoIdClaims)
    expect(id['cognito:username']).toBe('alice')
    const either = await parseClaims(await verifier.verify(pool.idToken()), cognitoClaims)
    expect(either.token_use).toBe('id')
    // A synchronous schema: parseClaims throws at once rather than rejecting.
    const access2 = await verifier.verify(pool.accessToken())
    expect(() => parseClaims(access2, cognitoIdClaims)).toThrow(
      expect.objectContaining({ code: 'invalid_claims' }),
    )
  })

  it('type the claims by tokenUse, as aws-jwt-verify does', () => {
    const access = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access' }),
    )
    const id = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' }))
    const either = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: null }))
    expectTypeOf<Awaited<ReturnType<typeof access.verify>>>().toEqualTypeOf<
      VerifiedToken<CognitoAccessClaims>
    >()
    expectTypeOf<Awaited<ReturnType<typeof id.verify>>>().toEqualTypeOf<
      VerifiedToken<CognitoIdClaims>
    >()
    expectTypeOf<Awaited<ReturnType<typeof either.verify>>>().toEqualTypeOf<
      VerifiedToken<CognitoClaims>
    >()
    expect([access, id, either].map((v) => v.provider)).toEqual(['cognito', 'cognito', 'cognito'])
    // A provider with specific claims is still a Provider: apps keep several in one variable.
    const providers: Provider[] = [
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access' }),
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id' }),
    ]
    expect(providers.map((p) => p.provider)).toEqual(['cognito', 'cognito'])
    expectTypeOf<CognitoAccessClaims['client_id']>().toEqualTypeOf<string>()
    expectTypeOf<CognitoIdClaims['aud']>().toEqualTypeOf<string>()
    expectTypeOf<CognitoClaims['token_use']>().toEqualTypeOf<'access' | 'id'>()
    // @ts-expect-error tokenUse is required
    expect(() => cognito({ userPoolId: POOL, clientId: CLIENT })).toThrow()
    // @ts-expect-error 'any' is spelled null in code (COGNITO_TOKEN_USE=any in the environment)
    expect(() => cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'any' })).toThrow()
  })
})
