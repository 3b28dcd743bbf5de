/**
 * The binding conformance suite: one HTTP-level specification every binding runs (Hono through
 * `app.request` and @hono/node-server, Express 5 and 4 on real sockets). A binding is done when
 * it passes it. Not shipped (outside `src/`); binding test projects import it by path.
 *
 * A binding supplies {@link ConformanceBinding}: an app serving {@link ROUTES} with its
 * `cloudauth(source, options)`, and a client for it. Every answer is checked for its status, the
 * exact `WWW-Authenticate`, `Cache-Control: no-store`, `Retry-After` on 503 and the JSON body.
 */
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConfigError, createVerifier, type Verifier } from '@cloudauth/core'
import { defaultKey, jwksOf, signToken, type JsonObject } from '@cloudauth/testing'

export const ISSUER = 'https://issuer.conformance.test/'
export const DOWN_ISSUER = 'https://down.conformance.test/'
export const AUDIENCE = 'api'
const key = defaultKey()

/**
 * The routes a binding serves, each `GET`, each answering 200 with a JSON body on success:
 * - `/verify` `verify()`: `{ sub }`
 * - `/scope` `scope(['read:users'])`: `{ sub }`
 * - `/groups` `groups(['admin'])`: `{ sub }`
 * - `/groups-intl` `groups(['администраторы'])`: `{ sub }` (a group name that is no scope-token)
 * - `/claim` `claim(EMAIL_SCHEMA)`: `{ email }` (the schema's output)
 * - `/record` `claim(RECORD_SCHEMA)`: `{ ok: true }`
 * - `/user` `user()`: `{ id }`
 * - `/optional` `optional()`: `{ sub }` (`null` without a token)
 * - `/principal` `principal()`: `{ kind, id }`
 */
export const ROUTES = [
  'verify',
  'scope',
  'groups',
  'groups-intl',
  'claim',
  'record',
  'user',
  'optional',
  'principal',
] as const
export type Route = (typeof ROUTES)[number]

export const EMAIL_SCHEMA = z.object({ email: z.string() })
/** Claim keys the token chooses, under `meta`: a failing one must never be echoed. */
export const RECORD_SCHEMA = z.object({ meta: z.record(z.string(), z.string()).optional() })

/** What a client saw: the status, the headers (lower-case names) and the body text. */
export interface Answer {
  readonly status: number
  header(name: string): string | undefined
  readonly body: string
}

export interface Client {
  /** `GET path` with these header fields, sent as given (a name twice is two fields where the transport allows). */
  get(path: string, headers?: readonly (readonly [string, string])[]): Promise<Answer>
  close(): Promise<void>
}

export interface ConformanceBinding {
  /** Builds the app of {@link ROUTES} with the binding's `cloudauth(source, options)`. */
  start(source: Verifier, options: { readonly realm?: string }): Promise<Client>
  /** The binding's `cloudauth(source, options)`, for construction checks. */
  construct(
    source: Verifier,
    options?: { readonly realm?: string },
  ): { scope(scopes: readonly string[]): unknown }
  /** True when the transport sends a repeated field as two fields (real sockets). */
  readonly separateFields: boolean
}

/** The verifier of the suite: a static key set for ISSUER, a key set that answers 500 for DOWN_ISSUER. */
export function conformanceVerifier(): Verifier {
  return createVerifier({
    issuers: [
      { issuer: ISSUER, jwks: jwksOf(key), audience: AUDIENCE },
      { issuer: DOWN_ISSUER, jwksUri: `${DOWN_ISSUER}jwks.json`, audience: AUDIENCE },
    ],
    groupClaims: ['cognito:groups'],
    fetch: () => Promise.resolve(new Response('down', { status: 500 })),
  })
}

function token(claims: JsonObject = {}, expiresIn = 3600): string {
  return signToken({
    key,
    claims: {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'user-1',
      scope: 'read:users',
      'cognito:groups': ['admin', 'администраторы'],
      email: 'a@example.test',
      ...claims,
    },
    expiresIn,
  })
}

/** A client over real sockets (node:http), which sends a repeated field as separate fields. */
export function socketClient(baseUrl: string, close: () => Promise<void>): Client {
  return {
    close,
    get: (path, headers = []) =>
      new Promise<Answer>((resolve, reject) => {
        const fields: Record<string, string[]> = {}
        for (const [name, value] of headers) (fields[name] ??= []).push(value)
        const req = httpRequest(`${baseUrl}${path}`, { headers: fields }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => {
            resolve({
              status: res.statusCode ?? 0,
              header: (name) => {
                const value = res.headers[name.toLowerCase()]
                return Array.isArray(value) ? value.join(', ') : value
              },
              body: Buffer.concat(chunks).toString('utf8'),
            })
          })
          res.on('error', reject)
        })
        req.on('error', reject)
        req.end()
      }),
  }
}

