/**
 * Firebase session login against msw at Google's real URLs (the OAuth 2.0 token endpoint, the
 * Identity Toolkit createSessionCookie call, and the key URLs through firebasePreset): nothing
 * reaches Google. The session cookie it yields is verified by `firebase({ sessionCookie: true })`.
 */
import { ConfigError, createVerifier } from '@cloudauth/core'
import { firebasePreset, generateTestKey } from '@cloudauth/testing'
import { exportPKCS8, generateKeyPair, jwtVerify, type CryptoKey } from 'jose'
import { HttpResponse, delay, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { firebase } from '@cloudauth/firebase'
import {
  SessionLoginError,
  firebaseSessionLogin,
  type FetchHandler,
} from '@cloudauth/firebase/session-login'

const PROJECT = 'acme-session-1'
const TOKEN_URL = 'https://oauth2.googleapis.com/token'
const CREATE_URL = `https://identitytoolkit.googleapis.com/v1/projects/${PROJECT}:createSessionCookie`
const APP = 'https://app.example.com'
const EMAIL = 'cloudauth@acme-session-1.iam.gserviceaccount.com'

const project = firebasePreset({
  projectId: PROJECT,
  sessionCookieKey: generateTestKey('RS256', { kid: 'session-cookie-key' }),
})

let publicKey: CryptoKey
let privatePem = ''

/** What the fake Google saw. */
const google = {
  tokenCalls: 0,
  createCalls: [] as { authorization: string | null; body: Record<string, unknown> }[],
  issued: [] as string[],
}

const tokenEndpoint = http.post(TOKEN_URL, async ({ request }) => {
  google.tokenCalls++
  const form = new URLSearchParams(await request.text())
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
    return HttpResponse.json({ error: 'unsupported_grant_type' }, { status: 400 })
  try {
    const { payload, protectedHeader } = await jwtVerify(form.get('assertion') ?? '', publicKey, {
      issuer: EMAIL,
      audience: TOKEN_URL,
      algorithms: ['RS256'],
    })
    if (protectedHeader.kid !== 'key-id-1') throw new Error('kid')
    if (
      !String(payload.scope).split(' ').includes('https://www.googleapis.com/auth/identitytoolkit')
    )
      throw new Error('scope')
    if ((payload.exp ?? 0) - (payload.iat ?? 0) !== 3600) throw new Error('lifetime')
  } catch {
    return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 })
  }
  const token = `ya29.test-${google.tokenCalls}`
  google.issued.push(token)
  return HttpResponse.json({ access_token: token, expires_in: 3599, token_type: 'Bearer' })
})

const createEndpoint = http.post(CREATE_URL, async ({ request }) => {
  const authorization = request.headers.get('authorization')
  const body = (await request.json()) as Record<string, unknown>
  google.createCalls.push({ authorization, body })
  if (authorization !== `Bearer ${google.issued.at(-1) ?? 'none'}`)
    return HttpResponse.json({ error: { code: 401, message: 'UNAUTHENTICATED' } }, { status: 401 })
  // Google mints the cookie from the ID token's claims; the preset does the same with its key.
  const [, payload = ''] = String(body.idToken).split('.')
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
  return HttpResponse.json({
    sessionCookie: project.sessionCookie(
      { sub: claims.sub as string, auth_time: claims.auth_time as number },
      { expiresIn: Number(body.validDuration) },
    ),
  })
})

const server = setupServer(...project.handlers, tokenEndpoint, createEndpoint)

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true })
  publicKey = pair.publicKey
  privatePem = await exportPKCS8(pair.privateKey)
  server.listen({ onUnhandledRequest: 'error' })
})
afterEach(() => {
  server.resetHandlers()
  google.tokenCalls = 0
  google.createCalls = []
  google.issued = []
  vi.useRealTimers()
  vi.restoreAllMocks()
})
afterAll(() => server.close())

function account(extra: Record<string, unknown> = {}) {
  return { client_email: EMAIL, private_key: privatePem, private_key_id: 'key-id-1', ...extra }
}

