/**
 * The Cognito user API routes mounted in each binding with `auth.mount(handler)`: Hono through
 * `app.request()`, Express through a real server on 127.0.0.1. Cognito is msw at its real URL;
 * the tokens it hands out are the pool's (cognitoPreset), so the app's `auth.user()` accepts them.
 */
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { cloudauth as expressAuth } from '@cloudauth/express'
import { cloudauth as honoAuth } from '@cloudauth/hono'
import { cognitoPreset } from '@cloudauth/testing'
import express from 'express'
import { Hono } from 'hono'
import { http, passthrough } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cognito } from '@cloudauth/cognito'
import { cognitoUserApi, cognitoUserRoutes } from '@cloudauth/cognito/user-api'
import { useMswServer } from '../setup-msw.js'
import { REGION, fakeCognito } from './aws.js'

const pool = cognitoPreset({ userPoolId: `${REGION}_AbCdEf123`, clientId: '1example23456789' })
const server = useMswServer()
const PASSWORD = 'Correct-Horse-42!'

function signedIn() {
  return fakeCognito(({ body }) => {
    const params = body.AuthParameters as Record<string, string>
    if (params.PASSWORD !== PASSWORD) return { error: 'NotAuthorizedException' }
    return {
      json: {
        AuthenticationResult: {
          AccessToken: pool.accessToken(),
          IdToken: pool.idToken(),
          RefreshToken: 'refresh-token-value',
          ExpiresIn: 3600,
          TokenType: 'Bearer',
        },
      },
    }
  })
}

const routes = () =>
  cognitoUserRoutes(
    cognitoUserApi({ userPoolId: pool.userPoolId, clientId: pool.clientId, maxAttempts: 1 }),
  )
const source = () =>
  cognito({ userPoolId: pool.userPoolId, clientId: pool.clientId, tokenUse: 'access' })

describe('Hono: app.use(auth.mount(cognitoUserRoutes(users)))', () => {
  it('signs in through the mounted route, and the token opens auth.user()', async () => {
    server.use(pool.handler, signedIn().handler)
    const auth = honoAuth(source())
    const app = new Hono()
    app.use(auth.mount(routes()))
    app.get('/api/me', auth.user(), (c) => c.json({ id: c.get('user').id }))
    app.get('/other', (c) => c.text('fell through'))

    const login = await app.request('https://app.example.com/cognito/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: PASSWORD }),
    })
    expect(login.status).toBe(200)
    const { tokens } = (await login.json()) as { tokens: { accessToken: string } }
    const me = await app.request('https://app.example.com/api/me', {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    })
    expect(me.status).toBe(200)
    expect(await me.json()).toEqual({ id: pool.user.sub })
    expect(await (await app.request('https://app.example.com/other')).text()).toBe('fell through')
    const wrong = await app.request('https://app.example.com/cognito/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'nope' }),
    })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toMatchObject({ error: 'not_authorized' })
  })
})

describe('Express: app.use(auth.mount(cognitoUserRoutes(users)))', () => {
  let listening: Server
  let base = ''
  beforeAll(async () => {
    const auth = expressAuth(source())
    const app = express()
    app.use(auth.mount(routes()))
    const user = auth.user()
    app.get('/api/me', user, (req, res) => {
      res.json({ id: user.get(req).id })
    })
    listening = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
    })
    base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => listening.close(resolve))
  })

  it('signs in, answers a bad body 400, and the token opens auth.user()', async () => {
    server.use(
      http.all(`${base}/*`, () => passthrough()),
      pool.handler,
      signedIn().handler,
    )
    const login = await fetch(`${base}/cognito/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: PASSWORD }),
    })
    expect(login.status).toBe(200)
    expect(login.headers.get('cache-control')).toBe('no-store')
    const { tokens } = (await login.json()) as { tokens: { accessToken: string } }
    const me = await fetch(`${base}/api/me`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    })
    expect(await me.json()).toEqual({ id: pool.user.sub })
    const bad = await fetch(`${base}/cognito/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice' }),
    })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({
      error: 'invalid_request',
      fields: [{ path: 'password' }],
    })
  })
})