/** A client over a Fetch handler (`app.request`, `app.fetch`): repeated fields are joined. */
export function fetchClient(
  fetch: (path: string, init: RequestInit) => Response | Promise<Response>,
): Client {
  return {
    close: () => Promise.resolve(),
    async get(path, headers = []) {
      const response = await fetch(path, {
        headers: headers.map(([n, v]): [string, string] => [n, v]),
      })
      return {
        status: response.status,
        header: (name) => response.headers.get(name) ?? undefined,
        body: await response.text(),
      }
    },
  }
}

const challenge = (error: string, description: string, extra = '') =>
  `Bearer realm="api", error="${error}", error_description="${description.replace(/"/g, '\\"')}"${extra}`

interface Refusal {
  readonly status: number
  readonly challenge: string | undefined
  readonly error: string
  readonly description: string
}

const MISSING: Refusal = {
  status: 401,
  challenge: 'Bearer realm="api"',
  error: 'missing_token',
  description: 'no token was sent',
}
const badHeader = (description: string): Refusal => ({
  status: 400,
  challenge: challenge('invalid_request', description),
  error: 'invalid_request',
  description,
})
const invalidToken = (description: string): Refusal => ({
  status: 401,
  challenge: challenge('invalid_token', description),
  error: 'invalid_token',
  description,
})
const OUTAGE: Refusal = {
  status: 503,
  challenge: undefined,
  error: 'temporarily_unavailable',
  description: 'the signing keys of the token issuer cannot be fetched',
}
const NOT_BEARER = badHeader('the Authorization header is not of the form "Bearer <token>"')

function expectRefusal(answer: Answer, refusal: Refusal, label: string): void {
  expect(answer.status, label).toBe(refusal.status)
  expect(answer.header('www-authenticate'), label).toBe(refusal.challenge)
  expect(answer.header('cache-control'), label).toBe('no-store')
  expect(answer.header('retry-after'), label).toBe(refusal.status === 503 ? '30' : undefined)
  expect(JSON.parse(answer.body), label).toEqual({
    error: refusal.error,
    error_description: refusal.description,
  })
}

const bearerOf = (value: string) => [['Authorization', `Bearer ${value}`]] as const

