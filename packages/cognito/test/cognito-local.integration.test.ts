/**
 * Verifies real tokens from cognito-local (an offline Cognito user pool emulator, see
 * ../../../shared/EMULATORS.md): the emulator is started on a free 127.0.0.1 port in a temporary
 * directory, driven through the AWS SDK's Cognito client, and stopped afterwards.
 */
import { execFile } from 'node:child_process'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createVerifier } from '@cloudauth/core'
import { startCognitoLocal, type CognitoLocal } from '@cloudauth/test-servers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cognito } from '../src/index.js'

const SEED = fileURLToPath(new URL('./cognito-local-seed.mjs', import.meta.url))

/** What cognito-local-seed.mjs prints. */
interface Seed {
  readonly email: string
  readonly poolId: string
  readonly clientId: string
  readonly shortClientId: string
  readonly otherPoolId: string
  readonly otherClientId: string
  readonly tokens: Tokens
  readonly shortTokens: Tokens
  readonly otherPoolTokens: Tokens
}
interface Tokens {
  readonly access: string
  readonly id: string
}

let emulator: CognitoLocal | undefined
let endpoint = ''
let seed: Seed

beforeAll(async () => {
  emulator = await startCognitoLocal()
  endpoint = emulator.endpoint
  // A plain node process: see the note at the top of cognito-local-seed.mjs.
  const { stdout } = await promisify(execFile)(process.execPath, [SEED, endpoint], {
    cwd: dirname(SEED),
    env: { PATH: process.env.PATH ?? '' },
    timeout: 20_000,
  })
  seed = JSON.parse(stdout) as Seed
}, 25_000)

afterAll(async () => {
  await emulator?.stop()
})

describe('cognito() against cognito-local', () => {
  it('verifies a real access token, groups included', async () => {
    const verifier = createVerifier(
      cognito({ userPoolId: seed.poolId, clientId: seed.clientId, tokenUse: 'access', endpoint }),
    )
    expect(seed.poolId).toMatch(/^local_/)
    const verified = await verifier.verify(seed.tokens.access)
    expect(verified.issuer).toBe(`${endpoint}/${seed.poolId}`)
    expect(verified.header).toMatchObject({ alg: 'RS256', kid: 'CognitoLocal' })
    expect(verified.claims).toMatchObject({ token_use: 'access', client_id: seed.clientId })
    expect('aud' in verified.claims).toBe(false)
    expect(verified.scopes).toEqual(['aws.cognito.signin.user.admin'])
    expect([...verified.groups].sort()).toEqual(['admins', 'readers'])
    const user = verifier.user(verified)
    expect(user).toMatchObject({ kind: 'user', provider: 'cognito', id: verified.claims.sub })
    expect(user.username).toBe(verified.claims.username)
  })

  it('verifies a real ID token and maps its user', async () => {
    const verifier = createVerifier(
      cognito({ userPoolId: seed.poolId, clientId: seed.clientId, tokenUse: 'id', endpoint }),
    )
    const verified = await verifier.verify(seed.tokens.id)
    expect(verified.claims).toMatchObject({
      token_use: 'id',
      aud: seed.clientId,
      email: seed.email,
    })
    const user = verifier.user(verified)
    expect(user).toMatchObject({
      kind: 'user',
      id: verified.claims.sub,
      username: verified.claims['cognito:username'],
      email: seed.email,
      emailVerified: true,
      provider: 'cognito',
    })
    expect([...user.groups].sort()).toEqual(['admins', 'readers'])
  })

  it('gives groups as scopes with scopeClaims cognito:groups (fastapi-cloudauth)', async () => {
    const verifier = createVerifier(
      cognito({
        userPoolId: seed.poolId,
        clientId: seed.clientId,
        tokenUse: 'access',
        endpoint,
        scopeClaims: 'cognito:groups',
      }),
    )
    expect([...(await verifier.verify(seed.tokens.access)).scopes].sort()).toEqual([
      'admins',
      'readers',
    ])
  })

  it('rejects the ID token where an access token is expected, and the reverse', async () => {
    const access = createVerifier(
      cognito({ userPoolId: seed.poolId, clientId: seed.clientId, tokenUse: 'access', endpoint }),
    )
    const id = createVerifier(
      cognito({ userPoolId: seed.poolId, clientId: seed.clientId, tokenUse: 'id', endpoint }),
    )
    await expect(access.verify(seed.tokens.id)).rejects.toMatchObject({ code: 'invalid_token_use' })
    await expect(id.verify(seed.tokens.access)).rejects.toMatchObject({ code: 'invalid_token_use' })
  })

  it("rejects another app client's tokens", async () => {
    const verifier = createVerifier(
      cognito({ userPoolId: seed.poolId, clientId: seed.clientId, tokenUse: null, endpoint }),
    )
    await expect(verifier.verify(seed.shortTokens.access)).rejects.toMatchObject({
      code: 'invalid_audience',
    })
    await expect(verifier.verify(seed.shortTokens.id)).rejects.toMatchObject({
      code: 'invalid_audience',
    })
  })

  it("rejects another pool's tokens, and accepts them when both pools are configured", async () => {
    const one = createVerifier(
      cognito({ userPoolId: seed.poolId, clientId: seed.clientId, tokenUse: 'access', endpoint }),
    )
    await expect(one.verify(seed.otherPoolTokens.access)).rejects.toMatchObject({
      code: 'invalid_issuer',
    })
    const both = createVerifier(
      cognito({
        tokenUse: 'access',
        endpoint,
        pools: [
          { userPoolId: seed.poolId, clientId: seed.clientId },
          { userPoolId: seed.otherPoolId, clientId: seed.otherClientId },
        ],
      }),
    )
    expect((await both.verify(seed.tokens.access)).issuer).toBe(`${endpoint}/${seed.poolId}`)
    expect((await both.verify(seed.otherPoolTokens.access)).issuer).toBe(
      `${endpoint}/${seed.otherPoolId}`,
    )
  })

  it('rejects a short-lived access token once it has expired', async () => {
    // The token lives 2 s and may be older than that by now: start the verifier's clock at its iat.
    const [, payload = ''] = seed.shortTokens.access.split('.')
    const { iat, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      iat: number
      exp: number
    }
    expect(exp - iat).toBe(2)
    let clock = iat * 1000
    const verifier = createVerifier(
      cognito({
        userPoolId: seed.poolId,
        clientId: seed.shortClientId,
        tokenUse: 'access',
        endpoint,
        clockTolerance: 0,
        now: () => clock,
      }),
    )
    const verified = await verifier.verify(seed.shortTokens.access)
    expect(verified.claims.exp).toBe(exp)
    // Move the verifier's clock past exp instead of sleeping; the cached result must not survive.
    clock = verified.claims.exp * 1000 + 1
    await expect(verifier.verify(seed.shortTokens.access)).rejects.toMatchObject({
      code: 'token_expired',
    })
  })
})
