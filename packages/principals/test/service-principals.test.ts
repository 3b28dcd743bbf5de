import * as crypto from 'node:crypto'
import { AuthError, ConfigError } from '@cloudauth/core'
import {
  hashServiceToken,
  servicePrincipals,
  staticSource,
  type ServicePrincipalEvent,
  type ServiceSource,
} from '@cloudauth/principals'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { answer, request } from './support.js'

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof crypto>()
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) }
})

const TOKEN = 'b1llingT0ken-0123456789abcdefghijklmnop'
const NEXT = 'n3xtT0ken-0123456789abcdefghijklmnopqrs'
const ID = 'SMAC-Principal'
const TOK = 'SMAC-Token'

function make(events: ServicePrincipalEvent[] = []) {
  return servicePrincipals({
    idHeader: ID,
    tokenHeader: TOK,
    source: staticSource({
      billing: {
        tokenHash: hashServiceToken(TOKEN),
        id: 'svc-billing',
        scopes: ['invoices:write'],
      },
      reports: { tokenHash: [hashServiceToken(TOKEN), hashServiceToken(NEXT)], groups: ['ops'] },
    }),
    onEvent: (event) => events.push(event),
  })
}

const creds = (id: string, token: string) =>
  request([
    [ID, id],
    [TOK, token],
  ])

