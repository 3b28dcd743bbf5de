/**
 * The login mounted in each binding in one line (`auth.mount(login.routes)`), with `session(login)`
 * as the token source of every helper: Hono through `app.request()`, Express through a real server
 * on 127.0.0.1, both against the real dev issuer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { Hono } from 'hono'
import express from 'express'
import { cognito } from '@cloudauth/cognito'
import { cloudauth as honoAuth } from '@cloudauth/hono'
import { cloudauth as expressAuth } from '@cloudauth/express'
import { DEV_DEFAULTS, startDevIssuer, type DevIssuer } from '@cloudauth/testing'
import { cognitoHostedUi, createLogin, session, type Login } from '../src/index.js'
import { Jar, SECRET_A, signInAtDevIssuer } from './helpers.js'

let issuer: DevIssuer

beforeAll(async () => {
  // Tokens of 30 s: inside the refresh leeway, so every request refreshes and rotates the cookie.
  issuer = await startDevIssuer({ loginTokenSeconds: 30 })
})
afterAll(async () => {
  await issuer.stop()
})

function makeLogin(origin: string): Login {
  return createLogin({
    issuer: cognitoHostedUi({ domain: issuer.url, issuer: issuer.issuer('cognito') }),
    clientId: DEV_DEFAULTS.clientId,
    redirectUri: `${origin}/auth/callback`,
    secrets: [SECRET_A],
  })
}

const provider = () =>
  cognito({
    userPoolId: DEV_DEFAULTS.userPoolId,
    clientId: DEV_DEFAULTS.clientId,
    endpoint: issuer.url,
    tokenUse: 'access',
  })

type Send = (
  path: string,
  init?: { method?: string; cookie?: string; origin?: string },
) => Promise<Response>

/** The same scenario for each binding. */
async function scenario(origin: string, send: Send): Promise<void> {
  const jar = new Jar()
  const go = async (path: string, method = 'GET') => {
    const response = await send(path, {
      method,
      cookie: jar.header(),
      ...(method === 'GET' ? {} : { origin }),
    })
    jar.absorb(response)
    return response
  }
  // No session: the API answers 401, the browser page sends to the login page.
  expect((await go('/api/me')).status).toBe(401)
  const page = await go('/profile?tab=1')
  expect(page.status).toBe(302)
  expect(page.headers.get('location')).toBe('/auth/login?returnTo=%2Fprofile%3Ftab%3D1')

  // The mounted routes run the login.
  const start = await go(page.headers.get('location')!)
  expect(start.status).toBe(302)
  const back = await signInAtDevIssuer(start.headers.get('location')!, 'dana')
  const done = await go(back.pathname + back.search)
  expect(done.status).toBe(302)
  expect(done.headers.get('location')).toBe('/profile?tab=1')

  // Every helper reads the token from the session; the refresh rotates the cookie on the answer.
  const before = jar.cookies.get('cloudauth.session')
  const me = await go('/api/me')
  expect(me.status).toBe(200)
  expect(((await me.json()) as { username: string }).username).toBe('dana')
  expect(me.headers.getSetCookie().some((c) => c.startsWith('cloudauth.session='))).toBe(true)
  expect(jar.cookies.get('cloudauth.session')).not.toBe(before)
  expect((await go('/profile')).status).toBe(200)
  expect(((await (await go('/auth/me')).json()) as { email: string }).email).toBe(
    'dana@example.com',
  )

  // Logout through the mounted route; the session is gone for every helper.
  expect((await go('/auth/logout', 'POST')).status).toBe(303)
  expect((await go('/api/me')).status).toBe(401)
  // Other routes fall through the mount.
  expect((await go('/health')).status).toBe(200)
}

describe('Hono', () => {
  it('mounts the login in one line and reads the token from the session', async () => {
    const origin = 'http://127.0.0.1:3000'
    const login = makeLogin(origin)
    const api = honoAuth(provider(), { tokenFrom: [session(login)] })
    const browser = honoAuth(provider(), {
      tokenFrom: [session(login)],
      // Browser pages: a 401 becomes a trip to the login page.
      unauthenticated: (request) => login.redirectToLogin(request),
    })
    const app = new Hono()
    app.use(api.mount(login.routes))
    app.get('/api/me', api.verify(), (c) => c.json({ username: c.get('auth').claims['username'] }))
    app.get('/profile', browser.verify(), (c) => c.text('profile'))
    app.get('/health', (c) => c.text('ok'))
    await scenario(origin, (path, init = {}) => {
      const headers = new Headers()
      if (init.cookie) headers.set('cookie', init.cookie)
      if (init.origin) headers.set('origin', init.origin)
      return Promise.resolve(
        app.request(`${origin}${path}`, { method: init.method ?? 'GET', headers }),
      )
    })
  })
})

describe('Express', () => {
  let server: Server
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('mounts the login in one line and reads the token from the session', async () => {
    const app = express()
    server = app.listen(0, '127.0.0.1')
    await new Promise<void>((resolve) => server.once('listening', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const login = makeLogin(origin)
    const api = expressAuth(provider(), { tokenFrom: [session(login)] })
    const browser = expressAuth(provider(), {
      tokenFrom: [session(login)],
      unauthenticated: (request) => login.redirectToLogin(request),
    })
    app.use(api.mount(login.routes))
    const verify = api.verify()
    app.get('/api/me', verify, (req, res) => {
      res.json({ username: verify.get(req).claims['username'] })
    })
    app.get('/profile', browser.verify(), (_req, res) => {
      res.send('profile')
    })
    app.get('/health', (_req, res) => {
      res.send('ok')
    })
    await scenario(origin, (path, init = {}) => {
      const headers = new Headers()
      if (init.cookie) headers.set('cookie', init.cookie)
      if (init.origin) headers.set('origin', init.origin)
      return fetch(`${origin}${path}`, {
        method: init.method ?? 'GET',
        headers,
        redirect: 'manual',
      })
    })
  })
})
