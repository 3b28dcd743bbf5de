import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { ConfigError, createVerifier } from '@cloudauth/core'
import { extractToken } from '@cloudauth/core/binding'
import { cloudauthFromEnv } from '@cloudauth/env'
import { hashServiceToken } from '@cloudauth/principals'
import { auth0Preset, cognitoPreset, generateTestKey } from '@cloudauth/testing'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const P = 'APP__AUTH__'
const primary = cognitoPreset({ userPoolId: 'eu-west-1_Primary1', clientId: 'webclient1' })
const secondary = cognitoPreset({
  userPoolId: 'us-east-1_Second2',
  clientId: 'webclient2',
  key: generateTestKey('RS256'),
})
const tenantA = auth0Preset({
  domain: 'acme.eu.auth0.com',
  audience: 'https://api.acme.com',
  clientId: 'a',
})
const tenantB = auth0Preset({
  domain: 'acme-us.us.auth0.com',
  audience: 'https://api.acme.com',
  clientId: 'b',
  key: generateTestKey('RS256'),
})

const SERVICE_TOKEN = 'svc-T0ken-0123456789abcdefghijklmnopqrstuv'
const server = setupServer(
  ...primary.handlers,
  ...secondary.handlers,
  ...tenantA.handlers,
  ...tenantB.handlers,
  http.post('https://secretsmanager.eu-west-1.amazonaws.com/', async ({ request }) => {
    const { SecretId, VersionStage } = (await request.json()) as {
      SecretId: string
      VersionStage: string
    }
    const headers = { 'content-type': 'application/x-amz-json-1.1' }
    if (SecretId !== 'prod/services/billing' || VersionStage !== 'AWSCURRENT')
      return HttpResponse.json(
        { __type: 'ResourceNotFoundException', message: 'none' },
        { status: 400, headers },
      )
    return HttpResponse.json(
      { Name: SecretId, SecretString: JSON.stringify({ token: SERVICE_TOKEN, id: 'svc-billing' }) },
      { headers },
    )
  }),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

const cognitoEnv = {
  [`${P}PROVIDER`]: 'cognito',
  [`${P}COGNITO__TOKEN_USE`]: 'access',
  [`${P}COGNITO__POOLS__PRIMARY__USER_POOL_ID`]: primary.userPoolId,
  [`${P}COGNITO__POOLS__PRIMARY__CLIENT_ID`]: primary.clientId,
  [`${P}COGNITO__POOLS__PRIMARY__DOMAIN`]: 'acme.auth.eu-west-1.amazoncognito.com',
  [`${P}COGNITO__POOLS__SECONDARY__USER_POOL_ID`]: secondary.userPoolId,
  [`${P}COGNITO__POOLS__SECONDARY__CLIENT_ID`]: secondary.clientId,
  [`${P}COGNITO__POOLS__SECONDARY__REGION`]: 'us-east-1',
}

const sm = () =>
  new SecretsManagerClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
    maxAttempts: 1,
  })

function problemsOf(build: () => unknown): readonly string[] {
  try {
    build()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).problems
  }
  throw new Error('expected a ConfigError')
}

const headers = (pairs: Record<string, string>) => ({
  header: (n: string) => new Headers(pairs).get(n) ?? undefined,
})

