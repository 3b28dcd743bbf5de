import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import {
  secretsManagerSource,
  servicePrincipals,
  type SecretsManagerSourceOptions,
  type ServicePrincipalEvent,
} from '@cloudauth/principals'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { answer, request } from './support.js'

// Secrets Manager has no emulator: msw answers the AWS JSON 1.1 protocol at the real regional
// endpoint, as the SDK calls it (POST /, x-amz-target secretsmanager.GetSecretValue).
interface Stored {
  current?: string
  pending?: string
}
const secrets = new Map<string, Stored>()
const calls: { region: string; secretId: string; stage: string; authorization: string }[] = []
let failure: { status: number; type: string } | 'network' | undefined

const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' }
const server = setupServer(
  http.post('https://secretsmanager.:region.amazonaws.com/', async ({ request: req, params }) => {
    if (req.headers.get('x-amz-target') !== 'secretsmanager.GetSecretValue')
      return HttpResponse.json(
        { __type: 'InvalidRequestException', message: 'not mocked' },
        { status: 400 },
      )
    const { SecretId, VersionStage } = (await req.json()) as {
      SecretId: string
      VersionStage?: string
    }
    const stage = VersionStage ?? 'AWSCURRENT'
    calls.push({
      region: String(params.region),
      secretId: SecretId,
      stage,
      authorization: req.headers.get('authorization') ?? '',
    })
    if (failure === 'network') return HttpResponse.error()
    if (failure !== undefined)
      return HttpResponse.json(
        { __type: failure.type, message: 'no' },
        { status: failure.status, headers: JSON_11 },
      )
    const stored = secrets.get(SecretId)
    const value = stage === 'AWSPENDING' ? stored?.pending : stored?.current
    if (value === undefined)
      return HttpResponse.json(
        {
          __type: 'ResourceNotFoundException',
          message:
            stored === undefined
              ? "Secrets Manager can't find the specified secret."
              : `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
        },
        { status: 400, headers: JSON_11 },
      )
    return HttpResponse.json(
      {
        ARN: `arn:aws:secretsmanager:${String(params.region)}:123456789012:secret:${SecretId}-AbCdEf`,
        Name: SecretId,
        VersionId: `${stage}-version`,
        SecretString: value,
        VersionStages: [stage],
        CreatedDate: 1700000000.123,
      },
      { headers: JSON_11 },
    )
  }),
)

const TOKEN = 'curr3nt-T0ken-0123456789abcdefghijklmn'
const NEXT = 'p3nding-T0ken-0123456789abcdefghijklmn'
const ID = 'SMAC-Principal'
const TOK = 'SMAC-Token'
const creds = (id: string, token: string) =>
  request([
    [ID, id],
    [TOK, token],
  ])

const testClient = () =>
  new SecretsManagerClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    maxAttempts: 1,
  })

function make(options: SecretsManagerSourceOptions = {}, events: ServicePrincipalEvent[] = []) {
  return servicePrincipals({
    idHeader: ID,
    tokenHeader: TOK,
    source: secretsManagerSource({ prefix: 'prod/services/', client: testClient(), ...options }),
    onEvent: (event) => events.push(event),
  })
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date('2026-12-03T08:00:00Z'))
  secrets.clear()
  calls.length = 0
  failure = undefined
  secrets.set('prod/services/billing', {
    current: JSON.stringify({ token: TOKEN, id: 'svc-billing', scopes: ['invoices:write'] }),
  })
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllEnvs()
})

describe('secretsManagerSource', () => {
  it('accepts the token of AWSCURRENT, with the id from the secret, and reads under the prefix', async () => {
    await expect(make().authenticate(creds('billing', TOKEN))).resolves.toEqual({
      kind: 'service',
      id: 'svc-billing',
      groups: [],
      scopes: ['invoices:write'],
      attributes: {},
    })
    expect(calls.map((c) => [c.region, c.secretId, c.stage]).sort()).toEqual([
      ['eu-west-1', 'prod/services/billing', 'AWSCURRENT'],
      ['eu-west-1', 'prod/services/billing', 'AWSPENDING'],
    ])
  })

  it('accepts both AWSCURRENT and AWSPENDING during a rotation', async () => {
    secrets.set('prod/services/billing', {
      current: JSON.stringify({ token: TOKEN, id: 'svc-billing' }),
      pending: JSON.stringify({ token: NEXT, id: 'svc-billing' }),
    })
    const services = make()
    await expect(services.authenticate(creds('billing', TOKEN))).resolves.toMatchObject({
      id: 'svc-billing',
    })
    await expect(services.authenticate(creds('billing', NEXT))).resolves.toMatchObject({
      id: 'svc-billing',
    })
  })

  it('caches credentials for ttlMs, then reads them again', async () => {
    const services = make({ ttlMs: 60_000 })
    await services.authenticate(creds('billing', TOKEN))
    await services.authenticate(creds('billing', TOKEN))
    expect(calls).toHaveLength(2) // one read of each stage
    vi.setSystemTime(Date.now() + 60_001)
    await services.authenticate(creds('billing', TOKEN))
    expect(calls).toHaveLength(4)
  })

  it('caches unknown identifiers (negative caching) and refuses them like a wrong token', async () => {
    const services = make({ negativeTtlMs: 10_000, refreshAfterMs: 10_000 })
    const first = await answer(services.authenticate(creds('nobody', TOKEN)))
    expect(first.status).toBe(401)
    expect(first.body.error).toBe('invalid_token')
    expect(first.error.code).toBe('invalid_service_credentials')
    for (let i = 0; i < 5; i++) await answer(services.authenticate(creds('nobody', TOKEN)))
    expect(calls).toHaveLength(2)
    const wrong = await answer(services.authenticate(creds('billing', NEXT)))
    expect(wrong.body).toEqual(first.body)
  })

  it('shares one fetch between concurrent requests for one identifier', async () => {
    const services = make()
    await Promise.all([1, 2, 3, 4].map(() => services.authenticate(creds('billing', TOKEN))))
    expect(calls).toHaveLength(2)
  })

  it('reads the secret again after a mismatch once refreshAfterMs has passed (a rotation begun since)', async () => {
    const services = make({ refreshAfterMs: 30_000 })
    await services.authenticate(creds('billing', TOKEN))
    secrets.set('prod/services/billing', {
      current: JSON.stringify({ token: TOKEN, id: 'svc-billing' }),
      pending: JSON.stringify({ token: NEXT, id: 'svc-billing' }),
    })
    // Too soon: the cached credential stands, and a wrong token cannot force API calls.
    expect((await answer(services.authenticate(creds('billing', NEXT)))).status).toBe(401)
    expect(calls).toHaveLength(2)
    vi.setSystemTime(Date.now() + 30_001)
    await expect(services.authenticate(creds('billing', NEXT))).resolves.toMatchObject({
      id: 'svc-billing',
    })
    expect(calls).toHaveLength(4)
  })

  describe('a malformed secret fails closed (401) and tells the operator', () => {
    it.each([
      ['not JSON', '{"token": "abc"', 'the secret is not JSON'],
      [
        'no token',
        JSON.stringify({ id: 'svc-billing' }),
        'the secret has no non-empty string "token"',
      ],
      [
        'an empty token',
        JSON.stringify({ token: '' }),
        'the secret has no non-empty string "token"',
      ],
      [
        'a numeric token',
        JSON.stringify({ token: 12345 }),
        'the secret has no non-empty string "token"',
      ],
      ['a JSON array', JSON.stringify([TOKEN]), 'the secret is not a JSON object'],
      [
        'bad scopes',
        JSON.stringify({ token: TOKEN, scopes: 'admin' }),
        'the secret\'s "groups" or "scopes" is not a list of strings',
      ],
    ])('%s', async (_, secret, reason) => {
      secrets.set('prod/services/billing', { current: secret })
      const events: ServicePrincipalEvent[] = []
      const got = await answer(make({}, events).authenticate(creds('billing', TOKEN)))
      expect(got.status).toBe(401)
      expect(got.error.code).toBe('invalid_service_credentials')
      expect(events).toContainEqual({
        type: 'secret_malformed',
        source: 'secrets-manager',
        identifier: 'billing',
        secretId: 'prod/services/billing',
        stage: 'AWSCURRENT',
        reason,
      })
      expect(JSON.stringify(events)).not.toContain(TOKEN)
    })

    it('a malformed AWSPENDING leaves AWSCURRENT working, and is reported', async () => {
      secrets.set('prod/services/billing', {
        current: JSON.stringify({ token: TOKEN }),
        pending: 'not json',
      })
      const events: ServicePrincipalEvent[] = []
      await expect(make({}, events).authenticate(creds('billing', TOKEN))).resolves.toMatchObject({
        id: 'billing',
      })
      expect(events).toMatchObject([{ type: 'secret_malformed', stage: 'AWSPENDING' }])
    })
  })

  describe('Secrets Manager throttling or down: 503 principal_unavailable with Retry-After, never 401', () => {
    it.each([
      ['throttled', { status: 400, type: 'ThrottlingException' }],
      ['an internal error', { status: 500, type: 'InternalServiceError' }],
      ['access denied', { status: 400, type: 'AccessDeniedException' }],
      ['the network down', 'network' as const],
    ])('%s', async (_, mode) => {
      failure = mode
      const events: ServicePrincipalEvent[] = []
      const got = await answer(make({}, events).authenticate(creds('billing', TOKEN)))
      expect(got.error.code).toBe('principal_unavailable')
      expect(got.status).toBe(503)
      expect(got.headers['retry-after']).toBe('30')
      expect(got.body.error).toBe('temporarily_unavailable')
      expect(events).toMatchObject([
        { type: 'store_unavailable', source: 'secrets-manager', identifier: 'billing' },
      ])
    })

    it('does not cache the outage: the next request asks again', async () => {
      const services = make()
      failure = { status: 400, type: 'ThrottlingException' }
      expect((await answer(services.authenticate(creds('billing', TOKEN)))).status).toBe(503)
      failure = undefined
      await expect(services.authenticate(creds('billing', TOKEN))).resolves.toMatchObject({
        id: 'svc-billing',
      })
    })

    it('serves an expired credential within staleIfErrorMs, and 503 after', async () => {
      const events: ServicePrincipalEvent[] = []
      const services = make({ ttlMs: 1_000, staleIfErrorMs: 5_000 }, events)
      await services.authenticate(creds('billing', TOKEN))
      failure = 'network'
      vi.setSystemTime(Date.now() + 3_000)
      await expect(services.authenticate(creds('billing', TOKEN))).resolves.toMatchObject({
        id: 'svc-billing',
      })
      expect(events).toContainEqual({
        type: 'stale_served',
        source: 'secrets-manager',
        identifier: 'billing',
      })
      vi.setSystemTime(Date.now() + 10_000)
      expect((await answer(services.authenticate(creds('billing', TOKEN)))).status).toBe(503)
    })
  })

  it('refuses identifiers that cannot name a secret without calling AWS', async () => {
    const got = await answer(make().authenticate(creds('billing;drop', TOKEN)))
    expect(got.status).toBe(401)
    expect(calls).toHaveLength(0)
  })

  it('takes region from the option and credentials from the default chain (environment)', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMENV')
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-from-env')
    const services = servicePrincipals({
      idHeader: ID,
      tokenHeader: TOK,
      source: secretsManagerSource({ prefix: 'prod/services/', region: 'ap-southeast-2' }),
    })
    await expect(services.authenticate(creds('billing', TOKEN))).resolves.toMatchObject({
      id: 'svc-billing',
    })
    expect(calls[0]?.region).toBe('ap-southeast-2')
    expect(calls[0]?.authorization).toContain('Credential=AKIDFROMENV/')
  })

  it('takes a named profile from the shared config files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloudauth-aws-'))
    writeFileSync(
      join(dir, 'credentials'),
      '[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = x\n\n[automation]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = y\n',
    )
    writeFileSync(join(dir, 'config'), '[profile automation]\nregion = us-west-2\n')
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'))
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'))
    vi.stubEnv('AWS_ACCESS_KEY_ID', '')
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '')
    vi.stubEnv('AWS_REGION', '')
    const services = servicePrincipals({
      idHeader: ID,
      tokenHeader: TOK,
      source: secretsManagerSource({
        prefix: 'prod/services/',
        region: 'us-west-2',
        profile: 'automation',
      }),
    })
    await expect(services.authenticate(creds('billing', TOKEN))).resolves.toMatchObject({
      id: 'svc-billing',
    })
    expect(calls[0]?.authorization).toContain('Credential=AKIDPROFILE/')
  })

  it('reports every bad option at once', () => {
    expect(() =>
      secretsManagerSource({
        prefix: 'bad prefix!',
        ttlMs: -1,
        client: testClient(),
        region: 'eu-west-1',
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'prefix: must hold only characters allowed in secret names (A-Z a-z 0-9 /_+=.@-)',
          'region: must be left out when client is given (configure the client)',
          'ttlMs: must be a whole number of milliseconds, 0 or more',
        ],
      }),
    )
  })
})
