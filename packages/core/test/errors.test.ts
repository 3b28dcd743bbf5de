import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AUTH_ERROR_INFO,
  AuthError,
  ConfigError,
  bearer,
  createVerifier,
  isAuthError,
  parseClaims,
  requireScopes,
  toErrorResponse,
  wwwAuthenticate,
  type AuthErrorCode,
  type Verifier,
} from '@cloudauth/core'
import { extractToken } from '@cloudauth/core/binding'
import { createPipeline, createRequestView } from '@cloudauth/core/binding'
import { z } from 'zod'
import {
  AUDIENCE,
  Clock,
  ISSUER,
  JWKS_URI,
  KeyServer,
  assertNoLeaks,
  expectCode,
  makeKey,
  mint,
  randomKid,
  recordError,
  recordEvents,
  rejectionOf,
  segment,
  standardClaims,
  track,
  withKid,
  type TestKey,
} from './helpers.js'

let key: TestKey
let clock: Clock
let verifier: Verifier
let down: Verifier
let revocationDown: Verifier

beforeAll(async () => {
  key = await makeKey('RS256', 'key-1')
  clock = new Clock()
  verifier = createVerifier({
    issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
    fetch: new KeyServer(key).fetch,
    now: clock.now,
    onEvent: recordEvents(),
    validate: (claims) => {
      if (claims.token_use === 'id')
        throw new AuthError('invalid_token_use', 'the token is not an access token')
    },
    isRevoked: (verified) => verified.claims.jti === 'revoked',
  })
  revocationDown = createVerifier({
    issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
    fetch: new KeyServer(key).fetch,
    now: clock.now,
    isRevoked: () => {
      throw new Error('revocation store down')
    },
  })
  const server = new KeyServer(key)
  server.mode = 'http-500'
  down = createVerifier({
    issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
    fetch: server.fetch,
    onEvent: recordEvents(),
  })
})
afterAll(assertNoLeaks)

const JSON_HEADERS = {
  'cache-control': 'no-store',
  'content-type': 'application/json; charset=utf-8',
}
const invalidToken = (description: string) =>
  `Bearer realm="api", error="invalid_token", error_description="${description}"`

interface Row {
  /** Produces the error through the public API, as a request would. */
  readonly trigger: () => unknown
  readonly status: number
  readonly description: string
  readonly challenge: string | undefined
  readonly error: string
}

