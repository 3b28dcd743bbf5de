import { http, HttpResponse } from 'msw'
import type {
  KeySetEndpoint,
  KeySetEndpointOptions,
  KeySetFailure,
} from '../msw/key-set-endpoint.js'
import { keySetResponse } from './key-set-response.js'

const HTML_PAGE =
  '<!doctype html><html><head><title>Sign in</title></head><body>Network login required</body></html>'

/** The shared machinery of the JWKS and x509 endpoints; `empty` is the layout's empty key set. */
export function createKeySetEndpoint<TKeys>(
  url: string,
  initialKeys: TKeys,
  emptyKeys: TKeys,
  options: KeySetEndpointOptions,
): KeySetEndpoint<TKeys> {
  let keys = initialKeys
  let cacheControl: string | null = options.cacheControl ?? null
  let failure: KeySetFailure | undefined
  let failuresLeft = Infinity
  let hits = 0

  const base = {
    ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }),
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  }

  const answer = (current: KeySetFailure | undefined): Promise<Response> | Response => {
    const cache = cacheControl === null ? {} : { cacheControl }
    switch (current) {
      case undefined:
        return keySetResponse(keys, { ...base, ...cache })
      case 'timeout':
        return keySetResponse(keys, { ...base, delayMs: 'infinite' })
      case 'network-error':
        return HttpResponse.error()
      case 'html':
        return keySetResponse(null, {
          ...base,
          contentType: 'text/html; charset=utf-8',
          body: HTML_PAGE,
        })
      case 'invalid-json':
        return keySetResponse(null, { ...base, body: '{"keys": [{"kty": "RSA", "n": ' })
      case 'empty':
        return keySetResponse(null, { ...base, body: '' })
      case 'no-keys':
        return keySetResponse(emptyKeys, { ...base, ...cache })
      default:
        return keySetResponse(null, {
          ...base,
          status: current,
          contentType: 'text/plain',
          body: `HTTP ${current}`,
        })
    }
  }

  const handler = http.get(url, () => {
    hits++
    const current = failure
    if (current !== undefined) {
      failuresLeft--
      if (failuresLeft <= 0) failure = undefined
    }
    return answer(current)
  })

  const recover = (): void => {
    failure = undefined
    failuresLeft = Infinity
  }

  return {
    url,
    handler,
    get hits() {
      return hits
    },
    setKeys(next) {
      keys = next
    },
    setCacheControl(value) {
      cacheControl = value
    },
    fail(next, failOptions = {}) {
      if (typeof next === 'number' && (!Number.isInteger(next) || next < 200 || next > 599)) {
        throw new RangeError('fail: an HTTP status must be an integer from 200 to 599')
      }
      failure = next
      failuresLeft = failOptions.times ?? Infinity
    },
    recover,
    reset() {
      recover()
      keys = initialKeys
      cacheControl = options.cacheControl ?? null
      hits = 0
    },
  }
}
