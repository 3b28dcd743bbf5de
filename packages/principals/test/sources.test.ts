import { ConfigError } from '@cloudauth/core'
import {
  envSource,
  hashServiceToken,
  servicePrincipals,
  staticSource,
  type ServiceSource,
} from '@cloudauth/principals'
import { describe, expect, it } from 'vitest'
import { answer, request } from './support.js'

const TOKEN = 'st4tic-T0ken-0123456789abcdefghijklmnop'
const OTHER = 'ot4er-T0ken-0123456789abcdefghijklmnopq'

const via = (source: ServiceSource) =>
  servicePrincipals({ idHeader: 'X-Service-Id', tokenHeader: 'X-Service-Token', source })
const creds = (id: string, token: string) =>
  request([
    ['X-Service-Id', id],
    ['X-Service-Token', token],
  ])

function configError(build: () => unknown): ConfigError {
  try {
    build()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('hashServiceToken', () => {
  it('is sha256: and 64 hex digits, and differs per token', () => {
    expect(hashServiceToken(TOKEN)).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(hashServiceToken(TOKEN)).not.toBe(hashServiceToken(OTHER))
    expect(hashServiceToken('abc')).toBe(
      'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })
})

describe('staticSource', () => {
  it('refuses a plain token where its hash belongs, without echoing it', () => {
    const error = configError(() => staticSource({ billing: { tokenHash: TOKEN } }))
    expect(error.problems).toEqual([
      "services.billing.tokenHash: must be a hash from hashServiceToken() ('sha256:' and 64 hex digits), never the token itself",
    ])
    expect(error.message).not.toContain(TOKEN)
  })

  it('reports every bad entry at once', () => {
    const error = configError(() =>
      staticSource({
        a: { tokenHash: [] },
        b: { tokenHash: hashServiceToken(TOKEN), id: '', groups: ['ok', ''] as string[] },
        c: { tokenHash: hashServiceToken(TOKEN), scopes: 'admin' as unknown as string[] },
      }),
    )
    expect(error.problems).toEqual([
      'services.a.tokenHash: is required',
      'services.b.id: must be a non-empty string',
      'services.b.groups: must be a list of non-empty strings',
      'services.c.scopes: must be a list of non-empty strings',
    ])
  })
})

describe('envSource', () => {
  const prefix = 'APP__AUTH__SERVICES__STATIC__'
  it('builds services from nested names', async () => {
    const source = envSource({
      prefix,
      env: {
        [`${prefix}BILLING_JOB__TOKEN_HASH`]: hashServiceToken(TOKEN),
        [`${prefix}BILLING_JOB__SCOPES`]: 'invoices:read, invoices:write',
        [`${prefix}REPORTS__TOKEN_HASH`]: `${hashServiceToken(TOKEN)},${hashServiceToken(OTHER)}`,
        [`${prefix}REPORTS__NAME`]: 'Reports',
        [`${prefix}REPORTS__ID`]: 'svc-reports',
        [`${prefix}REPORTS__GROUPS`]: 'ops',
        UNRELATED: 'x',
      },
    })
    const services = via(source)
    await expect(services.authenticate(creds('billing-job', TOKEN))).resolves.toEqual({
      kind: 'service',
      id: 'billing-job',
      groups: [],
      scopes: ['invoices:read', 'invoices:write'],
      attributes: {},
    })
    await expect(services.authenticate(creds('Reports', OTHER))).resolves.toMatchObject({
      id: 'svc-reports',
      groups: ['ops'],
    })
    expect((await answer(services.authenticate(creds('reports', OTHER)))).status).toBe(401)
  })

  it('reports unknown names, missing hashes and pasted tokens at once, never echoing values', () => {
    const error = configError(() =>
      envSource({
        prefix,
        env: {
          [`${prefix}BILLING__TOKEN`]: TOKEN,
          [`${prefix}BILLING__SCOPES`]: 'x',
          [`${prefix}REPORTS__TOKEN_HASH`]: TOKEN,
        },
      }),
    )
    expect(error.problems).toEqual([
      `${prefix}BILLING__TOKEN: is not a known name: use ${prefix}<KEY>__{NAME|ID|TOKEN_HASH|GROUPS|SCOPES}`,
      `${prefix}BILLING__TOKEN_HASH: is required`,
      `${prefix}REPORTS__TOKEN_HASH: must be a hash from hashServiceToken() ('sha256:' and 64 hex digits), never the token itself`,
    ])
    expect(error.message).not.toContain(TOKEN)
  })
})
