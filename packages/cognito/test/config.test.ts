import { ConfigError } from '@cloudauth/core'
import { describe, expect, it } from 'vitest'
import { cognito, type CognitoOptions } from '../src/index.js'

const POOL = 'us-east-1_AbCdEf123'

/** Calls cognito() with options a JavaScript caller could pass, and returns the ConfigError. */
function configError(options: unknown): ConfigError {
  let caught: unknown
  try {
    cognito(options as CognitoOptions)
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(ConfigError)
  return caught as ConfigError
}

describe('cognito(): configuration', () => {
  it('accepts a minimal configuration', () => {
    const provider = cognito({ userPoolId: POOL, clientId: 'client1', tokenUse: 'access' })
    expect(provider).toMatchObject({
      kind: 'provider',
      provider: 'cognito',
      algorithms: ['RS256'],
      scopeClaims: ['scope'],
      groupClaims: ['cognito:groups'],
      issuers: [
        {
          issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123',
          jwksUri:
            'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123/.well-known/jwks.json',
          audience: null,
        },
      ],
    })
  })

  it.each(['us-gov-west-1_AbC123', 'ap-southeast-4_X', 'il-central-1_abcDEF0'])(
    'accepts the pool id %s',
    (userPoolId) => {
      expect(() => cognito({ userPoolId, clientId: 'c', tokenUse: 'id' })).not.toThrow()
    },
  )

  it('accepts a region equal to the pool id prefix', () => {
    expect(() =>
      cognito({ userPoolId: POOL, region: 'us-east-1', clientId: 'c', tokenUse: 'id' }),
    ).not.toThrow()
  })

  it.each([
    [{ userPoolId: POOL, clientId: 'c' }, 'tokenUse'],
    [{ userPoolId: POOL, clientId: 'c', tokenUse: 'any' }, 'tokenUse'],
    [{ userPoolId: POOL, clientId: 'c', tokenUse: 'refresh' }, 'tokenUse'],
    [{ clientId: 'c', tokenUse: 'access' }, 'userPoolId'],
    [{ userPoolId: '', clientId: 'c', tokenUse: 'access' }, 'userPoolId'],
    [{ userPoolId: 'AbCdEf123', clientId: 'c', tokenUse: 'access' }, 'userPoolId'],
    [{ userPoolId: 'us-east-1_', clientId: 'c', tokenUse: 'access' }, 'userPoolId'],
    [{ userPoolId: 'us-east-1_Ab/../x', clientId: 'c', tokenUse: 'access' }, 'userPoolId'],
    [{ userPoolId: 'local_AbCd1234', clientId: 'c', tokenUse: 'access' }, 'userPoolId'],
    [
      {
        userPoolId: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab',
        clientId: 'c',
        tokenUse: 'access',
      },
      'userPoolId',
    ],
    [{ userPoolId: POOL, tokenUse: 'access' }, 'clientId'],
    [{ userPoolId: POOL, clientId: '', tokenUse: 'access' }, 'clientId'],
    [{ userPoolId: POOL, clientId: [], tokenUse: 'access' }, 'clientId'],
    [{ userPoolId: POOL, clientId: ['ok', ''], tokenUse: 'access' }, 'clientId'],
    [{ userPoolId: POOL, clientId: 'has space', tokenUse: 'access' }, 'clientId'],
    [{ userPoolId: POOL, clientId: 42, tokenUse: 'access' }, 'clientId'],
    [{ userPoolId: POOL, clientId: 'c', region: 'US-EAST-1', tokenUse: 'access' }, 'region'],
    [{ userPoolId: POOL, clientId: 'c', region: 'useast1', tokenUse: 'access' }, 'region'],
    [{ userPoolId: POOL, clientId: 'c', region: 'eu-west-1', tokenUse: 'access' }, 'region'],
    [{ userPoolId: POOL, clientId: 'c', tokenUse: 'access', endpoint: 'not a url' }, 'endpoint'],
    [
      { userPoolId: POOL, clientId: 'c', tokenUse: 'access', endpoint: 'http://cognito:9229' },
      'endpoint',
    ],
    [
      { userPoolId: POOL, clientId: 'c', tokenUse: 'access', endpoint: 'ftp://127.0.0.1' },
      'endpoint',
    ],
    [
      {
        userPoolId: POOL,
        clientId: 'c',
        tokenUse: 'access',
        endpoint: 'http://127.0.0.1:9229/?x=1',
      },
      'endpoint',
    ],
    [
      { userPoolId: POOL, clientId: 'c', tokenUse: 'access', endpoint: 'https://u:p@example.com' },
      'endpoint',
    ],
    [{ userPoolId: POOL, clientId: 'c', tokenUse: 'access', scopeClaims: '' }, 'scopeClaims'],
    [{ userPoolId: POOL, clientId: 'c', tokenUse: 'access', groupClaims: [1] }, 'groupClaims'],
    [{ userPoolId: POOL, clientId: 'c', tokenUse: 'access', validate: 'yes' }, 'validate'],
    [{ tokenUse: 'access', pools: 'us-east-1_AbC' }, 'pools'],
    [{ tokenUse: 'access', pools: [null] }, 'pools[0]'],
    [{ tokenUse: 'access', pools: [] }, 'userPoolId'],
    [{ tokenUse: 'access', pools: [{ userPoolId: POOL }] }, 'pools[0].clientId'],
    [{ tokenUse: 'access', pools: [{ userPoolId: 'nope', clientId: 'c' }] }, 'pools[0].userPoolId'],
    [
      { tokenUse: 'access', pools: [{ userPoolId: POOL, clientId: 'c', region: 'eu-west-1' }] },
      'pools[0].region',
    ],
  ])('rejects %j, naming %s', (options, option) => {
    expect(configError(options).option).toBe(option)
  })

  it('rejects options that are not an object', () => {
    expect(configError(undefined).option).toBe('options')
    expect(configError(null).option).toBe('options')
  })

  it('rejects the same pool twice', () => {
    const error = configError({
      userPoolId: POOL,
      clientId: 'a',
      tokenUse: 'access',
      pools: [{ userPoolId: POOL, clientId: 'b' }],
    })
    expect(error.option).toBe('pools[0].userPoolId')
    expect(error.message).toContain('configured already')
  })

  it('allows emulator pool ids only with an endpoint', () => {
    const provider = cognito({
      userPoolId: 'local_AbCd1234',
      clientId: 'c',
      tokenUse: 'access',
      endpoint: 'http://localhost:9229',
    })
    expect(provider.issuers).toMatchObject([
      {
        issuer: 'http://localhost:9229/local_AbCd1234',
        jwksUri: 'http://localhost:9229/local_AbCd1234/.well-known/jwks.json',
      },
    ])
    expect(
      configError({
        userPoolId: 'local/x',
        clientId: 'c',
        tokenUse: 'access',
        endpoint: 'http://localhost:9229',
      }).option,
    ).toBe('userPoolId')
  })

  it('reports a bad endpoint once, still checking pool ids as an emulator’s', () => {
    const error = configError({
      userPoolId: 'local_AbCd1234',
      clientId: 'c',
      tokenUse: 'access',
      endpoint: 'http://cognito:9229',
    })
    expect(error.problems).toHaveLength(1)
    expect(error.option).toBe('endpoint')
  })

  it('accepts an https endpoint anywhere', () => {
    const provider = cognito({
      userPoolId: 'local_AbCd1234',
      clientId: 'c',
      tokenUse: 'access',
      endpoint: 'https://cognito.internal.example/base/',
    })
    expect(provider.issuers).toMatchObject([
      { issuer: 'https://cognito.internal.example/base/local_AbCd1234' },
    ])
  })

  it('reports every problem at once, without echoing values', () => {
    const error = configError({
      userPoolId: 'secret-looking-value',
      clientId: '',
      region: 'also secret',
      tokenUse: 'both',
    })
    expect(error.problems).toHaveLength(4)
    expect(error.problems.map((p) => p.split(':')[0])).toEqual([
      'tokenUse',
      'userPoolId',
      'clientId',
      'region',
    ])
    expect(error.option).toBe('tokenUse, userPoolId, clientId, region')
    expect(error.message).not.toContain('secret')
  })

  it('passes core options through, and core still checks them', () => {
    const provider = cognito({
      userPoolId: POOL,
      clientId: 'c',
      tokenUse: 'access',
      clockTolerance: 30,
      jwks: { timeoutMs: 1000 },
      cache: false,
    })
    expect(provider).toMatchObject({ clockTolerance: 30, jwks: { timeoutMs: 1000 }, cache: false })
    expect('now' in provider).toBe(false)
  })
})
