/**
 * What every provider does the same way (issue 9 item 5, issue 10 item 9, issue 14 item 4):
 * unknown options named with the nearest known one, the userId claim and the lifetime ceiling;
 * and cognitoFromEnv() pointed at the local dev issuer (issue 11).
 */
import { createVerifier, ConfigError } from '@cloudauth/core'
import { cognitoPreset, DEV_DEFAULTS, startDevIssuer } from '@cloudauth/testing'
import { describe, expect, it } from 'vitest'
import { cognito, cognitoFromEnv } from '../src/index.js'
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
const now = () => Math.floor(Date.now() / 1000)
type AnyOptions = Parameters<typeof cognito>[0]

function configError(build: () => unknown): ConfigError {
  try {
    build()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

async function code(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: unknown) => (error as { code: string }).code,
  )
}

describe('cognito() options', () => {
  it('refuses unknown options, at the top level and in pools, naming the nearest known one', () => {
    const error = configError(() =>
      cognito({
        userPoolId: POOL,
        clientId: CLIENT,
        tokenUse: 'access',
        scopeClaim: 'cognito:groups',
        groupClaim: 'x',
        tokenuse: 'id',
        pools: [{ userPoolId: 'us-east-1_Second2', clientID: 'c2', clientId: 'c2' }],
      } as unknown as AnyOptions),
    )
    expect(error.problems).toEqual([
      'scopeClaim: is not an option of cognito(); did you mean scopeClaims?',
      'groupClaim: is not an option of cognito(); did you mean groupClaims?',
      'tokenuse: is not an option of cognito(); did you mean tokenUse?',
      'pools[0].clientID: is not an option of cognito(); did you mean clientId?',
    ])
  })

  it('checks userId and maxTokenLifetime with every other problem', () => {
    const error = configError(() =>
      cognito({
        tokenUse: 'access',
        userPoolId: 'bad',
        clientId: CLIENT,
        userId: 5,
        maxTokenLifetime: 0,
      } as never),
    )
    expect(error.problems.map((line) => line.split(':')[0])).toEqual([
      'userPoolId',
      'userId',
      'maxTokenLifetime',
    ])
  })
})

describe('cognito() userId', () => {
  it('takes user.id from the configured claim and refuses a token lacking it', async () => {
    server.use(pool.handler)
    const ids = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'id', userId: 'email' }),
    )
    expect(ids.user(await ids.verify(pool.idToken())).id).toBe('alice@example.com')
    const access = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access', userId: 'email' }),
    )
    const refused = await access.verify(pool.accessToken()).catch((error: unknown) => error)
    expect(refused).toMatchObject({ code: 'invalid_claims' })
    expect((refused as Error).message).toContain(
      'the email claim, which identifies the user (userId)',
    )
    expect((refused as Error).message).not.toContain('alice')
    const byName = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access', userId: 'username' }),
    )
    expect(byName.user(await byName.verify(pool.accessToken())).id).toBe('alice')
  })
})

describe('cognito() lifetime ceiling', () => {
  it('refuses access and ID tokens living longer than a day, unless told otherwise', async () => {
    server.use(pool.handler)
    const day = 86_400
    const either = createVerifier(cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: null }))
    const times = (lifetime: number) => ({ iat: now() - 10, exp: now() - 10 + lifetime })
    expect(await code(either.verify(pool.accessToken(times(day))))).toBe('ok')
    expect(await code(either.verify(pool.idToken(times(day))))).toBe('ok')
    expect(await code(either.verify(pool.accessToken(times(day + 1))))).toBe('invalid_claims')
    expect(await code(either.verify(pool.idToken(times(30 * day))))).toBe('invalid_claims')
    const week = createVerifier(
      cognito({
        userPoolId: POOL,
        clientId: CLIENT,
        tokenUse: 'access',
        maxTokenLifetime: 7 * day,
      }),
    )
    expect(await code(week.verify(pool.accessToken(times(7 * day))))).toBe('ok')
    const off = createVerifier(
      cognito({ userPoolId: POOL, clientId: CLIENT, tokenUse: 'access', maxTokenLifetime: null }),
    )
    expect(await code(off.verify(pool.accessToken(times(365 * day))))).toBe('ok')
  })
})

describe('cognitoFromEnv() and the local dev issuer', () => {
  it('accepts dev tokens with COGNITO_ENDPOINT and the dev defaults', async () => {
    server.close()
    const issuer = await startDevIssuer()
    try {
      const verifier = createVerifier(
        cognitoFromEnv({
          COGNITO_ENDPOINT: issuer.url,
          COGNITO_USER_POOL_ID: DEV_DEFAULTS.userPoolId,
          COGNITO_CLIENT_ID: DEV_DEFAULTS.clientId,
          COGNITO_TOKEN_USE: 'access',
        }),
      )
      const verified = await verifier.verify(
        issuer.mint({ shape: 'cognito', scopes: ['read:users'] }),
      )
      expect(verified.scopes).toContain('read:users')
    } finally {
      await issuer.stop()
      server.listen({ onUnhandledRequest: 'error' })
    }
  })

  it('lists the problems of the variables and of the options in one ConfigError', () => {
    const error = configError(() =>
      cognitoFromEnv({ COGNITO_CLIENT_ID: CLIENT }, {
        tokenUse: 'access',
        scopeClaim: 'cognito:groups',
        maxTokenLifetime: -1,
      } as never),
    )
    expect(error.problems).toEqual([
      'COGNITO_USER_POOL_ID: is required (a user pool id such as us-east-1_AbCdEf123)',
      'scopeClaim: is not an option of cognito(); did you mean scopeClaims?',
      'maxTokenLifetime: must be a positive whole number of seconds, or null to switch the ceiling off',
    ])
  })

  it('refuses in options what the environment gives', () => {
    const error = configError(() =>
      cognitoFromEnv(
        { COGNITO_USER_POOL_ID: POOL, COGNITO_CLIENT_ID: CLIENT, COGNITO_TOKEN_USE: 'access' },
        { userPoolId: 'us-east-1_Other1', endpoint: 'http://127.0.0.1:1' } as never,
      ),
    )
    expect(error.problems).toEqual([
      'userPoolId: is read from COGNITO_USER_POOL_ID, not from options',
      'endpoint: is read from COGNITO_ENDPOINT, not from options',
    ])
  })
})
