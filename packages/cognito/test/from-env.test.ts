import { ConfigError, createVerifier, type Provider } from '@cloudauth/core'
import { cognitoPreset, defaultKey } from '@cloudauth/testing'
import { describe, expect, expectTypeOf, it, vi, afterEach } from 'vitest'
import {
  cognitoFromEnv,
  type CognitoAccessClaims,
  type CognitoClaims,
  type CognitoEnv,
  type CognitoFromEnvOptions,
  type CognitoIdClaims,
} from '../src/index.js'
import { useMswServer } from './setup-msw.js'

const server = useMswServer()

const primary = cognitoPreset({ userPoolId: 'eu-west-1_Primary1', clientId: 'webclient' })
const secondary = cognitoPreset({
  userPoolId: 'us-east-1_Second2',
  clientId: 'partnerclient',
  key: defaultKey('RS256', 1),
})

function envError(env: CognitoEnv, options?: CognitoFromEnvOptions): ConfigError {
  let caught: unknown
  try {
    cognitoFromEnv(env, options)
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(ConfigError)
  return caught as ConfigError
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('cognitoFromEnv()', () => {
  it('builds a working provider from the environment', async () => {
    server.use(primary.handler)
    const verifier = createVerifier(
      cognitoFromEnv({
        COGNITO_USER_POOL_ID: 'eu-west-1_Primary1',
        COGNITO_CLIENT_ID: 'webclient',
        COGNITO_TOKEN_USE: 'access',
      }),
    )
    const verified = await verifier.verify(primary.accessToken({ 'cognito:groups': ['admin'] }))
    expect(verified.groups).toEqual(['admin'])
    expect(
      (await verifier.verify(primary.idToken()).catch((e: unknown) => e)) as object,
    ).toMatchObject({
      code: 'invalid_token_use',
    })
  })

  it('reads comma-separated client ids, the region, and any/ID in any case', async () => {
    server.use(primary.handler)
    const provider = cognitoFromEnv({
      COGNITO_USER_POOL_ID: ' eu-west-1_Primary1 ',
      COGNITO_CLIENT_ID: 'otherclient, webclient',
      COGNITO_REGION: 'eu-west-1',
      COGNITO_TOKEN_USE: 'ANY',
    })
    const verifier = createVerifier(provider)
    await expect(verifier.verify(primary.accessToken())).resolves.toBeDefined()
    await expect(verifier.verify(primary.idToken())).resolves.toBeDefined()
    const idOnly = createVerifier(
      cognitoFromEnv({
        COGNITO_USER_POOL_ID: 'eu-west-1_Primary1',
        COGNITO_CLIENT_ID: 'webclient',
        COGNITO_TOKEN_USE: 'Id',
      }),
    )
    await expect(idOnly.verify(primary.idToken())).resolves.toBeDefined()
    await expect(idOnly.verify(primary.accessToken())).rejects.toMatchObject({
      code: 'invalid_token_use',
    })
  })

  it('adds the secondary pool (smac primary/secondary)', async () => {
    server.use(primary.handler, secondary.handler)
    const verifier = createVerifier(
      cognitoFromEnv({
        COGNITO_USER_POOL_ID: 'eu-west-1_Primary1',
        COGNITO_CLIENT_ID: 'webclient',
        COGNITO_TOKEN_USE: 'id',
        COGNITO_SECONDARY_USER_POOL_ID: 'us-east-1_Second2',
        COGNITO_SECONDARY_CLIENT_ID: 'partnerclient',
        COGNITO_SECONDARY_REGION: 'us-east-1',
      }),
    )
    expect((await verifier.verify(primary.idToken())).issuer).toBe(primary.issuer)
    expect((await verifier.verify(secondary.idToken())).issuer).toBe(secondary.issuer)
  })

  it('points at an emulator with COGNITO_ENDPOINT', () => {
    const provider = cognitoFromEnv({
      COGNITO_USER_POOL_ID: 'local_AbCd1234',
      COGNITO_CLIENT_ID: 'c',
      COGNITO_TOKEN_USE: 'access',
      COGNITO_ENDPOINT: 'http://127.0.0.1:9229',
    })
    expect(provider.issuers).toMatchObject([{ issuer: 'http://127.0.0.1:9229/local_AbCd1234' }])
  })

  it('takes code-side options', () => {
    const provider = cognitoFromEnv(
      {
        COGNITO_USER_POOL_ID: 'eu-west-1_Primary1',
        COGNITO_CLIENT_ID: 'c',
        COGNITO_TOKEN_USE: 'access',
      },
      { scopeClaims: 'cognito:groups', clockTolerance: 10 },
    )
    expect(provider).toMatchObject({ scopeClaims: ['cognito:groups'], clockTolerance: 10 })
  })

  it('reads process.env by default', () => {
    vi.stubEnv('COGNITO_USER_POOL_ID', 'eu-west-1_Primary1')
    vi.stubEnv('COGNITO_CLIENT_ID', 'fromprocess')
    vi.stubEnv('COGNITO_TOKEN_USE', 'id')
    vi.stubEnv('COGNITO_SECONDARY_USER_POOL_ID', '')
    vi.stubEnv('COGNITO_SECONDARY_CLIENT_ID', '')
    vi.stubEnv('COGNITO_SECONDARY_REGION', '')
    vi.stubEnv('COGNITO_REGION', '')
    vi.stubEnv('COGNITO_ENDPOINT', '')
    expect(cognitoFromEnv().issuers).toMatchObject([
      { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Primary1' },
    ])
  })

  it('lists every missing variable at once', () => {
    const error = envError({})
    expect(error.problems.map((p) => p.split(':')[0])).toEqual([
      'COGNITO_TOKEN_USE',
      'COGNITO_USER_POOL_ID',
      'COGNITO_CLIENT_ID',
    ])
    expect(error.option).toBe('COGNITO_TOKEN_USE, COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID')
  })

  it('counts empty and blank values as unset', () => {
    const error = envError({
      COGNITO_USER_POOL_ID: '',
      COGNITO_CLIENT_ID: '  ',
      COGNITO_TOKEN_USE: 'id',
    })
    expect(error.problems.map((p) => p.split(':')[0])).toEqual([
      'COGNITO_USER_POOL_ID',
      'COGNITO_CLIENT_ID',
    ])
  })

  it('lists every invalid variable at once, without echoing values', () => {
    const error = envError({
      COGNITO_USER_POOL_ID: 'not-a-pool-secret',
      COGNITO_CLIENT_ID: 'good,,also-bad secret',
      COGNITO_REGION: 'mars-secret',
      COGNITO_TOKEN_USE: 'refresh',
      COGNITO_ENDPOINT: 'http://cognito.secret.example:9229',
      COGNITO_SECONDARY_CLIENT_ID: 'partner',
      COGNITO_SECONDARY_REGION: 'nowhere',
    })
    expect(error.problems.map((p) => p.split(':')[0])).toEqual([
      'COGNITO_TOKEN_USE',
      'COGNITO_ENDPOINT',
      'COGNITO_USER_POOL_ID',
      'COGNITO_CLIENT_ID',
      'COGNITO_REGION',
      'COGNITO_SECONDARY_USER_POOL_ID',
      'COGNITO_SECONDARY_REGION',
    ])
    expect(error.message).not.toContain('secret')
    expect(error.message).toContain('7 problems')
  })

  it('reports a bad COGNITO_ENDPOINT once, still checking pool ids as an emulator’s', () => {
    const error = envError({
      COGNITO_USER_POOL_ID: 'local_AbCd1234',
      COGNITO_CLIENT_ID: 'c',
      COGNITO_TOKEN_USE: 'access',
      COGNITO_ENDPOINT: 'ftp://127.0.0.1',
    })
    expect(error.problems.map((p) => p.split(':')[0])).toEqual(['COGNITO_ENDPOINT'])
  })

  it('rejects a region that does not match the pool id', () => {
    const error = envError({
      COGNITO_USER_POOL_ID: 'eu-west-1_Primary1',
      COGNITO_CLIENT_ID: 'c',
      COGNITO_REGION: 'us-east-1',
      COGNITO_TOKEN_USE: 'id',
    })
    expect(error.option).toBe('COGNITO_REGION')
    expect(error.message).toContain('COGNITO_USER_POOL_ID')
  })

  it('rejects a secondary pool equal to the primary', () => {
    const error = envError({
      COGNITO_USER_POOL_ID: 'eu-west-1_Primary1',
      COGNITO_CLIENT_ID: 'c',
      COGNITO_TOKEN_USE: 'id',
      COGNITO_SECONDARY_USER_POOL_ID: 'eu-west-1_Primary1',
      COGNITO_SECONDARY_CLIENT_ID: 'd',
    })
    expect(error.option).toBe('COGNITO_SECONDARY_USER_POOL_ID')
  })

  describe('with tokenUse in code', () => {
    const pool = { COGNITO_USER_POOL_ID: 'eu-west-1_Primary1', COGNITO_CLIENT_ID: 'webclient' }

    it('types the claims as cognito({ tokenUse }) does', () => {
      expectTypeOf(cognitoFromEnv(pool, { tokenUse: 'access' })).toEqualTypeOf<
        Provider<CognitoAccessClaims>
      >()
      expectTypeOf(cognitoFromEnv(pool, { tokenUse: 'id' })).toEqualTypeOf<
        Provider<CognitoIdClaims>
      >()
      expectTypeOf(cognitoFromEnv(pool, { tokenUse: null })).toEqualTypeOf<
        Provider<CognitoClaims>
      >()
      expectTypeOf(
        cognitoFromEnv({ ...pool, COGNITO_TOKEN_USE: 'any' }, { clockTolerance: 1 }),
      ).toEqualTypeOf<Provider<CognitoClaims>>()
      // An app that needs access claims can now take a provider from the environment.
      const needsAccess = (provider: Provider<CognitoAccessClaims>) => provider.provider
      expect(needsAccess(cognitoFromEnv(pool, { tokenUse: 'access' }))).toBe('cognito')
    })

    it('needs no COGNITO_TOKEN_USE, and checks the kind of token', async () => {
      server.use(primary.handler)
      const verifier = createVerifier(
        cognitoFromEnv(pool, {
          tokenUse: 'access',
          isRevoked: (verified) => verified.claims.client_id !== 'webclient',
        }),
      )
      await expect(verifier.verify(primary.accessToken())).resolves.toBeDefined()
      await expect(verifier.verify(primary.idToken())).rejects.toMatchObject({
        code: 'invalid_token_use',
      })
    })

    it('accepts a COGNITO_TOKEN_USE that agrees, in any case', () => {
      expect(() =>
        cognitoFromEnv({ ...pool, COGNITO_TOKEN_USE: 'ID' }, { tokenUse: 'id' }),
      ).not.toThrow()
      expect(() =>
        cognitoFromEnv({ ...pool, COGNITO_TOKEN_USE: 'any' }, { tokenUse: null }),
      ).not.toThrow()
    })

    it.each([
      ['id', 'access'],
      ['any', 'access'],
      ['access', null],
    ] as const)('refuses COGNITO_TOKEN_USE=%s when the code says %j', (value, tokenUse) => {
      const error = envError({ ...pool, COGNITO_TOKEN_USE: value }, { tokenUse })
      expect(error.option).toBe('COGNITO_TOKEN_USE')
      expect(error.problems).toEqual([
        `COGNITO_TOKEN_USE: must agree with tokenUse: ${JSON.stringify(tokenUse)} given in code (null is any)`,
      ])
    })

    it('still reports an invalid COGNITO_TOKEN_USE with the other problems', () => {
      const error = envError({ COGNITO_TOKEN_USE: 'both' }, { tokenUse: 'access' })
      expect(error.problems.map((p) => p.split(':')[0])).toEqual([
        'COGNITO_TOKEN_USE',
        'COGNITO_USER_POOL_ID',
        'COGNITO_CLIENT_ID',
      ])
    })
  })
})