const now = () => clock.seconds
const ROWS: Record<AuthErrorCode, Row> = {
  missing_token: {
    trigger: () => extractToken({ header: () => undefined }, [bearer()]),
    status: 401,
    description: 'no token was sent',
    challenge: 'Bearer realm="api"',
    error: 'missing_token',
  },
  invalid_request: {
    trigger: () => extractToken({ header: () => 'Bearer' }, [bearer()]),
    status: 400,
    description: 'the Authorization header is not of the form "Bearer <token>"',
    challenge:
      'Bearer realm="api", error="invalid_request", error_description="the Authorization header is not of the form \\"Bearer <token>\\""',
    error: 'invalid_request',
  },
  malformed_token: {
    trigger: () => verifier.verify(track('abc.def')),
    status: 401,
    description: 'the token does not have three segments',
    challenge: invalidToken('the token does not have three segments'),
    error: 'invalid_token',
  },
  unsupported_algorithm: {
    trigger: () =>
      verifier.verify(
        track(`${segment({ alg: 'none', kid: 'key-1' })}.${segment(standardClaims(now()))}.`),
      ),
    status: 401,
    description: 'unsigned tokens are not accepted',
    challenge: invalidToken('unsigned tokens are not accepted'),
    error: 'invalid_token',
  },
  invalid_header: {
    trigger: () => verifier.verify(mint(key, {}, { now: now(), header: { kid: undefined } })),
    status: 401,
    description: 'the token header has no kid',
    challenge: invalidToken('the token header has no kid'),
    error: 'invalid_token',
  },
  unknown_key: {
    trigger: () => verifier.verify(mint(withKid(key, randomKid()), {}, { now: now() })),
    status: 401,
    description: 'the token is signed with a key the issuer does not publish',
    challenge: invalidToken('the token is signed with a key the issuer does not publish'),
    error: 'invalid_token',
  },
  invalid_signature: {
    trigger: () => {
      const token = mint(key, {}, { now: now() })
      return verifier.verify(track(`${token.slice(0, -6)}AAAAAA`))
    },
    status: 401,
    description: 'the token signature is invalid',
    challenge: invalidToken('the token signature is invalid'),
    error: 'invalid_token',
  },
  token_expired: {
    trigger: () => verifier.verify(mint(key, {}, { now: now() - 7200 })),
    status: 401,
    description: 'the token has expired',
    challenge: invalidToken('the token has expired'),
    error: 'invalid_token',
  },
  token_not_yet_valid: {
    trigger: () => verifier.verify(mint(key, { nbf: now() + 600 }, { now: now() })),
    status: 401,
    description: 'the token is not valid yet (nbf)',
    challenge: invalidToken('the token is not valid yet (nbf)'),
    error: 'invalid_token',
  },
  invalid_issuer: {
    trigger: () => verifier.verify(mint(key, { iss: 'https://evil.test/' }, { now: now() })),
    status: 401,
    description: 'the token issuer (iss) is not trusted',
    challenge: invalidToken('the token issuer (iss) is not trusted'),
    error: 'invalid_token',
  },
  invalid_audience: {
    trigger: () => verifier.verify(mint(key, { aud: 'other' }, { now: now() })),
    status: 401,
    description: 'the token is not meant for this audience (aud)',
    challenge: invalidToken('the token is not meant for this audience (aud)'),
    error: 'invalid_token',
  },
  invalid_token_use: {
    trigger: () => verifier.verify(mint(key, { token_use: 'id' }, { now: now() })),
    status: 401,
    description: 'the token is not an access token',
    challenge: invalidToken('the token is not an access token'),
    error: 'invalid_token',
  },
  invalid_claims: {
    trigger: async () => {
      const verified = await verifier.verify(mint(key, {}, { now: now() }))
      return parseClaims(verified, z.object({ email: z.string() }))
    },
    status: 401,
    description: 'claims failed validation at: email',
    challenge: invalidToken('claims failed validation at: email'),
    error: 'invalid_token',
  },
  token_revoked: {
    trigger: () => verifier.verify(mint(key, { jti: 'revoked' }, { now: now() })),
    status: 401,
    description: 'the token has been revoked',
    challenge: invalidToken('the token has been revoked'),
    error: 'invalid_token',
  },
  insufficient_scope: {
    trigger: async () => {
      const verified = await verifier.verify(mint(key, { scope: 'read' }, { now: now() }))
      requireScopes(verified, ['write', 'admin'])
    },
    status: 403,
    description: 'the token lacks a required scope',
    challenge:
      'Bearer realm="api", error="insufficient_scope", error_description="the token lacks a required scope", scope="write admin"',
    error: 'insufficient_scope',
  },
  jwks_unavailable: {
    trigger: () => down.verify(mint(key)),
    status: 503,
    description: 'the signing keys of the token issuer cannot be fetched',
    challenge: undefined,
    error: 'temporarily_unavailable',
  },
  revocation_unavailable: {
    trigger: () => revocationDown.verify(mint(key, {}, { now: now() })),
    status: 503,
    description: 'the revocation check is unavailable',
    challenge: undefined,
    error: 'temporarily_unavailable',
  },
  insufficient_permission: {
    trigger: () => throughPipeline('permission', mint(key, {}, { now: now() })),
    status: 403,
    description: 'the principal lacks a required permission',
    challenge:
      'Bearer realm="api", error="insufficient_scope", error_description="the principal lacks a required permission"',
    error: 'insufficient_scope',
  },
  principal_unavailable: {
    trigger: () => throughPipeline('enrich', mint(key, {}, { now: now() })),
    status: 503,
    description: 'the principal could not be loaded',
    challenge: undefined,
    error: 'temporarily_unavailable',
  },
  // The next two are thrown by features (permissions, principals) through the pipeline.
  permissions_unavailable: {
    trigger: () => {
      throw new AuthError('permissions_unavailable', 'the permission store is unavailable')
    },
    status: 503,
    description: 'the permission store is unavailable',
    challenge: undefined,
    error: 'temporarily_unavailable',
  },
  invalid_service_credentials: {
    trigger: () => {
      throw new AuthError('invalid_service_credentials', 'the service credential is not valid')
    },
    status: 401,
    description: 'the service credential is not valid',
    challenge: invalidToken('the service credential is not valid'),
    error: 'invalid_token',
  },
}

