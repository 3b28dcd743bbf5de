import { afterAll, describe, expect, it } from 'vitest'
import {
  ConfigError,
  bearer,
  cookie,
  header,
  toErrorResponse,
  type TokenRequest,
} from '@cloudauth/core'
import { extractToken } from '@cloudauth/core/binding'
import { assertNoLeaks, expectCode, recordError, track } from './helpers.js'

afterAll(assertNoLeaks)

const TOKEN = track('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ')

/** A request with these headers, looked up case-insensitively as frameworks do. */
function request(headers: Record<string, string>): TokenRequest {
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
  return { header: (name) => lower.get(name.toLowerCase()) }
}

describe('bearer() (RFC 6750 §2.1)', () => {
  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])(
    'reads the %s scheme, case-insensitively',
    (scheme) => {
      expect(extractToken(request({ Authorization: `${scheme} ${TOKEN}` }), [bearer()])).toBe(TOKEN)
    },
  )

  it('accepts several spaces after the scheme and b64token characters', () => {
    expect(bearer().read(request({ authorization: `Bearer   ${TOKEN}` }))).toBe(TOKEN)
    expect(bearer().read(request({ authorization: 'Bearer a-b.c_d~e+f/g==' }))).toBe(
      'a-b.c_d~e+f/g==',
    )
  })

  it('is the default source', () => {
    expect(extractToken(request({ authorization: `Bearer ${TOKEN}` }))).toBe(TOKEN)
  })

  it('ignores other schemes: no token from this source', async () => {
    expect(bearer().read(request({ authorization: 'Basic dXNlcjpwYXNz' }))).toBeUndefined()
    expect(bearer().read(request({}))).toBeUndefined()
    expect(bearer().read(request({ authorization: '' }))).toBeUndefined()
    await expectCode(
      () => extractToken(request({ authorization: 'Basic dXNlcjpwYXNz' })),
      'missing_token',
    )
  })

  it.each([
    ['a scheme with no token', 'Bearer'],
    ['a scheme with only spaces', 'Bearer   '],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`],
    ['two credentials joined by a comma', `Bearer ${TOKEN}, Bearer ${TOKEN}`],
    ['characters outside b64token', `Bearer ${TOKEN}"`],
    ['padding in the middle', 'Bearer ab=cd'],
  ])('refuses %s as invalid_request (400)', async (_name, value) => {
    const error = await expectCode(
      () => extractToken(request({ authorization: value })),
      'invalid_request',
    )
    expect(error.status).toBe(400)
  })
})

describe('cookie(name)', () => {
  it('reads the named cookie among others, quoted or not', () => {
    const source = cookie('session')
    expect(source.read(request({ cookie: `theme=dark; session=${TOKEN}; lang=en` }))).toBe(TOKEN)
    expect(source.read(request({ cookie: `session="${TOKEN}"` }))).toBe(TOKEN)
    expect(source.read(request({ cookie: `session =  ${TOKEN} ` }))).toBe(TOKEN)
  })

  it('finds nothing without the cookie, or with an empty one', () => {
    const source = cookie('session')
    expect(source.read(request({}))).toBeUndefined()
    expect(source.read(request({ cookie: 'other=1; mysession=2' }))).toBeUndefined()
    expect(source.read(request({ cookie: 'session=' }))).toBeUndefined()
  })

  it('refuses the same cookie twice, and a value that is not a token, as invalid_request', async () => {
    const source = cookie('session')
    await expectCode(
      () => source.read(request({ cookie: `session=${TOKEN}; session=${TOKEN}` })),
      'invalid_request',
    )
    await expectCode(() => source.read(request({ cookie: 'session=a b' })), 'invalid_request')
    await expectCode(() => source.read(request({ cookie: 'session=a,b' })), 'invalid_request')
  })

  it('refuses an invalid cookie name at construction', () => {
    for (const name of ['', 'a b', 'a;b', 'a=b', 'ü']) {
      const error = recordError(catchSync(() => cookie(name)))
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).option).toBe('cookie(name)')
    }
  })
})

describe('header(name)', () => {
  it('reads a custom header holding the bare token, whatever the case of its name', () => {
    expect(header('X-Id-Token').read(request({ 'x-id-token': TOKEN }))).toBe(TOKEN)
    expect(header('x-id-token').read(request({ 'X-ID-TOKEN': ` ${TOKEN} ` }))).toBe(TOKEN)
    expect(header('x-id-token').read(request({}))).toBeUndefined()
  })

  it('refuses a value that is not a single token as invalid_request', async () => {
    await expectCode(
      () => header('x-id-token').read(request({ 'x-id-token': `Bearer ${TOKEN}` })),
      'invalid_request',
    )
    await expectCode(
      () => header('x-id-token').read(request({ 'x-id-token': `${TOKEN}, ${TOKEN}` })),
      'invalid_request',
    )
  })

  it('refuses an invalid header name, and Authorization (use bearer()), at construction', () => {
    for (const name of ['', 'x id', 'x:id', 'Authorization', 'authorization']) {
      const error = recordError(catchSync(() => header(name)))
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).option).toBe('header(name)')
    }
  })
})

describe('extractToken(request, sources)', () => {
  const sources = [bearer(), cookie('session'), header('x-token')]

  it('tries the sources in order and returns the one token found', () => {
    expect(extractToken(request({ authorization: `Bearer ${TOKEN}` }), sources)).toBe(TOKEN)
    expect(extractToken(request({ cookie: `session=${TOKEN}` }), sources)).toBe(TOKEN)
    expect(extractToken(request({ 'x-token': TOKEN }), sources)).toBe(TOKEN)
  })

  it('refuses a token sent in two places as invalid_request (RFC 6750 §2), naming both', async () => {
    const error = await expectCode(
      () =>
        extractToken(
          request({ authorization: `Bearer ${TOKEN}`, cookie: `session=${TOKEN}` }),
          sources,
        ),
      'invalid_request',
    )
    expect(error.status).toBe(400)
    expect(error.description).toBe(
      'a token was sent in more than one place (Authorization header and cookie "session")',
    )
    // Even when both hold the same token, and whatever the order of the sources.
    await expectCode(
      () =>
        extractToken(request({ cookie: `session=${TOKEN}`, 'x-token': TOKEN }), [
          header('x-token'),
          cookie('session'),
        ]),
      'invalid_request',
    )
  })

  it('stops at a malformed source: a bad Authorization header is invalid_request, not skipped', async () => {
    await expectCode(
      () => extractToken(request({ authorization: 'Bearer', cookie: `session=${TOKEN}` }), sources),
      'invalid_request',
    )
  })

  it('answers no token at all with missing_token: 401 and a bare challenge', async () => {
    const error = await expectCode(
      () => extractToken(request({ cookie: 'theme=dark' }), sources),
      'missing_token',
    )
    const response = toErrorResponse(error)
    expect(response.status).toBe(401)
    expect(response.headers['www-authenticate']).toBe('Bearer realm="api"')
    expect(toErrorResponse(error, { realm: 'shop' }).headers['www-authenticate']).toBe(
      'Bearer realm="shop"',
    )
  })

  it('answers missing_token with no sources at all', async () => {
    await expectCode(
      () => extractToken(request({ authorization: `Bearer ${TOKEN}` }), []),
      'missing_token',
    )
  })
})

function catchSync(action: () => unknown): unknown {
  try {
    action()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}