describe('servicePrincipals', () => {
  beforeEach(() => {
    vi.mocked(crypto.timingSafeEqual).mockClear()
  })

  it('is not involved when the request carries neither header', async () => {
    await expect(make().authenticate(request([['authorization', 'Bearer x']]))).resolves.toBe(
      undefined,
    )
  })

  it('accepts the right token and hands out the stored principal', async () => {
    await expect(make().authenticate(creds('billing', TOKEN))).resolves.toEqual({
      kind: 'service',
      id: 'svc-billing',
      groups: [],
      scopes: ['invoices:write'],
      attributes: {},
    })
  })

  it('reads header names case-insensitively', async () => {
    const view = request([
      ['smac-principal', 'billing'],
      ['SMAC-TOKEN', TOKEN],
    ])
    await expect(make().authenticate(view)).resolves.toMatchObject({ id: 'svc-billing' })
  })

  it('accepts either token of a rotation', async () => {
    const services = make()
    await expect(services.authenticate(creds('reports', TOKEN))).resolves.toMatchObject({
      id: 'reports',
      groups: ['ops'],
    })
    await expect(services.authenticate(creds('reports', NEXT))).resolves.toMatchObject({
      id: 'reports',
    })
  })

  it('gives an unknown identifier and a wrong token the same answer (no oracle)', async () => {
    const events: ServicePrincipalEvent[] = []
    const services = make(events)
    const unknown = await answer(services.authenticate(creds('nobody', TOKEN)))
    const wrong = await answer(services.authenticate(creds('billing', NEXT)))
    for (const got of [unknown, wrong]) {
      expect(got.error).toBeInstanceOf(AuthError)
      expect(got.error.code).toBe('invalid_service_credentials')
      expect(got.status).toBe(401)
      expect(got.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="invalid_token", error_description="the service credentials are not valid"',
      )
      expect(got.body).toEqual({
        error: 'invalid_token',
        error_description: 'the service credentials are not valid',
      })
    }
    expect(unknown.error.message).toBe(wrong.error.message)
    // The operator still learns which it was.
    expect(events).toEqual([
      { type: 'rejected', identifier: 'nobody', reason: 'unknown_identifier' },
      { type: 'rejected', identifier: 'billing', reason: 'token_mismatch' },
    ])
  })

  it('does the same work for an unknown identifier as for a wrong token (dummy digest)', async () => {
    const services = make()
    const spy = vi.mocked(crypto.timingSafeEqual)
    await answer(services.authenticate(creds('nobody', TOKEN)))
    const unknownCalls = spy.mock.calls.length
    spy.mockClear()
    await answer(services.authenticate(creds('billing', NEXT)))
    expect(spy.mock.calls.length).toBe(unknownCalls)
    spy.mockClear()
    await services.authenticate(creds('billing', TOKEN))
    expect(spy.mock.calls.length).toBe(unknownCalls)
    expect(unknownCalls).toBe(2)
  })

  // smac compared `token != secret["token"]`: a short-circuiting comparison of the raw strings.
  it('regression (smac !=): compares digests in constant time, never the raw strings', async () => {
    const services = make()
    const spy = vi.mocked(crypto.timingSafeEqual)
    await services.authenticate(creds('billing', TOKEN))
    for (const [a, b] of spy.mock.calls) {
      expect((a as Uint8Array).length).toBe(32)
      expect((b as Uint8Array).length).toBe(32)
      expect(Buffer.from(b as Uint8Array).toString('utf8')).not.toContain(TOKEN.slice(0, 8))
    }
    // Near misses are refused: a prefix, one character off, the stored hash itself.
    for (const near of [
      TOKEN.slice(0, -1),
      `${TOKEN.slice(0, -1)}X`,
      `${TOKEN}x`,
      hashServiceToken(TOKEN),
    ])
      expect((await answer(services.authenticate(creds('billing', near)))).status).toBe(401)
  })

  describe('bad headers: 400 invalid_request', () => {
    const cases: [string, readonly (readonly [string, string])[], string][] = [
      ['the token header missing', [[ID, 'billing']], 'need both'],
      ['the identifier header missing', [[TOK, TOKEN]], 'need both'],
      [
        'an empty identifier',
        [
          [ID, ''],
          [TOK, TOKEN],
        ],
        'need both',
      ],
      [
        'the identifier header twice',
        [
          [ID, 'billing'],
          [ID, 'billing'],
          [TOK, TOKEN],
        ],
        'smac-principal header appears more than once',
      ],
      [
        'the token header twice',
        [
          [ID, 'billing'],
          [TOK, TOKEN],
          [TOK, TOKEN],
        ],
        'smac-token header appears more than once',
      ],
      [
        'an oversized identifier',
        [
          [ID, 'a'.repeat(257)],
          [TOK, TOKEN],
        ],
        'longer than 256',
      ],
      [
        'an oversized token',
        [
          [ID, 'billing'],
          [TOK, 'a'.repeat(1025)],
        ],
        'longer than 1024',
      ],
      [
        'a non-ASCII identifier',
        [
          [ID, 'bíllïng'],
          [TOK, TOKEN],
        ],
        'visible ASCII',
      ],
      [
        'a non-ASCII token',
        [
          [ID, 'billing'],
          [TOK, `${TOKEN}é`],
        ],
        'visible ASCII',
      ],
      [
        'a control character',
        [
          [ID, 'bill\u0001ing'],
          [TOK, TOKEN],
        ],
        'visible ASCII',
      ],
      [
        'a space inside the token',
        [
          [ID, 'billing'],
          [TOK, 'a b'],
        ],
        'visible ASCII',
      ],
    ]
    it.each(cases)('%s', async (_, fields, description) => {
      const got = await answer(make().authenticate(request(fields)))
      expect(got.error.code).toBe('invalid_request')
      expect(got.status).toBe(400)
      expect(got.body.error).toBe('invalid_request')
      expect(got.body.error_description).toContain(description)
      expect(got.body.error_description).not.toContain(TOKEN)
    })
  })

  it('answers a store outage with 503 principal_unavailable and Retry-After, never 401', async () => {
    const events: ServicePrincipalEvent[] = []
    const down: ServiceSource = {
      kind: 'down',
      lookup: () => Promise.reject(new Error('ECONNRESET')),
    }
    const services = servicePrincipals({
      idHeader: ID,
      tokenHeader: TOK,
      source: down,
      retryAfter: 7,
      onEvent: (event) => events.push(event),
    })
    const got = await answer(services.authenticate(creds('billing', TOKEN)))
    expect(got.error.code).toBe('principal_unavailable')
    expect(got.status).toBe(503)
    expect(got.headers['retry-after']).toBe('7')
    expect(got.body.error).toBe('temporarily_unavailable')
    expect(events).toMatchObject([
      { type: 'store_unavailable', source: 'down', identifier: 'billing' },
    ])
  })

  it('keeps answering when the event hook throws', async () => {
    const services = servicePrincipals({
      idHeader: ID,
      tokenHeader: TOK,
      source: staticSource({ a: { tokenHash: hashServiceToken(TOKEN) } }),
      onEvent: () => {
        throw new Error('logger down')
      },
    })
    expect((await answer(services.authenticate(creds('b', TOKEN)))).status).toBe(401)
  })

  it('lists its two headers as schemes', () => {
    expect(make().schemes).toEqual([
      { name: 'serviceId', header: ID },
      { name: 'serviceToken', header: TOK },
    ])
  })

  it('reports every bad option at once', () => {
    let error: unknown
    try {
      servicePrincipals({
        idHeader: 'bad header',
        tokenHeader: 'Authorization',
        source: {} as ServiceSource,
        maxIdLength: 0,
        retryAfter: 1.5,
      })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems).toEqual([
      'idHeader: must be a valid HTTP header name',
      'tokenHeader: must not be Authorization or Cookie (user tokens travel there)',
      'source: must be a source: staticSource(), envSource(), secretsManagerSource()',
      'maxIdLength: must be a positive integer',
      'retryAfter: must be a positive integer',
    ])
    expect(() =>
      servicePrincipals({ idHeader: 'X-A', tokenHeader: 'x-a', source: staticSource({}) }),
    ).toThrow('tokenHeader: must differ from idHeader')
  })
})
