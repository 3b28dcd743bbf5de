import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVerifier } from '@cloudauth/core'
import { DEV_DEFAULTS, startDevIssuer, type DevIssuer } from '@cloudauth/testing'
import { cognito } from '@cloudauth/cognito'

describe('cognito() against the local dev issuer', () => {
  let issuer: DevIssuer
  beforeAll(async () => {
    issuer = await startDevIssuer()
  })
  afterAll(async () => {
    await issuer.stop()
  })

  it('accepts the dev defaults as they are and verifies a dev token', async () => {
    const verifier = createVerifier(
      cognito({
        userPoolId: DEV_DEFAULTS.userPoolId,
        clientId: DEV_DEFAULTS.clientId,
        endpoint: issuer.url,
        tokenUse: 'access',
      }),
    )
    const token = issuer.mint({ shape: 'cognito', scopes: ['read:users'], groups: ['admin'] })
    const verified = await verifier.verify(token)
    expect(verified.scopes).toContain('read:users')
    expect(verified.groups).toEqual(['admin'])
  })
})