function sessions(options: Record<string, unknown> = {}): FetchHandler {
  return firebaseSessionLogin({ projectId: PROJECT, serviceAccount: account(), ...options })
}

function login(
  body: unknown,
  {
    origin = APP,
    base = APP,
    type = 'application/json',
  }: { origin?: string | null; base?: string; type?: string } = {},
): Request {
  return new Request(`${base}/auth/session-login`, {
    method: 'POST',
    headers: { 'content-type': type, ...(origin === null ? {} : { origin }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

async function answer(handler: FetchHandler, request: Request) {
  const response = await handler(request)
  if (response === undefined) throw new Error('the handler did not answer')
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: (text === '' ? undefined : JSON.parse(text)) as Record<string, unknown> | undefined,
  }
}

function cookieValue(setCookie: string | null): string {
  const match = /^__session=([^;]*)/.exec(setCookie ?? '')
  if (match?.[1] === undefined) throw new Error('no session cookie set')
  return match[1]
}

describe('POST /auth/session-login', () => {
  it('exchanges a fresh ID token for a session cookie that firebase({ sessionCookie: true }) verifies', async () => {
    const handler = sessions()
    const idToken = project.idToken()
    const result = await answer(handler, login({ idToken }))
    expect(result.status).toBe(200)
    expect(result.body).toEqual({ status: 'ok', expiresIn: 432_000 })
    expect(result.headers.get('cache-control')).toBe('no-store')
    const setCookie = result.headers.get('set-cookie')
    expect(setCookie).toMatch(
      /^__session=[\w-]+\.[\w-]+\.[\w-]+; Max-Age=432000; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    )

    expect(google.createCalls).toEqual([
      { authorization: 'Bearer ya29.test-1', body: { idToken, validDuration: 432_000 } },
    ])
    const cookies = createVerifier(firebase({ projectId: PROJECT, sessionCookie: true }))
    const verified = await cookies.verify(cookieValue(setCookie))
    expect(verified.issuer).toBe(`https://session.firebase.google.com/${PROJECT}`)
    expect(verified.claims.sub).toBe(project.user.uid)
    expect(verified.claims.exp - verified.claims.iat).toBe(432_000)
    // The cookie is not an ID token: the ID-token verifier refuses it.
    const ids = createVerifier(firebase({ projectId: PROJECT }))
    await expect(ids.verify(cookieValue(setCookie))).rejects.toMatchObject({
      code: 'invalid_issuer',
    })
  })

  it('caches the access token (one exchange for several logins, concurrent ones too) and renews it before expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const handler = sessions()
    const results = await Promise.all([
      answer(handler, login({ idToken: project.idToken() })),
      answer(handler, login({ idToken: project.idToken() })),
    ])
    expect(results.map((r) => r.status)).toEqual([200, 200])
    expect((await answer(handler, login({ idToken: project.idToken() }))).status).toBe(200)
    expect(google.tokenCalls).toBe(1)
    // Google's token lives 3599 s; it is renewed five minutes early.
    vi.setSystemTime(Date.now() + 3300 * 1000)
    expect((await answer(handler, login({ idToken: project.idToken() }))).status).toBe(200)
    expect(google.tokenCalls).toBe(2)
    expect(google.createCalls.at(-1)?.authorization).toBe('Bearer ya29.test-2')
  })

  it('refuses a sign-in older than five minutes (auth_time) without asking Google', async () => {
    const now = Math.floor(Date.now() / 1000)
    const stale = await answer(
      sessions(),
      login({ idToken: project.idToken({ auth_time: now - 301 }) }),
    )
    expect(stale.status).toBe(401)
    expect(stale.body).toEqual({
      error: 'recent_sign_in_required',
      message: 'The sign-in is too old: sign in again.',
    })
    expect(google.tokenCalls).toBe(0)
    expect(google.createCalls).toHaveLength(0)
    const recent = await answer(
      sessions(),
      login({ idToken: project.idToken({ auth_time: now - 200 }) }),
    )
    expect(recent.status).toBe(200)
    const strict = await answer(
      sessions({ maxAuthAge: 60 }),
      login({ idToken: project.idToken({ auth_time: now - 200 }) }),
    )
    expect(strict.status).toBe(401)
  })

  it.each([
    ['an expired ID token', () => project.idToken({}, { expiresIn: -60 }), 'token_expired'],
    ['another project', () => project.idToken({ aud: 'other-project' }), 'invalid_audience'],
    ['a session cookie instead of an ID token', () => project.sessionCookie(), 'invalid_issuer'],
    ['garbage', () => 'not-a-token', 'malformed_token'],
  ])('refuses %s (401 %s) without asking Google', async (_, token, code) => {
    const result = await answer(sessions(), login({ idToken: token() }))
    expect(result.status).toBe(401)
    expect(result.body?.error).toBe(code)
    expect(google.createCalls).toHaveLength(0)
  })

  it('keys that cannot be fetched are 503 with Retry-After, not 401', async () => {
    project.jwks.fail(500)
    try {
      const result = await answer(sessions(), login({ idToken: project.idToken() }))
      expect(result.status).toBe(503)
      expect(result.body?.error).toBe('jwks_unavailable')
      expect(result.headers.get('retry-after')).toMatch(/^\d+$/)
    } finally {
      project.jwks.reset()
    }
  })

  it('requires a same-origin Origin (CSRF); allowedOrigins adds more', async () => {
    const idToken = project.idToken()
    for (const origin of [null, 'https://evil.example', 'null', 'http://app.example.com']) {
      const result = await answer(sessions(), login({ idToken }, { origin }))
      expect(result.status).toBe(403)
      expect(result.body?.error).toBe('forbidden_origin')
    }
    expect(google.createCalls).toHaveLength(0)
    const spa = sessions({ allowedOrigins: ['https://spa.example.com'] })
    expect(
      (await answer(spa, login({ idToken }, { origin: 'https://spa.example.com' }))).status,
    ).toBe(200)
  })

  it('Secure everywhere but on loopback http; the lifetime, name, path and domain as configured', async () => {
    const local = await answer(
      sessions({ expiresIn: 300 }),
      login(
        { idToken: project.idToken() },
        { base: 'http://127.0.0.1:8787', origin: 'http://127.0.0.1:8787' },
      ),
    )
    expect(local.headers.get('set-cookie')).toMatch(
      /; Max-Age=300; Path=\/; HttpOnly; SameSite=Lax$/,
    )
    expect(google.createCalls.at(-1)?.body.validDuration).toBe(300)
    const plainRemote = await answer(
      sessions(),
      login(
        { idToken: project.idToken() },
        { base: 'http://app.example.com', origin: 'http://app.example.com' },
      ),
    )
    expect(plainRemote.headers.get('set-cookie')).toContain('; Secure;')
    const custom = await answer(
      sessions({
        cookieName: 'sid',
        cookiePath: '/app',
        cookieDomain: 'example.com',
        expiresIn: 1_209_600,
      }),
      login({ idToken: project.idToken() }),
    )
    expect(custom.headers.get('set-cookie')).toMatch(
      /^sid=[^;]+; Max-Age=1209600; Path=\/app; Domain=example.com; HttpOnly; Secure; SameSite=Lax$/,
    )
  })
})

describe("Google's failures", () => {
  it.each([
    ['INVALID_ID_TOKEN', 401, 'invalid_token'],
    ['TOKEN_EXPIRED', 401, 'invalid_token'],
    [
      'USER_DISABLED : The user account has been disabled by an administrator.',
      403,
      'user_disabled',
    ],
    ['INVALID_DURATION', 502, 'upstream_error'],
  ])('createSessionCookie 400 %s is %i %s', async (message, status, code) => {
    server.use(
      http.post(CREATE_URL, () =>
        HttpResponse.json({ error: { code: 400, message } }, { status: 400 }),
      ),
    )
    const idToken = project.idToken()
    const result = await answer(sessions(), login({ idToken }))
    expect(result.status).toBe(status)
    expect(result.body?.error).toBe(code)
    expect(result.headers.get('set-cookie')).toBeNull()
    expect(result.text).not.toContain(idToken)
  })

  it.each([
    [
      'createSessionCookie 503',
      () => server.use(http.post(CREATE_URL, () => new HttpResponse(null, { status: 503 }))),
      503,
      'upstream_unavailable',
    ],
    [
      'createSessionCookie unreachable',
      () => server.use(http.post(CREATE_URL, () => HttpResponse.error())),
      503,
      'upstream_unavailable',
    ],
    [
      'token endpoint unreachable',
      () => server.use(http.post(TOKEN_URL, () => HttpResponse.error())),
      503,
      'upstream_unavailable',
    ],
    [
      'token endpoint 500',
      () => server.use(http.post(TOKEN_URL, () => new HttpResponse(null, { status: 500 }))),
      503,
      'upstream_unavailable',
    ],
    [
      'token endpoint invalid_grant',
      () =>
        server.use(
          http.post(TOKEN_URL, () =>
            HttpResponse.json({ error: 'invalid_grant' }, { status: 400 }),
          ),
        ),
      502,
      'upstream_error',
    ],
    [
      'createSessionCookie 429',
      () =>
        server.use(
          http.post(
            CREATE_URL,
            () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '30' } }),
          ),
        ),
      429,
      'too_many_requests',
    ],
  ])('%s is %i %s', async (_, install, status, code) => {
    install()
    const result = await answer(sessions(), login({ idToken: project.idToken() }))
    expect(result.status).toBe(status)
    expect(result.body?.error).toBe(code)
    if (status === 503) expect(result.headers.get('retry-after')).toBe('5')
    if (status === 429) expect(result.headers.get('retry-after')).toBe('30')
  })

  it('Google never answering is 503 after timeoutMs', async () => {
    server.use(
      http.post(CREATE_URL, async () => {
        await delay('infinite')
        return HttpResponse.json({})
      }),
    )
    const result = await answer(sessions({ timeoutMs: 200 }), login({ idToken: project.idToken() }))
    expect(result.status).toBe(503)
    expect(result.body?.error).toBe('upstream_unavailable')
  })

  it('with tenantId: the tenant URL, and an ID token of another tenant is refused', async () => {
    const tenant = firebasePreset({ projectId: PROJECT, tenantId: 'customers-a1b2c' })
    const tenantUrl = `https://identitytoolkit.googleapis.com/v1/projects/${PROJECT}/tenants/customers-a1b2c:createSessionCookie`
    let tenantCalls = 0
    server.use(
      http.post(tenantUrl, () => {
        tenantCalls++
        return HttpResponse.json({ sessionCookie: tenant.sessionCookie() })
      }),
    )
    const handler = sessions({ tenantId: 'customers-a1b2c' })
    expect((await answer(handler, login({ idToken: tenant.idToken() }))).status).toBe(200)
    expect(tenantCalls).toBe(1)
    const other = await answer(handler, login({ idToken: project.idToken() }))
    expect(other.status).toBe(401)
    expect(other.body?.error).toBe('invalid_claims')
    expect(tenantCalls).toBe(1)
  })

  it('a redirect from the token endpoint or from createSessionCookie is never followed (502)', async () => {
    let followed = 0
    server.use(
      http.all('https://evil.example/*', () => {
        followed++
        return HttpResponse.json({ access_token: 'stolen', sessionCookie: 'stolen' })
      }),
      http.post(
        TOKEN_URL,
        () =>
          new HttpResponse(null, {
            status: 302,
            headers: { location: 'https://evil.example/token' },
          }),
      ),
    )
    const viaToken = await answer(sessions(), login({ idToken: project.idToken() }))
    expect(viaToken.status).toBe(502)
    server.resetHandlers()
    server.use(
      http.all('https://evil.example/*', () => {
        followed++
        return HttpResponse.json({ sessionCookie: 'stolen' })
      }),
      http.post(
        CREATE_URL,
        () =>
          new HttpResponse(null, {
            status: 307,
            headers: { location: 'https://evil.example/create' },
          }),
      ),
    )
    const viaCreate = await answer(sessions(), login({ idToken: project.idToken() }))
    expect(viaCreate.status).toBe(502)
    expect(viaCreate.body?.error).toBe('upstream_error')
    expect(followed).toBe(0)
  })

  it('a refused access token is dropped: the next login exchanges a new one', async () => {
    const handler = sessions()
    expect((await answer(handler, login({ idToken: project.idToken() }))).status).toBe(200)
    server.use(
      http.post(
        CREATE_URL,
        () =>
          HttpResponse.json({ error: { code: 401, message: 'UNAUTHENTICATED' } }, { status: 401 }),
        { once: true },
      ),
    )
    const refused = await answer(handler, login({ idToken: project.idToken() }))
    expect(refused.status).toBe(502)
    expect((await answer(handler, login({ idToken: project.idToken() }))).status).toBe(200)
    expect(google.tokenCalls).toBe(2)
  })
})