/** Runs the suite for one binding and one transport. */
export function describeConformance(name: string, binding: ConformanceBinding): void {
  describe(`binding conformance: ${name}`, () => {
    let client: Client
    beforeAll(async () => {
      client = await binding.start(conformanceVerifier(), {})
    })
    afterAll(() => client.close())

    const success: Record<Route, (body: unknown) => void> = {
      verify: (body) => expect(body).toEqual({ sub: 'user-1' }),
      scope: (body) => expect(body).toEqual({ sub: 'user-1' }),
      groups: (body) => expect(body).toEqual({ sub: 'user-1' }),
      'groups-intl': (body) => expect(body).toEqual({ sub: 'user-1' }),
      claim: (body) => expect(body).toEqual({ email: 'a@example.test' }),
      record: (body) => expect(body).toEqual({ ok: true }),
      user: (body) => expect(body).toEqual({ id: 'user-1' }),
      optional: (body) => expect(body).toEqual({ sub: 'user-1' }),
      principal: (body) => expect(body).toEqual({ kind: 'user', id: 'user-1' }),
    }

    it.each(ROUTES)('%s: a good token passes', async (route) => {
      const answer = await client.get(`/${route}`, bearerOf(token()))
      expect(answer.status).toBe(200)
      success[route](JSON.parse(answer.body))
    })

    it.each(ROUTES)('%s: no token', async (route) => {
      const answer = await client.get(`/${route}`)
      if (route === 'optional') {
        expect(answer.status).toBe(200)
        expect(JSON.parse(answer.body)).toEqual({ sub: null })
      } else expectRefusal(answer, MISSING, route)
    })

    it.each(ROUTES)('%s: a malformed Authorization header', async (route) => {
      for (const value of ['Bearer', 'Bearer a b', `Bearer\t${token()}`, 'bearer,x']) {
        expectRefusal(await client.get(`/${route}`, [['Authorization', value]]), NOT_BEARER, value)
      }
    })

    it.each(ROUTES)('%s: an expired token', async (route) => {
      const answer = await client.get(`/${route}`, bearerOf(token({}, -60)))
      expectRefusal(answer, invalidToken('the token has expired'), route)
    })

    it.each(ROUTES)('%s: a token for another audience', async (route) => {
      const answer = await client.get(`/${route}`, bearerOf(token({ aud: 'other' })))
      expectRefusal(answer, invalidToken('the token is not meant for this audience (aud)'), route)
    })

    it.each(ROUTES)('%s: a token without the scope and groups', async (route) => {
      const answer = await client.get(
        `/${route}`,
        bearerOf(token({ scope: '', 'cognito:groups': [] })),
      )
      if (route === 'scope') {
        const description = 'the token lacks a required scope'
        expectRefusal(
          answer,
          {
            status: 403,
            challenge: challenge('insufficient_scope', description, ', scope="read:users"'),
            error: 'insufficient_scope',
            description,
          },
          route,
        )
      } else if (route === 'groups' || route === 'groups-intl') {
        const description = 'the token lacks a required group'
        // A group name that is no RFC 6749 scope-token is left out of the challenge, never mangled.
        const extra = route === 'groups' ? ', scope="admin"' : ''
        expectRefusal(
          answer,
          {
            status: 403,
            challenge: challenge('insufficient_scope', description, extra),
            error: 'insufficient_scope',
            description,
          },
          route,
        )
      } else {
        expect(answer.status, route).toBe(200)
      }
    })

    it.each(ROUTES)('%s: claims that fail the schema', async (route) => {
      const answer = await client.get(
        `/${route}`,
        bearerOf(token({ email: 42, meta: { '☃<script>': 1, 'x"y': 2 } })),
      )
      if (route === 'claim') {
        expectRefusal(answer, invalidToken('claims failed validation at: email'), route)
      } else if (route === 'record') {
        // The keys the token chose are not echoed: not in the body, not in the header.
        expectRefusal(answer, invalidToken('claims failed validation at: meta.*'), route)
        expect(answer.body).not.toContain('<script>')
        expect(answer.body).not.toContain('☃')
      } else {
        expect(answer.status, route).toBe(200)
      }
    })

    it.each(ROUTES)(
      '%s: a key-set outage is 503 with Retry-After, never a bad token',
      async (route) => {
        const answer = await client.get(`/${route}`, bearerOf(token({ iss: DOWN_ISSUER })))
        expectRefusal(answer, OUTAGE, route)
      },
    )

    it.each(ROUTES)('%s: a bad signature', async (route) => {
      const [head, body] = token().split('.')
      const other = token({ sub: 'someone-else' }).split('.')[2]
      const answer = await client.get(`/${route}`, bearerOf(`${head}.${body}.${other}`))
      expectRefusal(answer, invalidToken('the token signature is invalid'), route)
    })

    it.each(ROUTES)('%s: two Authorization fields are refused', async (route) => {
      const good = token()
      const answer = await client.get(`/${route}`, [
        ['Authorization', `Bearer ${good}`],
        ['Authorization', `Bearer ${good}`],
      ])
      expectRefusal(
        answer,
        binding.separateFields
          ? badHeader('the Authorization header is sent more than once')
          : NOT_BEARER, // a Fetch transport joins them into one value, no longer one token
        route,
      )
    })

    it('optional() refuses a bad token and a malformed bearer credential', async () => {
      expectRefusal(
        await client.get('/optional', bearerOf(token({}, -60))),
        invalidToken('the token has expired'),
        'expired',
      )
      expectRefusal(
        await client.get('/optional', [['Authorization', `Bearer\t${token()}`]]),
        NOT_BEARER,
        'tab',
      )
    })

    it('another scheme is no token', async () => {
      expectRefusal(
        await client.get('/verify', [['Authorization', 'Basic dXNlcjpwYXNz']]),
        MISSING,
        'basic',
      )
    })

    it('refuses at construction a scope that is no scope-token, and a realm that is no printable ASCII', () => {
      const verifier = conformanceVerifier()
      const auth = binding.construct(verifier)
      for (const scope of ['документы:читать', 'two words', 'quo"te', 'back\\slash', '']) {
        expect(() => auth.scope([scope]), scope).toThrow(ConfigError)
      }
      expect(() => auth.scope(['read:users', 'a~b!c'])).not.toThrow()
      for (const realm of ['заказы', 'line\nbreak', '']) {
        expect(() => binding.construct(verifier, { realm }), realm).toThrow(ConfigError)
      }
    })
  })
}
