/**
 * The MFA routes mounted in each binding with `auth.mount(handler)`: the access token in the
 * request's Authorization header reaches AssociateSoftwareToken, and nothing in the body does.
 * Hono through `app.request()`, Express through a real server on 127.0.0.1; Cognito is msw at
 * its real URL.
 */
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { cloudauth as expressAuth } from '@cloudauth/express'
import { cloudauth as honoAuth } from '@cloudauth/hono'
import express from 'express'
import { Hono } from 'hono'
import { http, passthrough } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cognito } from '@cloudauth/cognito'
import { cognitoUserApi, cognitoUserRoutes } from '@cloudauth/cognito/user-api'
import { useMswServer } from '../setup-msw.js'
import { REGION, fakeAccessToken, fakeCognito } from './aws.js'

const server = useMswServer()
const POOL = `${REGION}_AbCdEf123`
const CLIENT_ID = '1example23456789'
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
const ACCESS = fakeAccessToken('user-uuid-1')

const routes = () =>
  cognitoUserRoutes(
    cognitoUserApi({ userPoolId: POOL, clientId: CLIENT_ID, maxAttempts: 1, totpIssuer: 'Shop' }),
  )
const source = () => cognito({ userPoolId: POOL, clientId: CLIENT_ID, tokenUse: 'access' })
const request = {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${ACCESS}` },
  body: JSON.stringify({ accountName: 'alice', accessToken: fakeAccessToken('mallory') }),
}
const expected = {
  secretCode: SECRET,
  otpauthUri: `otpauth://totp/Shop:alice?secret=${SECRET}&issuer=Shop&algorithm=SHA1&digits=6&period=30`,
}

describe('Hono', () => {
  it('POST /cognito/mfa/software-token associates for the Bearer token', async () => {
    const cognitoApi = fakeCognito(() => ({ json: { SecretCode: SECRET } }))
    server.use(cognitoApi.handler)
    const app = new Hono()
    app.use(honoAuth(source()).mount(routes()))
    const answer = await app.request('https://app.example.com/cognito/mfa/software-token', request)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('cache-control')).toBe('no-store')
    expect(await answer.json()).toEqual(expected)
    expect(cognitoApi.calls).toEqual([
      { operation: 'AssociateSoftwareToken', body: { AccessToken: ACCESS } },
    ])
  })
})

describe('Express', () => {
  let listening: Server
  let base = ''
  beforeAll(async () => {
    const app = express()
    app.use(expressAuth(source()).mount(routes()))
    listening = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
    })
    base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => listening.close(resolve))
  })

  it('POST /cognito/mfa/software-token associates for the Bearer token; none is 400', async () => {
    const cognitoApi = fakeCognito(() => ({ json: { SecretCode: SECRET } }))
    server.use(
      http.all(`${base}/*`, () => passthrough()),
      cognitoApi.handler,
    )
    const answer = await fetch(`${base}/cognito/mfa/software-token`, request)
    expect(answer.status).toBe(200)
    expect(await answer.json()).toEqual(expected)
    const anonymous = await fetch(`${base}/cognito/mfa/software-token`, {
      ...request,
      headers: { 'content-type': 'application/json' },
    })
    expect(anonymous.status).toBe(400)
    expect(cognitoApi.calls).toEqual([
      { operation: 'AssociateSoftwareToken', body: { AccessToken: ACCESS } },
    ])
  })
})
