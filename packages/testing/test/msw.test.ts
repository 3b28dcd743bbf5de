import { setupServer } from 'msw/node'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createJwksEndpoint,
  createX509Endpoint,
  defaultKey,
  jwksHandler,
  jwksOf,
  signToken,
  x509Handler,
  x509MapOf,
} from '@cloudauth/testing'

const URL_ = 'https://idp.test/.well-known/jwks.json'
const key = defaultKey()
const next = defaultKey('RS256', 1)
const server = setupServer()

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  vi.useRealTimers()
})
afterAll(() => server.close())

describe('jwksHandler', () => {
  it('serves a key set that jose verifies tokens against', async () => {
    server.use(jwksHandler(URL_, jwksOf(key)))
    const response = await fetch(URL_)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBeNull()
    expect(await response.json()).toEqual({ keys: [key.publicJwk] })
    const token = signToken({ key, claims: { sub: 'u1' } })
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(URL_)))
    expect(payload.sub).toBe('u1')
  })

  it('answers with the chosen status, headers and raw body', async () => {
    server.use(
      jwksHandler(URL_, {
        status: 502,
        cacheControl: 'public, max-age=600',
        contentType: 'text/html',
        headers: { 'x-extra': '1' },
        body: '<html>bad gateway</html>',
      }),
    )
    const response = await fetch(URL_)
    expect(response.status).toBe(502)
    expect(response.headers.get('cache-control')).toBe('public, max-age=600')
    expect(response.headers.get('content-type')).toBe('text/html')
    expect(response.headers.get('x-extra')).toBe('1')
    expect(await response.text()).toBe('<html>bad gateway</html>')
  })

  it('serves a JSON body other than the key set', async () => {
    server.use(jwksHandler(URL_, { jwks: jwksOf(key), body: { keys: 'nope' } }))
    expect(await (await fetch(URL_)).json()).toEqual({ keys: 'nope' })
  })

  it('answers once when asked, then the next handler answers', async () => {
    server.use(jwksHandler(URL_, { status: 503, once: true }), jwksHandler(URL_, jwksOf(next)))
    expect((await fetch(URL_)).status).toBe(503)
    expect(await (await fetch(URL_)).json()).toEqual({ keys: [next.publicJwk] })
  })

  it('delays through msw delay(), which follows fake timers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    server.use(jwksHandler(URL_, { jwks: jwksOf(key), delayMs: 2000 }))
    let settled = false
    const pending = fetch(URL_).then((r) => {
      settled = true
      return r
    })
    await vi.advanceTimersByTimeAsync(1999)
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect((await pending).status).toBe(200)
  })

  it('never answers with delayMs infinite; the client abort ends the request', async () => {
    server.use(jwksHandler(URL_, { jwks: jwksOf(key), delayMs: 'infinite' }))
    const controller = new AbortController()
    const pending = fetch(URL_, { signal: controller.signal })
    controller.abort(new Error('client timeout'))
    await expect(pending).rejects.toThrow('client timeout')
  })
})

