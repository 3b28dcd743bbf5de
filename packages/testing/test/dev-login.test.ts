/** The dev issuer's login flow, spoken to directly: PKCE S256 strictly, single-use codes, rotation. */
import { createHash, randomBytes } from 'node:crypto'
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '@cloudauth/core'
import { DEV_DEFAULTS, startDevIssuer, type DevIssuer } from '@cloudauth/testing'

let issuer: DevIssuer
beforeAll(async () => {
  issuer = await startDevIssuer()
})
afterAll(async () => {
  await issuer.stop()
})

const REDIRECT = 'http://127.0.0.1:3000/auth/callback'
const verifier = randomBytes(32).toString('base64url')
const challenge = createHash('sha256').update(verifier).digest('base64url')

function authorizeParams(extra: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    client_id: DEV_DEFAULTS.clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid email',
    state: 'state-1',
    nonce: 'nonce-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  })
}

async function code(
  path = '/oauth2/authorize',
  extra: Record<string, string> = {},
): Promise<string> {
  const form = authorizeParams(extra)
  form.set('username', 'bob')
  form.set('email', 'bob@example.com')
  const response = await fetch(`${issuer.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  })
  expect(response.status).toBe(302)
  const location = new URL(response.headers.get('location')!)
  expect(location.origin + location.pathname).toBe(REDIRECT)
  expect(location.searchParams.get('state')).toBe('state-1')
  return location.searchParams.get('code')!
}

function token(body: Record<string, string>, path = '/oauth2/token') {
  return fetch(`${issuer.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: DEV_DEFAULTS.clientId, ...body }),
  })
}

const redeem = (value: string, codeVerifier = verifier, path = '/oauth2/token') =>
  token(
    {
      grant_type: 'authorization_code',
      code: value,
      redirect_uri: REDIRECT,
      code_verifier: codeVerifier,
    },
    path,
  )

