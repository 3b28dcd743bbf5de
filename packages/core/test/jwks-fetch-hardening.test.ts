/**
 * The key set fetch never follows a redirect (issue 10 #1) and never buffers more than
 * `jwks.maxBytes` (plus one chunk) of a body, whatever its Content-Length says (issue 10 #4).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createVerifier, toErrorResponse, type VerifierEvent } from '@cloudauth/core'
import {
  AUDIENCE,
  ISSUER,
  JWKS_URI,
  assertNoLeaks,
  expectCode,
  jwksOf,
  makeKey,
  mint,
  recordEvents,
  type TestKey,
} from './helpers.js'

let key: TestKey

beforeAll(async () => {
  key = await makeKey('RS256', 'key-a')
})
afterAll(assertNoLeaks)

function failures(events: readonly VerifierEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'jwks_refresh_failed' ? [event.reason] : []))
}

function verifierWith(
  fetchImpl: typeof fetch | undefined,
  events: VerifierEvent[],
  maxBytes?: number,
) {
  return createVerifier({
    issuers: { issuer: ISSUER, jwksUri: JWKS_URI, audience: AUDIENCE },
    ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }),
    ...(maxBytes === undefined ? {} : { jwks: { maxBytes } }),
    onEvent: recordEvents(events),
  })
}

describe('redirects are failed fetches', () => {
  it.each([301, 302, 303, 307, 308])(
    'a %i is jwks_unavailable (503), asked with redirect: manual, with an event saying why',
    async (status) => {
      const inits: (RequestInit | undefined)[] = []
      const events: VerifierEvent[] = []
      const verifier = verifierWith(async (_input, init) => {
        inits.push(init)
        return new Response(JSON.stringify(jwksOf(key)), {
          status,
          headers: {
            location: 'http://attacker.test/jwks.json',
            'content-type': 'application/json',
          },
        })
      }, events)
      const error = await expectCode(verifier.verify(mint(key)), 'jwks_unavailable')
      expect(toErrorResponse(error).status).toBe(503)
      expect(inits[0]?.redirect).toBe('manual')
      expect(failures(events)[0]).toMatch(
        new RegExp(`redirect \\(HTTP ${status}\\).*never followed`),
      )
    },
  )

  it('an opaque redirect (what a browser fetch answers for redirect: manual) is refused', async () => {
    const events: VerifierEvent[] = []
    const opaque = new Response(JSON.stringify(jwksOf(key)), { status: 200 })
    Object.defineProperty(opaque, 'type', { value: 'opaqueredirect' })
    const verifier = verifierWith(() => Promise.resolve(opaque), events)
    await expectCode(verifier.verify(mint(key)), 'jwks_unavailable')
    expect(failures(events)[0]).toMatch(/redirect/)
  })

  it('a fetch that followed a redirect anyway (an injected fetch ignoring the option) is refused', async () => {
    const events: VerifierEvent[] = []
    const followed = new Response(JSON.stringify(jwksOf(key)), { status: 200 })
    Object.defineProperty(followed, 'redirected', { value: true })
    const verifier = verifierWith(() => Promise.resolve(followed), events)
    await expectCode(verifier.verify(mint(key)), 'jwks_unavailable')
    expect(failures(events)[0]).toMatch(/redirected/)
  })

  describe('through the global fetch (msw at the real URLs)', () => {
    let attackerHits = 0
    const mock = setupServer(
      http.get(JWKS_URI, () =>
        HttpResponse.json(null, {
          status: 302,
          headers: { location: 'http://attacker.test/jwks.json' },
        }),
      ),
      http.get('http://attacker.test/jwks.json', () => {
        attackerHits++
        return HttpResponse.json(jwksOf(key))
      }),
    )
    beforeAll(() => {
      mock.listen({ onUnhandledRequest: 'error' })
    })
    afterAll(() => {
      mock.close()
    })

    it('an https key set answering 302 to http://other-host never reaches the other host', async () => {
      const events: VerifierEvent[] = []
      const verifier = verifierWith(undefined, events)
      await expectCode(verifier.verify(mint(key)), 'jwks_unavailable')
      expect(attackerHits).toBe(0)
      expect(failures(events)[0]).toMatch(/redirect/)
    })
  })
})

describe('jwks.maxBytes is enforced while the body streams', () => {
  const CHUNK = 16 * 1024
  const LIMIT = 64 * 1024

  /** A chunked body of `total` bytes (JSON whitespace), made only as the reader pulls it. */
  function streamingBody(total: number): {
    body: ReadableStream<Uint8Array>
    produced: () => number
  } {
    let produced = 0
    const chunk = new Uint8Array(CHUNK).fill(0x20)
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (produced >= total) {
            controller.close()
            return
          }
          produced += CHUNK
          controller.enqueue(chunk)
        },
      },
      { highWaterMark: 0 },
    )
    return { body, produced: () => produced }
  }

  it('a chunked answer with no Content-Length stops being read one chunk past the limit', async () => {
    const events: VerifierEvent[] = []
    const stream = streamingBody(8 * 1024 * 1024)
    let signal: AbortSignal | undefined
    const verifier = verifierWith(
      async (_input, init) => {
        signal = init?.signal ?? undefined
        return new Response(stream.body, {
          status: 200,
          headers: { 'content-type': 'application/json' },
        })
      },
      events,
      LIMIT,
    )
    await expectCode(verifier.verify(mint(key)), 'jwks_unavailable')
    expect(failures(events)[0]).toMatch(/too large/)
    expect(stream.produced()).toBeLessThanOrEqual(LIMIT + 2 * CHUNK)
    expect(signal?.aborted).toBe(true)
  })

  it('a body that lies in its Content-Length is cut off at the limit too', async () => {
    const events: VerifierEvent[] = []
    const stream = streamingBody(8 * 1024 * 1024)
    const verifier = verifierWith(
      () =>
        Promise.resolve(
          new Response(stream.body, { status: 200, headers: { 'content-length': '100' } }),
        ),
      events,
      LIMIT,
    )
    await expectCode(verifier.verify(mint(key)), 'jwks_unavailable')
    expect(failures(events)[0]).toMatch(/too large/)
    expect(stream.produced()).toBeLessThanOrEqual(LIMIT + 2 * CHUNK)
  })

  it('a key set just under the limit, streamed in small chunks, is read whole', async () => {
    const json = new TextEncoder().encode(JSON.stringify(jwksOf(key)))
    const events: VerifierEvent[] = []
    const verifier = verifierWith(
      () =>
        Promise.resolve(
          new Response(
            new ReadableStream<Uint8Array>({
              start(controller) {
                for (let i = 0; i < json.length; i += 7) controller.enqueue(json.slice(i, i + 7))
                controller.close()
              },
            }),
            { status: 200 },
          ),
        ),
      events,
      json.length,
    )
    await expect(verifier.verify(mint(key))).resolves.toMatchObject({ issuer: ISSUER })
  })

  it('a Response without a web stream body (node-fetch) is still held to maxBytes', async () => {
    const like = (text: string) =>
      ({
        status: 200,
        type: 'basic',
        redirected: false,
        headers: new Headers(),
        body: { pipe: () => undefined },
        text: () => Promise.resolve(text),
      }) as unknown as Response
    const json = JSON.stringify(jwksOf(key))
    const events: VerifierEvent[] = []
    const small = verifierWith(() => Promise.resolve(like(json)), events, json.length)
    await expect(small.verify(mint(key))).resolves.toMatchObject({ issuer: ISSUER })
    const big = verifierWith(() => Promise.resolve(like(json)), events, json.length - 1)
    await expectCode(big.verify(mint(key)), 'jwks_unavailable')
    expect(failures(events)).toEqual(['the key set is too large'])
  })

  describe('through msw (a streaming response at the real URL)', () => {
    let produced = 0
    const mock = setupServer(
      http.get(JWKS_URI, () => {
        produced = 0
        const chunk = new Uint8Array(CHUNK).fill(0x20)
        const body = new ReadableStream<Uint8Array>(
          {
            pull(controller) {
              if (produced >= 8 * 1024 * 1024) {
                controller.close()
                return
              }
              produced += CHUNK
              controller.enqueue(chunk)
            },
          },
          { highWaterMark: 0 },
        )
        return new HttpResponse(body, { headers: { 'content-type': 'application/json' } })
      }),
    )
    beforeAll(() => {
      mock.listen({ onUnhandledRequest: 'error' })
    })
    afterEach(() => {
      mock.resetHandlers()
    })
    afterAll(() => {
      mock.close()
    })

    it('refuses the body past maxBytes without reading the rest', async () => {
      const events: VerifierEvent[] = []
      const verifier = verifierWith(undefined, events, LIMIT)
      await expectCode(verifier.verify(mint(key)), 'jwks_unavailable')
      expect(failures(events)[0]).toMatch(/too large/)
      expect(produced).toBeLessThan(1024 * 1024)
    })
  })
})