describe('createJwksEndpoint', () => {
  it('counts hits, rotates keys and resets', async () => {
    const endpoint = createJwksEndpoint(URL_, jwksOf(key), { cacheControl: 'max-age=60' })
    server.use(endpoint.handler)
    expect(endpoint.url).toBe(URL_)
    expect(endpoint.hits).toBe(0)
    const first = await fetch(URL_)
    expect(first.headers.get('cache-control')).toBe('max-age=60')
    expect(await first.json()).toEqual(jwksOf(key))
    endpoint.setKeys(jwksOf(key, next))
    endpoint.setCacheControl(null)
    const second = await fetch(URL_)
    expect(second.headers.get('cache-control')).toBeNull()
    expect(await second.json()).toEqual(jwksOf(key, next))
    expect(endpoint.hits).toBe(2)
    endpoint.fail(500)
    endpoint.reset()
    expect(endpoint.hits).toBe(0)
    const third = await fetch(URL_)
    expect(third.headers.get('cache-control')).toBe('max-age=60')
    expect(await third.json()).toEqual(jwksOf(key))
  })

  it.each([
    [503, 503, 'text/plain', 'HTTP 503'],
    ['html', 200, 'text/html; charset=utf-8', /<html>/],
    ['invalid-json', 200, 'application/json', /^\{"keys": \[/],
    ['empty', 200, 'application/json', /^$/],
    ['no-keys', 200, 'application/json', '{"keys":[]}'],
  ] as const)('fail(%s) answers %s %s', async (failure, status, contentType, body) => {
    const endpoint = createJwksEndpoint(URL_, jwksOf(key))
    server.use(endpoint.handler)
    endpoint.fail(failure)
    const response = await fetch(URL_)
    expect(response.status).toBe(status)
    expect(response.headers.get('content-type')).toBe(contentType)
    const text = await response.text()
    if (typeof body === 'string') expect(text).toBe(body)
    else expect(text).toMatch(body)
    if (failure === 'invalid-json') expect(() => JSON.parse(text) as unknown).toThrow()
    endpoint.recover()
    expect(await (await fetch(URL_)).json()).toEqual(jwksOf(key))
    expect(endpoint.hits).toBe(2)
  })

  it("fail('network-error') makes fetch reject", async () => {
    const endpoint = createJwksEndpoint(URL_, jwksOf(key))
    server.use(endpoint.handler)
    endpoint.fail('network-error')
    await expect(fetch(URL_)).rejects.toThrow(TypeError)
    expect(endpoint.hits).toBe(1)
  })

  it("fail('timeout') hangs until the client aborts", async () => {
    const endpoint = createJwksEndpoint(URL_, jwksOf(key))
    server.use(endpoint.handler)
    endpoint.fail('timeout')
    const controller = new AbortController()
    const pending = fetch(URL_, { signal: controller.signal })
    await Promise.resolve()
    controller.abort(new Error('timed out'))
    await expect(pending).rejects.toThrow('timed out')
  })

  it('fails a given number of times, then serves keys again', async () => {
    const endpoint = createJwksEndpoint(URL_, jwksOf(key))
    server.use(endpoint.handler)
    endpoint.fail(500, { times: 2 })
    expect((await fetch(URL_)).status).toBe(500)
    expect((await fetch(URL_)).status).toBe(500)
    expect((await fetch(URL_)).status).toBe(200)
    expect(endpoint.hits).toBe(3)
  })

  it('refuses a status that is not an HTTP status', () => {
    const endpoint = createJwksEndpoint(URL_, jwksOf(key))
    expect(() => endpoint.fail(42)).toThrow(RangeError)
    expect(() => endpoint.fail(600)).toThrow(RangeError)
  })

  it('lets jose pick up a rotated key after setKeys', async () => {
    const endpoint = createJwksEndpoint(URL_, jwksOf(key))
    server.use(endpoint.handler)
    const jwks = createRemoteJWKSet(new URL(URL_), { cooldownDuration: 0 })
    await jwtVerify(signToken({ key, claims: {} }), jwks)
    endpoint.setKeys(jwksOf(key, next))
    await expect(jwtVerify(signToken({ key: next, claims: {} }), jwks)).resolves.toBeDefined()
    expect(endpoint.hits).toBe(2)
  })
})

describe('x509 key maps', () => {
  const X509_URL = 'https://keys.test/publicKeys'

  it('x509Handler serves { kid: pem }', async () => {
    server.use(x509Handler(X509_URL, x509MapOf(key, next), { cacheControl: 'public, max-age=100' }))
    const response = await fetch(X509_URL)
    expect(response.headers.get('cache-control')).toBe('public, max-age=100')
    const body = (await response.json()) as Record<string, string>
    expect(Object.keys(body)).toEqual([key.kid, next.kid])
    expect(body[key.kid]).toMatch(/^-----BEGIN CERTIFICATE-----\n/)
  })

  it("createX509Endpoint rotates, and fail('no-keys') serves {}", async () => {
    const endpoint = createX509Endpoint(X509_URL, x509MapOf(key))
    server.use(endpoint.handler)
    endpoint.setKeys(x509MapOf(next))
    expect(await (await fetch(X509_URL)).json()).toEqual({ [next.kid]: next.x509Pem })
    endpoint.fail('no-keys')
    expect(await (await fetch(X509_URL)).json()).toEqual({})
    expect(endpoint.hits).toBe(2)
  })
})
