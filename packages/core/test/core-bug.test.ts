import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuthError, createVerifier } from '@cloudauth/core'
import { createPipeline, createRequestView } from '@cloudauth/core/binding'
import { z } from 'zod'
import { LruCache } from '../src/cache/token-cache.js'
import { AUDIENCE, ISSUER, KeyServer, JWKS_URI, makeKey, mint, rejectionOf } from './helpers.js'

// Issue 9 item 6: an exception from core's own code is a bug, answered as a server error by the
// framework; an exception from the application's own hooks keeps its mapping to a token verdict.

const view = (token: string) =>
  createRequestView({
    method: 'GET',
    url: '/',
    header: (name) => (name === 'authorization' ? `Bearer ${token}` : undefined),
    appendResponseHeader: () => undefined,
  })

afterEach(() => vi.restoreAllMocks())

describe('an exception inside core', () => {
  it('reaches the caller as itself, never as a 401 malformed_token', async () => {
    const key = await makeKey('RS256', 'key-1')
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
      fetch: new KeyServer(key).fetch,
    })
    const bug = new TypeError('a bug in the token cache')
    vi.spyOn(LruCache.prototype, 'get').mockImplementation(() => {
      throw bug
    })
    const token = mint(key)
    expect(await rejectionOf(verifier.verify(token))).toBe(bug)
    // Through the pipeline the step rejects (the binding's framework answers 500), no answer made.
    await expect(createPipeline(verifier).verify().run(view(token))).rejects.toBe(bug)
  })
})

describe("an exception from the application's hooks keeps its mapping", () => {
  it('validate: 401 invalid_claims; isRevoked: 503 revocation_unavailable', async () => {
    const key = await makeKey('RS256', 'key-1')
    const base = {
      issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
      fetch: new KeyServer(key).fetch,
    }
    const validating = createPipeline(
      createVerifier({
        ...base,
        validate: () => {
          throw new Error('app hook')
        },
      }),
    )
    const validated = await validating.verify().run(view(mint(key)))
    expect(validated.ok || validated.error.code).toBe('invalid_claims')
    const revoking = createPipeline(
      createVerifier({
        ...base,
        isRevoked: () => {
          throw new Error('store down')
        },
      }),
    )
    const revoked = await revoking.verify().run(view(mint(key)))
    expect(revoked.ok || [revoked.error.code, revoked.answer.status]).toEqual([
      'revocation_unavailable',
      503,
    ])
  })

  it('a throwing schema or user mapping: 401 invalid_claims', async () => {
    const key = await makeKey('RS256', 'key-1')
    const verifier = createVerifier({
      issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
      fetch: new KeyServer(key).fetch,
      toUser: () => {
        throw new Error('mapping')
      },
    })
    const pipeline = createPipeline(verifier)
    const throwing = z.object({}).transform(() => {
      throw new Error('schema')
    })
    const claims = await pipeline.claim(throwing).run(view(mint(key)))
    expect(claims.ok || claims.error.code).toBe('invalid_claims')
    const user = await pipeline.user().run(view(mint(key)))
    expect(user.ok || user.error.code).toBe('invalid_claims')
  })

  it('a custom token source that throws something else: the exception, for a 500', async () => {
    const key = await makeKey('RS256', 'key-1')
    const bug = new RangeError('custom source bug')
    const pipeline = createPipeline(
      createVerifier({
        issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
        fetch: new KeyServer(key).fetch,
      }),
      {
        tokenFrom: [
          {
            description: 'custom',
            read: () => {
              throw bug
            },
          },
        ],
      },
    )
    await expect(pipeline.verify().run(view(mint(key)))).rejects.toBe(bug)
    const refused = new AuthError('invalid_request', 'bad')
    const refusing = createPipeline(pipeline.verifier, {
      tokenFrom: [{ description: 'custom', read: () => Promise.reject(refused) }],
    })
    const result = await refusing.verify().run(view(mint(key)))
    expect(result.ok || result.answer.status).toBe(400)
  })
})
