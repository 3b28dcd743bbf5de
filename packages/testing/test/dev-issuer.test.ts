import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVerifier } from '@cloudauth/core'
import {
  DEV_DEFAULTS,
  DEV_GROUP_CLAIMS,
  defaultKey,
  startDevIssuer,
  type DevIssuer,
} from '@cloudauth/testing'

let issuer: DevIssuer
beforeAll(async () => {
  issuer = await startDevIssuer({ keys: [defaultKey()] })
})
afterAll(async () => {
  await issuer.stop()
})

const getJson = async (path: string) => {
  const response = await fetch(`${issuer.url}${path}`)
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  }
}

const postToken = (
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) =>
  fetch(`${issuer.url}/token`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

describe('startDevIssuer', () => {
  it('listens on 127.0.0.1 on a free port', () => {
    expect(issuer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(issuer.port).toBeGreaterThan(0)
    expect(issuer.url).toBe(`http://127.0.0.1:${issuer.port}`)
  })

  it('serves the JWKS at each layout', async () => {
    for (const shape of ['cognito', 'auth0', 'firebase'] as const) {
      const { status, body, headers } = await getJson(new URL(issuer.jwksUri(shape)).pathname)
      expect(status).toBe(200)
      expect(headers.get('cache-control')).toMatch(/max-age/)
      expect(body).toEqual({ keys: [defaultKey().publicJwk] })
    }
    expect(issuer.jwksUri('cognito', { userPoolId: 'local_other' })).toBe(
      `${issuer.url}/local_other/.well-known/jwks.json`,
    )
    const x509 = await getJson('/firebase/publicKeys')
    expect(x509.body).toEqual({ [defaultKey().kid]: defaultKey().x509Pem })
  })

  it('serves OIDC discovery documents whose issuer matches the tokens', async () => {
    const cognito = await getJson(`/${DEV_DEFAULTS.userPoolId}/.well-known/openid-configuration`)
    expect(cognito.body).toMatchObject({
      issuer: `${issuer.url}/${DEV_DEFAULTS.userPoolId}`,
      jwks_uri: `${issuer.url}/${DEV_DEFAULTS.userPoolId}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['RS256'],
    })
    expect(decodeJwt(issuer.mint({ shape: 'cognito' })).iss).toBe(cognito.body['issuer'])
    const auth0 = await getJson('/.well-known/openid-configuration')
    expect(auth0.body).toMatchObject({
      issuer: `${issuer.url}/`,
      jwks_uri: `${issuer.url}/.well-known/jwks.json`,
    })
    expect(decodeJwt(issuer.mint({ shape: 'auth0' })).iss).toBe(auth0.body['issuer'])
    const firebase = await getJson('/firebase/demo-x/.well-known/openid-configuration')
    expect(firebase.body).toMatchObject({ issuer: 'https://securetoken.google.com/demo-x' })
    expect(decodeJwt(issuer.mint({ shape: 'firebase', projectId: 'demo-x' })).iss).toBe(
      firebase.body['issuer'],
    )
  })

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    expect((await fetch(`${issuer.url}/nope`)).status).toBe(404)
    expect((await fetch(`${issuer.url}/.well-known/jwks.json`, { method: 'DELETE' })).status).toBe(
      405,
    )
    expect((await fetch(`${issuer.url}/token`)).status).toBe(405)
    expect((await getJson('/health')).body).toEqual({ status: 'ok' })
  })

  it('mints Cognito tokens that verify with jose over real HTTP', async () => {
    const token = issuer.mint({
      shape: 'cognito',
      scopes: ['read:users'],
      groups: ['admin'],
      claims: { custom: 1 },
    })
    expect(decodeProtectedHeader(token)).toEqual({ kid: defaultKey().kid, alg: 'RS256' })
    const { payload } = await jwtVerify(
      token,
      createRemoteJWKSet(new URL(issuer.jwksUri('cognito'))),
      {
        issuer: issuer.issuer('cognito'),
      },
    )
    expect(payload).toMatchObject({
      token_use: 'access',
      scope: 'read:users',
      'cognito:groups': ['admin'],
      client_id: DEV_DEFAULTS.clientId,
      username: 'dev-user',
      custom: 1,
    })
    const id = decodeJwt(issuer.mint({ shape: 'cognito', tokenUse: 'id' }))
    expect(id).toMatchObject({ token_use: 'id', aud: DEV_DEFAULTS.clientId })
    // One stable user per shape.
    expect(id.sub).toBe(payload.sub)
  })

  it('mints Auth0 and Firebase tokens with their conventions for scopes and groups', () => {
    const auth0 = decodeJwt(
      issuer.mint({ shape: 'auth0', scopes: ['read:users', 'write:users'], groups: ['admin'] }),
    )
    expect(auth0).toMatchObject({
      iss: `${issuer.url}/`,
      aud: [DEV_DEFAULTS.audience, `${issuer.url}/userinfo`],
      scope: 'read:users write:users',
      [DEV_GROUP_CLAIMS.auth0]: ['admin'],
    })
    const firebase = decodeJwt(
      issuer.mint({ shape: 'firebase', scopes: ['a'], groups: ['admin'], subject: 'uid-1' }),
    )
    expect(firebase).toMatchObject({
      aud: DEV_DEFAULTS.projectId,
      sub: 'uid-1',
      user_id: 'uid-1',
      scope: 'a',
      roles: ['admin'],
    })
    const session = decodeJwt(issuer.mint({ shape: 'firebase', tokenUse: 'session' }))
    expect(session.iss).toBe(`https://session.firebase.google.com/${DEV_DEFAULTS.projectId}`)
    expect(() => issuer.mint({ shape: 'firebase', tokenUse: 'access' })).toThrow(TypeError)
    expect(() => issuer.mint({ shape: 'cognito', tokenUse: 'session' })).toThrow(TypeError)
  })

  it('mints through POST /token, and the tokens verify through createVerifier', async () => {
    const response = await postToken({
      shape: 'cognito',
      scopes: ['read:users'],
      groups: ['admin'],
      claims: { email: 'a@b.c' },
      expiresIn: 120,
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as {
      token: string
      token_type: string
      expires_in: number
      issuer: string
    }
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 120,
      issuer: issuer.issuer('cognito'),
    })
    const verifier = createVerifier({
      issuers: {
        issuer: issuer.issuer('cognito'),
        jwksUri: issuer.jwksUri('cognito'),
        audience: null,
      },
      groupClaims: ['cognito:groups'],
    })
    const verified = await verifier.verify(body.token)
    expect(verified.scopes).toEqual(['read:users'])
    expect(verified.groups).toEqual(['admin'])
    expect(verified.claims['email']).toBe('a@b.c')
    expect((verified.claims.exp ?? 0) - (verified.claims.iat ?? 0)).toBe(120)
  })

  it('Auth0 and Firebase tokens from the dev issuer verify through createVerifier', async () => {
    const auth0 = createVerifier({
      issuers: {
        issuer: issuer.issuer('auth0'),
        jwksUri: issuer.jwksUri('auth0'),
        audience: DEV_DEFAULTS.audience,
      },
    })
    await expect(auth0.verify(issuer.mint({ shape: 'auth0' }))).resolves.toBeDefined()
    const firebase = createVerifier({
      issuers: {
        issuer: issuer.issuer('firebase'),
        jwksUri: issuer.jwksUri('firebase'),
        audience: DEV_DEFAULTS.projectId,
      },
    })
    await expect(firebase.verify(issuer.mint({ shape: 'firebase' }))).resolves.toBeDefined()
  })

  it.each([
    [{ shape: 'okta' }, /shape/],
    [{ shape: 'cognito', scopes: 'read' }, /scopes/],
    [{ shape: 'cognito', groups: [1] }, /groups/],
    [{ shape: 'cognito', claims: [] }, /claims/],
    [{ shape: 'cognito', expiresIn: 1.5 }, /expiresIn/],
    [{ shape: 'cognito', userPoolId: '' }, /userPoolId/],
    [{ shape: 'cognito', extra: true }, /unknown field/],
    [{ shape: 'firebase', tokenUse: 'access' }, /tokenUse/],
    [[1], /JSON object/],
    ['{not json', /not valid JSON/],
  ])('POST /token refuses %j with 400', async (body, description) => {
    const response = await postToken(body)
    expect(response.status).toBe(400)
    const json = (await response.json()) as { error: string; error_description: string }
    expect(json.error).toBe('invalid_request')
    expect(json.error_description).toMatch(description)
  })

  it('POST /token needs a JSON content type, a small body and a loopback Host header', async () => {
    expect((await postToken({ shape: 'cognito' }, { 'content-type': 'text/plain' })).status).toBe(
      415,
    )
    expect(
      (await postToken(JSON.stringify({ shape: 'cognito', claims: { pad: 'x'.repeat(20_000) } })))
        .status,
    ).toBe(413)
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: issuer.port,
          path: '/token',
          method: 'POST',
          headers: { host: 'evil.test', 'content-type': 'application/json' },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end(JSON.stringify({ shape: 'cognito' }))
    })
    expect(status).toBe(403)
  })

  it('refuses to bind anything but loopback, and bad ports', async () => {
    await expect(startDevIssuer({ host: '0.0.0.0', keys: [defaultKey()] })).rejects.toMatchObject({
      name: 'ConfigError',
      option: 'host',
    })
    await expect(
      startDevIssuer({ host: 'example.com', keys: [defaultKey()] }),
    ).rejects.toMatchObject({ option: 'host' })
    await expect(startDevIssuer({ port: 70_000, keys: [defaultKey()] })).rejects.toMatchObject({
      option: 'port',
    })
  })

  it('stops: the port no longer answers', async () => {
    const other = await startDevIssuer({ keys: [defaultKey()] })
    expect((await fetch(`${other.url}/health`)).status).toBe(200)
    await other.stop()
    await expect(fetch(`${other.url}/health`)).rejects.toThrow()
  })

  it('persists its key to a file and reads it back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloudauth-dev-'))
    try {
      const keyFile = join(dir, 'nested', 'keys.json')
      const first = await startDevIssuer({ keyFile, alg: 'ES256' })
      const token = first.mint({ shape: 'auth0' })
      await first.stop()
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600)
      const second = await startDevIssuer({ keyFile })
      try {
        expect(second.keys[0]?.kid).toBe(first.keys[0]?.kid)
        expect(second.keys[0]?.alg).toBe('ES256')
        const jwks = createRemoteJWKSet(new URL(second.jwksUri('auth0')))
        await expect(jwtVerify(token, jwks)).resolves.toBeDefined()
      } finally {
        await second.stop()
      }
      expect(JSON.parse(await readFile(keyFile, 'utf8'))).toHaveProperty('keys')
      const bad = join(dir, 'bad.json')
      await writeFile(bad, '{"keys": []}')
      await expect(startDevIssuer({ keyFile: bad })).rejects.toThrow(/not a cloudauth-dev key file/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('POST /token omit', () => {
  it('leaves the named claims out, and refuses an omit that is not a list of strings', async () => {
    const issuer = await startDevIssuer()
    try {
      const post = (body: unknown) =>
        fetch(`${issuer.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      const answer = await post({ shape: 'auth0', email: 'a@b.c', omit: ['azp', 'scope'] })
      expect(answer.status).toBe(200)
      const { token } = (await answer.json()) as { token: string }
      const claims = decodeJwt(token)
      expect(claims).not.toHaveProperty('azp')
      expect(claims).not.toHaveProperty('scope')
      expect(claims).toMatchObject({ email: 'a@b.c', iss: `${issuer.url}/` })
      const bad = await post({ shape: 'auth0', omit: 'azp' })
      expect(bad.status).toBe(400)
      expect(await bad.json()).toEqual({
        error: 'invalid_request',
        error_description: 'omit must be an array of strings',
      })
      expect(decodeJwt(issuer.mint({ shape: 'cognito', omit: ['username'] }))).not.toHaveProperty(
        'username',
      )
    } finally {
      await issuer.stop()
    }
  })
})