describe('bad requests', () => {
  it.each([
    ['no idToken', {}, 400, 'invalid_request'],
    ['an idToken that is not a string', { idToken: 42 }, 400, 'invalid_request'],
    ['an empty idToken', { idToken: '' }, 400, 'invalid_request'],
    ['not JSON', '{"idToken":', 400, 'invalid_request'],
    ['a huge body', { idToken: 'x'.repeat(20_000) }, 413, 'payload_too_large'],
  ])('%s is %i', async (_, body, status, code) => {
    const result = await answer(sessions(), login(body))
    expect(result.status).toBe(status)
    expect(result.body?.error).toBe(code)
    expect(google.tokenCalls).toBe(0)
  })

  it('answers each body problem with its exact JSON, no-store', async () => {
    const cases: [Request, number, Record<string, unknown>][] = [
      [
        login('{}', { type: 'text/plain' }),
        415,
        { error: 'unsupported_media_type', message: 'The body must be application/json.' },
      ],
      [
        login({ idToken: 'x'.repeat(20_000) }),
        413,
        { error: 'payload_too_large', message: 'The body is larger than 16384 bytes.' },
      ],
      [
        login('{"idToken":'),
        400,
        { error: 'invalid_request', message: 'The body is not valid JSON.' },
      ],
      [login(''), 400, { error: 'invalid_request', message: 'The body is not valid JSON.' }],
      [
        new Request(`${APP}/auth/session-login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: APP },
          body: new Uint8Array([0x7b, 0xff, 0x7d]),
        }),
        400,
        { error: 'invalid_request', message: 'The body is not valid JSON.' },
      ],
      [
        login({ idToken: 42 }),
        400,
        {
          error: 'invalid_request',
          message: 'The body must be { "idToken": "<Firebase ID token>" }.',
        },
      ],
    ]
    for (const [request, status, body] of cases) {
      const result = await answer(sessions(), request)
      expect(result.status).toBe(status)
      expect(result.body).toEqual(body)
      expect(result.headers.get('content-type')).toBe('application/json; charset=utf-8')
      expect(result.headers.get('cache-control')).toBe('no-store')
    }
    const get = await answer(sessions(), new Request(`${APP}/auth/session-login`))
    expect(get.body).toEqual({ error: 'method_not_allowed', message: 'Only POST is allowed here.' })
    expect(get.headers.get('cache-control')).toBe('no-store')
  })

  it('a form body is 415; GET is 405; OPTIONS and other paths fall through', async () => {
    const form = await answer(
      sessions(),
      login('idToken=abc', { type: 'application/x-www-form-urlencoded' }),
    )
    expect(form.status).toBe(415)
    const get = await answer(sessions(), new Request(`${APP}/auth/session-login`))
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect(
      await sessions()(new Request(`${APP}/auth/session-login`, { method: 'OPTIONS' })),
    ).toBeUndefined()
    expect(await sessions()(new Request(`${APP}/auth/other`, { method: 'POST' }))).toBeUndefined()
  })
})

describe('POST /auth/session-logout', () => {
  it('clears the cookie (204), same origin only', async () => {
    const logout = (origin: string | null, base = APP) =>
      new Request(`${base}/auth/session-logout`, {
        method: 'POST',
        headers: origin === null ? {} : { origin },
      })
    const done = await sessions()(logout(APP))
    expect(done?.status).toBe(204)
    expect(done?.headers.get('set-cookie')).toBe(
      '__session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
    )
    const local = await sessions()(logout('http://localhost:3000', 'http://localhost:3000'))
    expect(local?.headers.get('set-cookie')).toBe(
      '__session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
    )
    for (const origin of [null, 'https://evil.example']) {
      const refused = await sessions()(logout(origin))
      expect(refused?.status).toBe(403)
      expect(refused?.headers.get('set-cookie')).toBeNull()
    }
  })

  it('routes can be renamed', async () => {
    const handler = sessions({ paths: { login: '/session', logout: '/session/end' } })
    const request = new Request(`${APP}/session`, {
      method: 'POST',
      headers: { origin: APP, 'content-type': 'application/json' },
      body: JSON.stringify({ idToken: project.idToken() }),
    })
    expect((await handler(request))?.status).toBe(200)
    expect(await handler(login({ idToken: project.idToken() }))).toBeUndefined()
  })
})

describe('secrets', () => {
  it('logs nothing, and no answer holds the ID token, an access token or the key', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation(() => undefined),
    )
    const idToken = project.idToken()
    const ok = await answer(sessions(), login({ idToken }))
    server.use(
      http.post(CREATE_URL, () =>
        HttpResponse.json({ error: { message: 'INVALID_ID_TOKEN' } }, { status: 400 }),
      ),
    )
    const refused = await answer(sessions(), login({ idToken }))
    for (const text of [ok.text, refused.text]) {
      expect(text).not.toContain(idToken)
      expect(text).not.toContain('ya29.')
      expect(text).not.toContain('PRIVATE KEY')
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled()
  })
})

describe('configuration mistakes throw ConfigError at construction', () => {
  it.each([
    [{ projectId: 'Bad Project' }, 'projectId'],
    [{ serviceAccount: undefined }, 'serviceAccount'],
    [{ serviceAccount: '{not json' }, 'serviceAccount'],
    [
      { serviceAccount: { client_email: EMAIL, private_key: 'not a key' } },
      'serviceAccount.private_key',
    ],
    [
      {
        serviceAccount: {
          client_email: 'nobody',
          private_key: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----',
        },
      },
      'serviceAccount.client_email',
    ],
    [{ expiresIn: 299 }, 'expiresIn'],
    [{ expiresIn: 1_209_601 }, 'expiresIn'],
    [{ maxAuthAge: 0 }, 'maxAuthAge'],
    [{ cookieName: 'a b' }, 'cookieName'],
    [{ cookiePath: 'app' }, 'cookiePath'],
    [{ secure: 'yes' }, 'secure'],
    [{ allowedOrigins: ['https://app.example.com/'] }, 'allowedOrigins'],
    [{ paths: { login: '/x', logout: '/x' } }, 'paths.logout'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
  ])('%j names %s', (options, option) => {
    let error: unknown
    try {
      firebaseSessionLogin({
        projectId: PROJECT,
        serviceAccount: account(),
        ...options,
      } as never)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toContain(option)
  })

  it('never echoes the key material', () => {
    const secret = '-----BEGIN PRIVATE KEY-----\nSECRETSECRET\n-----END RSA KEY-----'
    try {
      firebaseSessionLogin({
        projectId: PROJECT,
        serviceAccount: { client_email: EMAIL, private_key: secret },
      })
      throw new Error('expected a ConfigError')
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect(String(error)).not.toContain('SECRETSECRET')
    }
  })

  it('accepts the key file as JSON text, with \\n-escaped newlines as env vars have them', async () => {
    const text = JSON.stringify(account({ private_key: privatePem.replace(/\n/g, '\\n') }))
    const handler = firebaseSessionLogin({ projectId: PROJECT, serviceAccount: text })
    expect((await answer(handler, login({ idToken: project.idToken() }))).status).toBe(200)
    expect(SessionLoginError.name).toBe('SessionLoginError')
  })
})