describe('authorization endpoint', () => {
  it('serves a one-click login page that escapes what it echoes', async () => {
    const response = await fetch(
      `${issuer.url}/oauth2/authorize?${authorizeParams({ state: '"><script>alert(1)</script>' })}`,
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    const html = await response.text()
    expect(html).toContain('id="sign-in"')
    expect(html).not.toContain('<script>')
    expect(html).toContain('&quot;&gt;&lt;script&gt;')
  })

  it.each([
    [{ code_challenge_method: 'plain' }, 'code_challenge_method must be S256'],
    [{ code_challenge: '' }, 'code_challenge is required'],
    [{ response_type: 'token' }, 'response_type must be code'],
    [{ redirect_uri: 'https://evil.example/cb' }, 'redirect_uri must be'],
    [{ client_id: '' }, 'client_id is required'],
  ])('refuses %j', async (extra, message) => {
    const response = await fetch(`${issuer.url}/oauth2/authorize?${authorizeParams(extra)}`)
    expect(response.status).toBe(400)
    expect(await response.text()).toContain(message)
  })
})

describe('token endpoint', () => {
  it('redeems a code once, with the right verifier, for Cognito-shaped tokens with the nonce', async () => {
    const response = await redeem(await code())
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as Record<string, string>
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri('cognito')))
    const id = await jwtVerify(body['id_token']!, jwks, {
      issuer: issuer.issuer('cognito'),
      audience: DEV_DEFAULTS.clientId,
    })
    expect(id.payload['nonce']).toBe('nonce-1')
    expect(id.payload['email']).toBe('bob@example.com')
    expect(decodeJwt(body['access_token']!)['token_use']).toBe('access')
    expect(body['refresh_token']).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('refuses a replayed code', async () => {
    const value = await code()
    expect((await redeem(value)).status).toBe(200)
    const replay = await redeem(value)
    expect(replay.status).toBe(400)
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('refuses a wrong or missing verifier, and the code is spent by the attempt', async () => {
    const value = await code()
    expect((await redeem(value, randomBytes(32).toString('base64url'))).status).toBe(400)
    expect((await redeem(value)).status).toBe(400)
    const other = await code()
    expect(
      (await token({ grant_type: 'authorization_code', code: other, redirect_uri: REDIRECT }))
        .status,
    ).toBe(400)
  })

  it('refuses another client or another redirect_uri', async () => {
    const value = await code()
    expect(
      (
        await token({
          grant_type: 'authorization_code',
          code: value,
          redirect_uri: REDIRECT,
          code_verifier: verifier,
          client_id: 'other',
        })
      ).status,
    ).toBe(401)
    const next = await code()
    expect(
      (
        await token({
          grant_type: 'authorization_code',
          code: next,
          redirect_uri: 'http://127.0.0.1:3000/other',
          code_verifier: verifier,
        })
      ).status,
    ).toBe(400)
  })

  it('rotates refresh tokens: the old one is spent, and revocation ends the new one', async () => {
    const first = (await (await redeem(await code())).json()) as Record<string, string>
    const refreshed = await token({
      grant_type: 'refresh_token',
      refresh_token: first['refresh_token']!,
    })
    expect(refreshed.status).toBe(200)
    const second = (await refreshed.json()) as Record<string, string>
    expect(second['refresh_token']).not.toBe(first['refresh_token'])
    expect(
      (await token({ grant_type: 'refresh_token', refresh_token: first['refresh_token']! })).status,
    ).toBe(400)
    const revoke = await fetch(`${issuer.url}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: second['refresh_token']!,
        client_id: DEV_DEFAULTS.clientId,
      }),
    })
    expect(revoke.status).toBe(200)
    expect(
      (await token({ grant_type: 'refresh_token', refresh_token: second['refresh_token']! }))
        .status,
    ).toBe(400)
  })

  it('serves the Auth0 layout with Auth0-shaped tokens (issuer {url}/)', async () => {
    const response = await redeem(await code('/authorize'), verifier, '/oauth/token')
    const body = (await response.json()) as Record<string, string>
    expect(decodeJwt(body['id_token']!)['iss']).toBe(`${issuer.url}/`)
    // A code of one layout does not redeem at the other.
    expect((await redeem(await code('/authorize'))).status).toBe(400)
  })
})

describe('userinfo, logout and discovery', () => {
  it('answers userinfo for its access tokens only', async () => {
    const body = (await (await redeem(await code())).json()) as Record<string, string>
    const me = await fetch(`${issuer.url}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${body['access_token']!}` },
    })
    expect(await me.json()).toMatchObject({ email: 'bob@example.com', username: 'bob' })
    const forged = await fetch(`${issuer.url}/oauth2/userInfo`, {
      headers: { authorization: 'Bearer abc.def.ghi' },
    })
    expect(forged.status).toBe(401)
    expect(forged.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
  })

  it('logs out back to a loopback URL only', async () => {
    const back = await fetch(
      `${issuer.url}/logout?client_id=x&logout_uri=${encodeURIComponent('http://127.0.0.1:3000/')}`,
      {
        redirect: 'manual',
      },
    )
    expect(back.status).toBe(302)
    expect(back.headers.get('location')).toBe('http://127.0.0.1:3000/')
    const evil = await fetch(
      `${issuer.url}/oidc/logout?post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
      {
        redirect: 'manual',
      },
    )
    expect(evil.status).toBe(200)
  })

  it('advertises the login endpoints in the Cognito and Auth0 discovery documents', async () => {
    const auth0 = (await (
      await fetch(`${issuer.url}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>
    expect(auth0['authorization_endpoint']).toBe(`${issuer.url}/authorize`)
    expect(auth0['end_session_endpoint']).toBe(`${issuer.url}/oidc/logout`)
    expect(auth0['code_challenge_methods_supported']).toEqual(['S256'])
    const cognito = (await (
      await fetch(`${issuer.url}/${DEV_DEFAULTS.userPoolId}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>
    expect(cognito['token_endpoint']).toBe(`${issuer.url}/oauth2/token`)
  })

  it('refuses a bad loginTokenSeconds', async () => {
    await expect(startDevIssuer({ loginTokenSeconds: 0 })).rejects.toBeInstanceOf(ConfigError)
  })
})
