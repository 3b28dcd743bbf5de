/**
 * What every provider does the same way (issue 9 item 5, issue 10 item 9, issue 14 item 4):
 * every configuration problem in one ConfigError, unknown options named with the nearest known
 * one, invalid_audience for another client, synchronous claim checks, the userId claim and the
 * lifetime ceiling; and auth0FromEnv() pointed at the local dev issuer (issue 11).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { setupServer } from 'msw/node'
import { createVerifier, type ClaimsCheck, type IssuerOptions } from '@cloudauth/core'
import { auth0Preset, DEV_DEFAULTS, startDevIssuer } from '@cloudauth/testing'
import { auth0, auth0FromEnv } from '@cloudauth/auth0'
import { configError, outcome } from './support.js'

const DOMAIN = 'acme.eu.auth0.com'
const AUDIENCE = 'https://api.acme.test'
const CLIENT_ID = 'Xq8mXyYwU3yX0yZpLkD8Xq8mXyYwU3yX'
const tenant = auth0Preset({ domain: DOMAIN, audience: AUDIENCE, clientId: CLIENT_ID })
const server = setupServer(tenant.handler)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const now = () => Math.floor(Date.now() / 1000)
type AnyOptions = Parameters<typeof auth0>[0]

describe('auth0() configuration', () => {
  it('refuses the old spellings groupClaim and scopeClaim, naming the option to use', () => {
    const error = configError(() =>
      auth0({
        domain: DOMAIN,
        audience: AUDIENCE,
        groupClaim: 'roles',
        scopeClaim: 'scp',
      } as never),
    )
    expect(error.problems).toEqual([
      'groupClaim: is not an option of auth0(); did you mean groupClaims?',
      'scopeClaim: is not an option of auth0(); did you mean scopeClaims?',
    ])
  })

  it('names a misspelt option, tuning options included, and never echoes a value', () => {
    const error = configError(() =>
      auth0({ domain: DOMAIN, audince: 'secret-ish', clockTolerence: 5 } as unknown as AnyOptions),
    )
    expect(error.problems).toEqual([
      'audince: is not an option of auth0(); did you mean audience?',
      'clockTolerence: is not an option of auth0(); did you mean clockTolerance?',
      'audience: must be a non-empty string or a non-empty list of non-empty strings',
    ])
    expect(error.message).not.toContain('secret-ish')
  })

  it('reports every problem at once (it used to stop at the first)', () => {
    const error = configError(() =>
      auth0({
        domain: 'https://acme.eu.auth0.com/',
        audience: [],
        clientId: '',
        scopeClaims: [''],
        groupClaims: 7,
        userId: '',
        maxTokenLifetime: -1,
        validate: 'no',
        nonce: 'n',
      } as unknown as AnyOptions),
    )
    expect(error.problems.map((line) => line.split(':')[0])).toEqual([
      'domain',
      'scopeClaims',
      'groupClaims',
      'userId',
      'maxTokenLifetime',
      'validate',
      'nonce',
      'audience',
      'clientId',
    ])
    expect(error.option).toContain('domain, scopeClaims')
  })

  it('reports every problem of an ID-token configuration at once', () => {
    const error = configError(() =>
      auth0({ issuer: 'http://evil.example/', tokenUse: 'id', audience: 'x', nonce: '' } as never),
    )
    expect(error.problems.map((line) => line.split(':')[0])).toEqual([
      'issuer',
      'audience',
      'clientId',
      'nonce',
    ])
  })
})

describe('auth0() checks as every provider makes them', () => {
  it('gives invalid_audience for a token of another API or another client, or naming none', async () => {
    const restricted = createVerifier(
      auth0({ domain: DOMAIN, audience: AUDIENCE, clientId: CLIENT_ID }),
    )
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'ok'],
      [{ aud: 'https://other.api' }, 'invalid_audience'],
      [{ azp: 'AnotherApplication01' }, 'invalid_audience'],
      [{ azp: undefined }, 'invalid_audience'],
    ]
    for (const [claims, code] of cases)
      expect(
        await outcome(restricted.verify(tenant.accessToken(claims))),
        JSON.stringify(claims),
      ).toBe(code)
  })

  it('runs its claim checks synchronously: no promise per cold verify', () => {
    const provider = auth0({ domain: DOMAIN, audience: AUDIENCE, clientId: CLIENT_ID })
    const issuer = provider.issuers as IssuerOptions
    const validate = issuer.validate as ClaimsCheck
    const claims = {
      iss: `https://${DOMAIN}/`,
      sub: 'auth0|1',
      aud: AUDIENCE,
      azp: CLIENT_ID,
      iat: now(),
      exp: now() + 60,
    }
    const context = { issuer: issuer.issuer, now: now(), clockTolerance: 5 }
    expect(validate(claims, { alg: 'RS256' }, context)).toBeUndefined()
    expect(() => validate({ ...claims, sub: '' }, { alg: 'RS256' }, context)).toThrow(
      expect.objectContaining({ code: 'invalid_claims' }),
    )
    const ids = auth0({ domain: DOMAIN, tokenUse: 'id', clientId: CLIENT_ID })
      .issuers as IssuerOptions
    expect(
      (ids.validate as ClaimsCheck)({ ...claims, aud: CLIENT_ID }, { alg: 'RS256' }, context),
    ).toBeUndefined()
    // An async app check still works: then, and only then, the check returns a promise.
    const slow = auth0({ domain: DOMAIN, audience: AUDIENCE, validate: async () => undefined })
    expect(
      (slow.issuers as IssuerOptions).validate?.(claims, { alg: 'RS256' }, context),
    ).toBeInstanceOf(Promise)
  })

  it('takes user.id from the userId claim and refuses a token without it, naming the claim only', async () => {
    const verifier = createVerifier(auth0({ domain: DOMAIN, audience: AUDIENCE, userId: 'email' }))
    const verified = await verifier.verify(tenant.accessToken({ email: 'ada@example.com' }))
    expect(verifier.user(verified).id).toBe('ada@example.com')
    const refused = await verifier.verify(tenant.accessToken()).catch((error: unknown) => error)
    expect(refused).toMatchObject({ code: 'invalid_claims' })
    expect((refused as Error).message).toMatch(
      /the email claim, which identifies the user \(userId\)/,
    )
    expect((refused as Error).message).not.toContain(tenant.user.sub)
    expect(await outcome(verifier.verify(tenant.accessToken({ email: '' })))).toBe('invalid_claims')
    const bySub = createVerifier(auth0({ domain: DOMAIN, audience: AUDIENCE }))
    expect(bySub.user(await bySub.verify(tenant.accessToken())).id).toBe(tenant.user.sub)
  })

  it('refuses tokens living longer than 30 days unless told otherwise', async () => {
    const month = 2_592_000
    const api = createVerifier(auth0({ domain: DOMAIN, audience: AUDIENCE }))
    const at = (lifetime: number, extra: Record<string, unknown> = {}) =>
      tenant.accessToken({ iat: now() - 10, exp: now() - 10 + lifetime, ...extra })
    expect(await outcome(api.verify(at(month)))).toBe('ok')
    const over = await api.verify(at(month + 1)).catch((error: unknown) => error)
    expect(over).toMatchObject({ code: 'invalid_claims' })
    expect((over as Error).message).toMatch(/2592000 s.*maxTokenLifetime/)
    expect(await outcome(api.verify(at(365 * 86_400)))).toBe('invalid_claims')
    // No iat: what is left of the token counts.
    expect(
      await outcome(api.verify(tenant.accessToken({ iat: undefined, exp: now() + month + 60 }))),
    ).toBe('invalid_claims')
    const hour = createVerifier(
      auth0({ domain: DOMAIN, audience: AUDIENCE, maxTokenLifetime: 3600 }),
    )
    expect(await outcome(hour.verify(at(3600)))).toBe('ok')
    expect(await outcome(hour.verify(at(3601)))).toBe('invalid_claims')
    const off = createVerifier(
      auth0({ domain: DOMAIN, audience: AUDIENCE, maxTokenLifetime: null }),
    )
    expect(await outcome(off.verify(at(365 * 86_400)))).toBe('ok')
    for (const bad of [0, -5, 1.5, Number.NaN, Infinity, '3600', false])
      expect(
        configError(() =>
          auth0({ domain: DOMAIN, audience: AUDIENCE, maxTokenLifetime: bad } as never),
        ).option,
      ).toBe('maxTokenLifetime')
  })
})

describe('auth0FromEnv() and the local dev issuer', () => {
  it('accepts dev tokens with AUTH0_ISSUER and AUTH0_AUDIENCE set to the dev values', async () => {
    server.close()
    const issuer = await startDevIssuer()
    try {
      const env = { AUTH0_ISSUER: `${issuer.url}/`, AUTH0_AUDIENCE: DEV_DEFAULTS.audience }
      const verifier = createVerifier(auth0FromEnv(env))
      const verified = await verifier.verify(
        issuer.mint({ shape: 'auth0', scopes: ['read:users'] }),
      )
      expect(verified.scopes).toContain('read:users')
      // AUTH0_JWKS_URI points the keys elsewhere: the dev issuer's set, named explicitly.
      const explicit = createVerifier(
        auth0FromEnv({ ...env, AUTH0_JWKS_URI: issuer.jwksUri('auth0') }),
      )
      await expect(explicit.verify(issuer.mint({ shape: 'auth0' }))).resolves.toBeDefined()
    } finally {
      await issuer.stop()
      server.listen({ onUnhandledRequest: 'error' })
    }
  })

  it('lists the problems of the variables and of the options in one ConfigError', () => {
    const error = configError(() =>
      auth0FromEnv({ AUTH0_DOMAIN: 'https://acme.eu.auth0.com' }, {
        groupClaim: 'roles',
        userId: '',
      } as never),
    )
    expect(error.problems).toEqual([
      'AUTH0_DOMAIN: must be a bare host such as acme.eu.auth0.com, without a scheme (drop "https://")',
      'AUTH0_AUDIENCE: is required',
      'groupClaim: is not an option of auth0(); did you mean groupClaims?',
      'userId: must be a claim name, such as sub or email',
    ])
    const ids = configError(() =>
      auth0FromEnv({ AUTH0_DOMAIN: DOMAIN }, { tokenUse: 'id', nonce: '' }),
    )
    expect(ids.problems).toEqual([
      'AUTH0_CLIENT_ID: is required for ID tokens',
      'nonce: must be a non-empty string',
    ])
  })

  it('checks AUTH0_JWKS_URI and refuses options the environment gives', () => {
    const error = configError(() =>
      auth0FromEnv(
        {
          AUTH0_DOMAIN: DOMAIN,
          AUDIENCE: 'x',
          AUTH0_AUDIENCE: AUDIENCE,
          AUTH0_JWKS_URI: 'http://keys.example/jwks',
        },
        { domain: 'other.auth0.com', audience: 'x', jwksUri: 'https://keys.example/jwks' } as never,
      ),
    )
    expect(error.problems).toEqual([
      'domain: is read from AUTH0_DOMAIN, not from options',
      'audience: is read from AUTH0_AUDIENCE, not from options',
      'AUTH0_JWKS_URI: must use https (http only for 127.0.0.1, localhost or [::1])',
      'AUTH0_JWKS_URI: is set while jwksUri is given in code: keep one',
    ])
  })
})