describe('cloudauthFromEnv', () => {
  it('builds Cognito with several pools; a token of the SECONDARY pool is accepted (smac never used it)', async () => {
    const built = cloudauthFromEnv({ prefix: P, env: cognitoEnv })
    const verifier = createVerifier(built.source)
    await expect(verifier.verify(primary.accessToken())).resolves.toMatchObject({
      issuer: primary.issuer,
    })
    await expect(verifier.verify(secondary.accessToken())).resolves.toMatchObject({
      issuer: secondary.issuer,
    })
    await expect(verifier.verify(secondary.idToken())).rejects.toMatchObject({
      code: 'invalid_token_use',
    })
    expect(built.login).toEqual({
      authorizationUrl: 'https://acme.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
      tokenUrl: 'https://acme.auth.eu-west-1.amazoncognito.com/oauth2/token',
      clientId: 'webclient1',
    })
    expect(built.options.services).toBeUndefined()
    expect(
      extractToken(headers({ authorization: 'Bearer abc.def.ghi' }), built.options.tokenFrom),
    ).toBe('abc.def.ghi')
  })

  it("takes the user's id from the USER_ID claim (smac's USER_ID), in every provider", async () => {
    const built = cloudauthFromEnv({
      prefix: P,
      env: { ...cognitoEnv, [`${P}COGNITO__TOKEN_USE`]: 'id', [`${P}USER_ID`]: 'email' },
    })
    expect(built.userId).toBe('email')
    const verifier = createVerifier(built.source)
    const verified = await verifier.verify(primary.idToken({ email: 'ada@example.com' }))
    expect(verifier.user(verified).id).toBe('ada@example.com')
    await expect(verifier.verify(primary.idToken({ email: undefined }))).rejects.toMatchObject({
      code: 'invalid_claims',
    })
    const auth0Built = cloudauthFromEnv({
      prefix: P,
      env: {
        [`${P}PROVIDER`]: 'auth0',
        [`${P}USER_ID`]: 'https://acme.com/uid',
        [`${P}AUTH0__TENANTS__PRIMARY__DOMAIN`]: tenantA.domain,
        [`${P}AUTH0__TENANTS__PRIMARY__AUDIENCE`]: tenantA.audience,
      },
    })
    const auth0Verifier = createVerifier(auth0Built.source)
    const token = tenantA.accessToken({ 'https://acme.com/uid': 'u-42' })
    expect(auth0Verifier.user(await auth0Verifier.verify(token)).id).toBe('u-42')
  })

  it('reads scopes and groups from the claims named by SCOPE_CLAIM and GROUP_CLAIM', async () => {
    const built = cloudauthFromEnv({
      prefix: P,
      env: {
        ...cognitoEnv,
        [`${P}COGNITO__SCOPE_CLAIM`]: 'cognito:groups',
        [`${P}COGNITO__GROUP_CLAIM`]: 'custom:roles, custom:teams',
      },
    })
    const verified = await createVerifier(built.source).verify(
      primary.accessToken({
        scope: 'ignored',
        'cognito:groups': ['read:users'],
        'custom:roles': ['admin'],
        'custom:teams': ['ops'],
      }),
    )
    expect(verified.scopes).toEqual(['read:users'])
    expect(verified.groups).toEqual(['admin', 'ops'])
  })

  it('reads the token from a header with a prefix of your choosing, then a cookie', () => {
    const { options } = cloudauthFromEnv({
      prefix: P,
      env: {
        ...cognitoEnv,
        [`${P}TOKEN__HEADER__NAME`]: 'X-Auth',
        [`${P}TOKEN__HEADER__PREFIX`]: 'JWT',
        [`${P}TOKEN__COOKIE`]: 'access_token',
      },
    })
    expect(extractToken(headers({ 'x-auth': 'JWT abc.def.ghi' }), options.tokenFrom)).toBe(
      'abc.def.ghi',
    )
    expect(extractToken(headers({ cookie: 'access_token=a.b.c' }), options.tokenFrom)).toBe('a.b.c')
    expect(() => extractToken(headers({ 'x-auth': 'JWT a b' }), options.tokenFrom)).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    )
  })

  it('builds service principals on Secrets Manager', async () => {
    const { options } = cloudauthFromEnv({
      prefix: P,
      env: {
        ...cognitoEnv,
        [`${P}SERVICES__ID_HEADER`]: 'SMAC-Principal',
        [`${P}SERVICES__TOKEN_HEADER`]: 'SMAC-Token',
        [`${P}SERVICES__SOURCE`]: 'secrets-manager',
        [`${P}SERVICES__SECRETS_MANAGER__PREFIX`]: 'prod/services/',
        [`${P}SERVICES__SECRETS_MANAGER__TTL_SECONDS`]: '60',
      },
      secretsManagerClient: sm(),
    })
    const view = (id: string, token: string) => {
      const h = new Headers({ 'smac-principal': id, 'smac-token': token })
      return {
        header: (n: string) => h.get(n) ?? undefined,
        headerCount: (n: string) => (h.has(n) ? 1 : 0),
      }
    }
    await expect(
      options.services?.authenticate(view('billing', SERVICE_TOKEN)),
    ).resolves.toMatchObject({
      kind: 'service',
      id: 'svc-billing',
    })
    await expect(options.services?.authenticate(view('billing', 'wrong'))).rejects.toMatchObject({
      code: 'invalid_service_credentials',
    })
  })

  it('builds static service principals from hashed tokens', async () => {
    const { options } = cloudauthFromEnv({
      prefix: P,
      env: {
        ...cognitoEnv,
        [`${P}SERVICES__ID_HEADER`]: 'X-Service-Id',
        [`${P}SERVICES__TOKEN_HEADER`]: 'X-Service-Token',
        [`${P}SERVICES__SOURCE`]: 'static',
        [`${P}SERVICES__STATIC__BILLING__TOKEN_HASH`]: hashServiceToken(SERVICE_TOKEN),
      },
    })
    const h = new Headers({ 'x-service-id': 'billing', 'x-service-token': SERVICE_TOKEN })
    await expect(
      options.services?.authenticate({
        header: (n) => h.get(n) ?? undefined,
        headerCount: (n) => (h.has(n) ? 1 : 0),
      }),
    ).resolves.toMatchObject({ id: 'billing' })
  })

  it('builds Auth0 with several tenants: tokens of each are accepted', async () => {
    const built = cloudauthFromEnv({
      prefix: P,
      env: {
        [`${P}PROVIDER`]: 'auth0',
        [`${P}AUTH0__TENANTS__PRIMARY__DOMAIN`]: tenantA.domain,
        [`${P}AUTH0__TENANTS__PRIMARY__AUDIENCE`]: tenantA.audience,
        [`${P}AUTH0__TENANTS__PRIMARY__CLIENT_ID`]: tenantA.clientId,
        [`${P}AUTH0__TENANTS__US__DOMAIN`]: tenantB.domain,
        [`${P}AUTH0__TENANTS__US__AUDIENCE`]: tenantB.audience,
      },
    })
    const verifier = createVerifier(built.source)
    await expect(verifier.verify(tenantA.accessToken())).resolves.toMatchObject({
      issuer: tenantA.issuer,
    })
    await expect(verifier.verify(tenantB.accessToken())).resolves.toMatchObject({
      issuer: tenantB.issuer,
    })
    await expect(
      verifier.verify(tenantB.accessToken({ aud: 'https://other' })),
    ).rejects.toMatchObject({
      code: 'invalid_audience',
    })
    expect(built.login).toEqual({
      authorizationUrl: `https://${tenantA.domain}/authorize`,
      tokenUrl: `https://${tenantA.domain}/oauth/token`,
      clientId: tenantA.clientId,
    })
  })

  it('builds Firebase', () => {
    const built = cloudauthFromEnv({
      prefix: P,
      env: { [`${P}PROVIDER`]: 'firebase', [`${P}FIREBASE__PROJECT_ID`]: 'my-project' },
    })
    expect(built.source.provider).toBe('firebase')
    expect(built.login).toBeUndefined()
  })

  it('reports every problem at once: unknown names with the nearest, wrong types, missing values, provider rules', () => {
    const SECRET = 'sup3r-s3cret-value-that-must-not-leak'
    const problems = problemsOf(() =>
      cloudauthFromEnv({
        prefix: P,
        env: {
          [`${P}PROVIDER`]: 'cognito',
          [`${P}COGNITO__TOKEN_USE`]: 'both',
          [`${P}COGNITO__POOLS__PRIMARY__USERPOOL_ID`]: SECRET,
          [`${P}COGNITO__POOLS__PRIMARY__CLIENT_ID`]: 'webclient1',
          [`${P}COGNITO__CHECK_EXPIRATION`]: 'false',
          [`${P}SERVICES__ID_HEADER`]: 'bad header',
          [`${P}SERVICES__TOKEN_HEADER`]: 'X-Token',
          [`${P}SERVICES__SOURCE`]: 'secrets-manager',
          [`${P}SERVICES__SECRETS_MANAGER__TTL_SECONDS`]: SECRET,
          [`${P}AUTH0__TENANTS__A__DOMAIN`]: 'x.auth0.com',
          [`${P}USRE_ID`]: 'email',
          [`${P}TOKEN`]: SECRET,
          [`${P}TOKEN__COOKIE`]: 'session',
          OTHER_APP__VALUE: 'ignored',
        },
      }),
    )
    expect(problems).toEqual([
      `${P}TOKEN__COOKIE: clashes with another name: a name cannot hold a value and names under it`,
      `${P}USRE_ID: is not a name cloudauth knows; did you mean ${P}USER_ID?`,
      `${P}TOKEN: is a group of names: set the names under it, not a value`,
      `${P}COGNITO__TOKEN_USE: must be one of access, id, any`,
      `${P}COGNITO__POOLS__PRIMARY__USER_POOL_ID: is required`,
      `${P}COGNITO__POOLS__PRIMARY__USERPOOL_ID: is not a name cloudauth knows; did you mean ${P}COGNITO__POOLS__PRIMARY__USER_POOL_ID?`,
      `${P}COGNITO__CHECK_EXPIRATION: is not supported: token expiry is always checked (smac's CHECK_EXPIRATION has no equivalent)`,
      `${P}SERVICES__ID_HEADER: must be a valid HTTP header name`,
      `${P}SERVICES__SECRETS_MANAGER__TTL_SECONDS: must be a whole number of seconds`,
      `${P}AUTH0: names are set, but PROVIDER is cognito`,
    ])
    expect(problems.join('\n')).not.toContain(SECRET)
  })

  it('passes the provider factory problems on under the variable names', () => {
    const problems = problemsOf(() =>
      cloudauthFromEnv({
        prefix: P,
        env: {
          ...cognitoEnv,
          [`${P}COGNITO__POOLS__SECONDARY__USER_POOL_ID`]: 'not-a-pool-id',
          [`${P}COGNITO__ENDPOINT`]: 'http://cognito.internal:9229',
          [`${P}SERVICES__ID_HEADER`]: 'X-Id',
          [`${P}SERVICES__TOKEN_HEADER`]: 'X-Token',
          [`${P}SERVICES__SOURCE`]: 'static',
          [`${P}SERVICES__STATIC__BILLING__TOKEN_HASH`]: SERVICE_TOKEN,
        },
      }),
    )
    expect(problems).toContain(
      `${P}COGNITO__ENDPOINT: must use https (http only for 127.0.0.1, localhost or [::1])`,
    )
    expect(
      problems.some((p) => p.startsWith(`${P}COGNITO__POOLS__SECONDARY__USER_POOL_ID: `)),
    ).toBe(true)
    expect(problems).toContain(
      `${P}SERVICES__STATIC__BILLING__TOKEN_HASH: must be a hash from hashServiceToken() ('sha256:' and 64 hex digits), never the token itself`,
    )
    expect(problems.join('\n')).not.toContain(SERVICE_TOKEN)
  })

  it('requires a provider and its pools', () => {
    expect(problemsOf(() => cloudauthFromEnv({ prefix: P, env: {} }))).toEqual([
      `${P}PROVIDER: is required: cognito, auth0 or firebase`,
    ])
    expect(
      problemsOf(() => cloudauthFromEnv({ prefix: P, env: { [`${P}PROVIDER`]: 'cognito' } })),
    ).toEqual([
      `${P}COGNITO__TOKEN_USE: is required: access, id or any`,
      `${P}COGNITO__POOLS__PRIMARY__USER_POOL_ID: is required: at least one user pool (with its CLIENT_ID)`,
    ])
  })
})