/** Runs a pipeline step whose failure is the code under test, and throws its error. */
async function throughPipeline(kind: 'permission' | 'enrich', token: string): Promise<void> {
  const step =
    kind === 'permission'
      ? createPipeline(verifier, {
          permissions: { check: () => Promise.resolve({ allowed: false, missing: ['write'] }) },
        }).permission(['write'])
      : createPipeline(verifier, {
          enrich: () => {
            throw new Error('store down')
          },
        }).principal()
  const result = await step.run(
    createRequestView({
      method: 'GET',
      url: '/',
      header: (name) => (name === 'authorization' ? `Bearer ${token}` : undefined),
      appendResponseHeader: () => undefined,
    }),
  )
  if (!result.ok) throw result.error
}

describe('every error code through toErrorResponse', () => {
  it('has a row here for every code there is', () => {
    expect(Object.keys(ROWS).sort()).toEqual(Object.keys(AUTH_ERROR_INFO).sort())
  })

  it.each(Object.entries(ROWS) as [AuthErrorCode, Row][])(
    '%s: status, exact WWW-Authenticate and JSON body',
    async (code, row) => {
      const error = await expectCode(async () => row.trigger(), code)
      expect(error.status).toBe(row.status)
      expect(error.status).toBe(AUTH_ERROR_INFO[code].status)
      expect(error.error).toBe(AUTH_ERROR_INFO[code].error)
      expect(error.description).toBe(row.description)
      const response = toErrorResponse(error)
      const headers: Record<string, string> = { ...JSON_HEADERS }
      if (row.challenge !== undefined) headers['www-authenticate'] = row.challenge
      if (row.status === 503) headers['retry-after'] = '30'
      expect(response).toEqual({
        status: row.status,
        headers,
        body: { error: row.error, error_description: row.description },
      })
      // The body serialises to the small JSON document the bindings send.
      expect(JSON.parse(JSON.stringify(response.body))).toEqual({
        error: row.error,
        error_description: row.description,
      })
    },
  )
})

describe('RFC 6750 error values', () => {
  it('maps 400 to invalid_request, token defects to invalid_token, 403 to insufficient_scope, and no error value for missing_token or 503', () => {
    const byError = Object.entries(AUTH_ERROR_INFO).map(([code, info]) => [
      code,
      info.status,
      info.error,
    ])
    expect(byError).toEqual([
      ['missing_token', 401, undefined],
      ['invalid_request', 400, 'invalid_request'],
      ['malformed_token', 401, 'invalid_token'],
      ['unsupported_algorithm', 401, 'invalid_token'],
      ['invalid_header', 401, 'invalid_token'],
      ['unknown_key', 401, 'invalid_token'],
      ['invalid_signature', 401, 'invalid_token'],
      ['token_expired', 401, 'invalid_token'],
      ['token_not_yet_valid', 401, 'invalid_token'],
      ['invalid_issuer', 401, 'invalid_token'],
      ['invalid_audience', 401, 'invalid_token'],
      ['invalid_token_use', 401, 'invalid_token'],
      ['invalid_claims', 401, 'invalid_token'],
      ['token_revoked', 401, 'invalid_token'],
      ['invalid_service_credentials', 401, 'invalid_token'],
      ['insufficient_scope', 403, 'insufficient_scope'],
      ['insufficient_permission', 403, 'insufficient_scope'],
      ['jwks_unavailable', 503, undefined],
      ['revocation_unavailable', 503, undefined],
      ['permissions_unavailable', 503, undefined],
      ['principal_unavailable', 503, undefined],
    ])
  })
})

describe('toErrorResponse and wwwAuthenticate', () => {
  it('names a custom realm, escaping quotes and backslashes (RFC 9110 §5.6.4)', () => {
    const error = new AuthError('token_expired', 'the token has expired')
    expect(toErrorResponse(error, { realm: 'my "api"\\v2' }).headers['www-authenticate']).toBe(
      'Bearer realm="my \\"api\\"\\\\v2", error="invalid_token", error_description="the token has expired"',
    )
    expect(wwwAuthenticate(new AuthError('missing_token', 'no token was sent'), 'shop')).toBe(
      'Bearer realm="shop"',
    )
  })

  it('replaces control characters, so a header can never be split', () => {
    const error = new AuthError('invalid_claims', 'line one\r\nSet-Cookie: x=1')
    const challenge = wwwAuthenticate(error) ?? ''
    expect(challenge).not.toMatch(/[\r\n]/)
    expect(challenge).toBe(
      'Bearer realm="api", error="invalid_token", error_description="line one  Set-Cookie: x=1"',
    )
  })

  it('has no challenge on a 503, and a Retry-After from the error', () => {
    const error = new AuthError('jwks_unavailable', 'down', { retryAfter: 7 })
    expect(wwwAuthenticate(error)).toBeUndefined()
    expect(toErrorResponse(error).headers['retry-after']).toBe('7')
  })

  it('leaves scope out of an insufficient_scope challenge with no scopes', () => {
    const error = new AuthError('insufficient_scope', 'no', { scope: [] })
    expect(wwwAuthenticate(error)).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="no"',
    )
  })

  it('answers any other error as a bare 500, without its message', () => {
    for (const thrown of [
      new Error('database password is hunter2'),
      'a string',
      null,
      new ConfigError('x', 'y'),
    ]) {
      recordError(thrown)
      expect(toErrorResponse(thrown)).toEqual({
        status: 500,
        headers: JSON_HEADERS,
        body: { error: 'server_error', error_description: 'internal error' },
      })
    }
  })

  it('recognises an AuthError from another copy of the package', () => {
    const foreign = Object.assign(new Error('the token has expired'), {
      name: 'AuthError',
      code: 'token_expired',
      status: 401,
      error: 'invalid_token',
      description: 'the token has expired',
    })
    expect(isAuthError(foreign)).toBe(true)
    expect(toErrorResponse(foreign).status).toBe(401)
    expect(isAuthError(new Error('x'))).toBe(false)
    expect(isAuthError({ name: 'AuthError', code: 'x', status: 401 })).toBe(false)
  })
})

describe('AuthError', () => {
  it('carries code, status, the RFC 6750 error, description, scope, retryAfter and cause', () => {
    const cause = new Error('inner')
    const error = new AuthError('insufficient_scope', 'needs more', { scope: ['a'], cause })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('AuthError')
    expect(error.message).toBe('needs more')
    expect(error).toMatchObject({
      code: 'insufficient_scope',
      status: 403,
      error: 'insufficient_scope',
      description: 'needs more',
      scope: ['a'],
      retryAfter: undefined,
    })
    expect(error.cause).toBe(cause)
    expect('cause' in new AuthError('token_expired', 'x')).toBe(false)
  })
})

describe('fail closed', () => {
  it('rejects every mutation of a valid token with an AuthError, never anything else', async () => {
    const token = mint(key, {}, { now: now() })
    let seed = 42
    const random = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ %"{}'
    for (let i = 0; i < 300; i++) {
      const chars = Array.from({ length: token.length }, (_, at) => token.charAt(at))
      for (let flips = 1 + random(3); flips > 0; flips--) {
        chars[random(chars.length)] = alphabet.charAt(random(alphabet.length))
      }
      const mutated = chars.join('')
      if (mutated === token) continue
      const error = await rejectionOf(verifier.verify(track(mutated)))
      expect(isAuthError(error)).toBe(true)
      expect((error as AuthError).status).toBe(401)
    }
  })
})
