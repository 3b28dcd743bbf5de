/**
 * Firebase session login mounted in each binding with `auth.mount(handler)`: the cookie set by
 * `POST /auth/session-login` is read back by `cookie('__session')` and verified by
 * `firebase({ sessionCookie: true })` on a protected route; logout clears it. Hono through
 * `app.request()`, Express through a real server on 127.0.0.1; Google is msw at its real URLs.
 */
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { cookie } from '@cloudauth/core'
import { cloudauth as expressAuth } from '@cloudauth/express'
import { cloudauth as honoAuth } from '@cloudauth/hono'
import { firebasePreset } from '@cloudauth/testing'
import express from 'express'
import { Hono } from 'hono'
import { exportPKCS8, generateKeyPair } from 'jose'
import { HttpResponse, http, passthrough } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { firebase } from '@cloudauth/firebase'
import { firebaseSessionLogin } from '@cloudauth/firebase/session-login'

const PROJECT = 'acme-mount-1'
const project = firebasePreset({ projectId: PROJECT })
const server = setupServer(
  ...project.handlers,
  http.post('https://oauth2.googleapis.com/token', () =>
    HttpResponse.json({ access_token: 'ya29.mount', expires_in: 3599, token_type: 'Bearer' }),
  ),
  http.post(
    `https://identitytoolkit.googleapis.com/v1/projects/${PROJECT}:createSessionCookie`,
    ({ request }) =>
      request.headers.get('authorization') === 'Bearer ya29.mount'
        ? HttpResponse.json({ sessionCookie: project.sessionCookie() })
        : HttpResponse.json({ error: { code: 401 } }, { status: 401 }),
  ),
)
let privateKey = ''
beforeAll(async () => {
  privateKey = await exportPKCS8((await generateKeyPair('RS256', { extractable: true })).privateKey)
  server.listen({ onUnhandledRequest: 'error' })
})
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

const sessions = () =>
  firebaseSessionLogin({
    projectId: PROJECT,
    serviceAccount: {
      client_email: `app@${PROJECT}.iam.gserviceaccount.com`,
      private_key: privateKey,
    },
  })
const source = () => firebase({ projectId: PROJECT, sessionCookie: true })
const options = { tokenFrom: [cookie('__session')] }

describe('Hono: app.use(auth.mount(firebaseSessionLogin(...)))', () => {
  it('logs in with an ID token, the cookie opens auth.user(), logout clears it', async () => {
    const auth = honoAuth(source(), options)
    const app = new Hono()
    app.use(auth.mount(sessions()))
    app.get('/api/me', auth.user(), (c) => c.json({ id: c.get('user').id }))
    const origin = 'https://app.example.com'
    const login = await app.request(`${origin}/auth/session-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ idToken: project.idToken() }),
    })
    expect(login.status).toBe(200)
    const setCookie = login.headers.get('set-cookie') ?? ''
    expect(setCookie).toContain('HttpOnly; Secure; SameSite=Lax')
    const session = setCookie.split(';')[0] ?? ''
    const me = await app.request(`${origin}/api/me`, { headers: { cookie: session } })
    expect(me.status).toBe(200)
    expect(await me.json()).toEqual({ id: project.user.uid })
    const logout = await app.request(`${origin}/auth/session-logout`, {
      method: 'POST',
      headers: { origin },
    })
    expect(logout.status).toBe(204)
    expect(logout.headers.get('set-cookie')).toMatch(/^__session=; Max-Age=0;/)
    const cross = await app.request(`${origin}/auth/session-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ idToken: project.idToken() }),
    })
    expect(cross.status).toBe(403)
  })
})

describe('Express: app.use(auth.mount(firebaseSessionLogin(...)))', () => {
  let listening: Server
  let base = ''
  beforeAll(async () => {
    const auth = expressAuth(source(), options)
    const app = express()
    app.use(auth.mount(sessions()))
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

  it('logs in on loopback http (no Secure), and the cookie opens auth.user()', async () => {
    server.use(http.all(`${base}/*`, () => passthrough()))
    const login = await fetch(`${base}/auth/session-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ idToken: project.idToken() }),
    })
    expect(login.status).toBe(200)
    const [setCookie = ''] = login.headers.getSetCookie()
    expect(setCookie).toMatch(/^__session=[^;]+; Max-Age=432000; Path=\/; HttpOnly; SameSite=Lax$/)
    const me = await fetch(`${base}/api/me`, { headers: { cookie: setCookie.split(';')[0] ?? '' } })
    expect(me.status).toBe(200)
    expect(await me.json()).toEqual({ id: project.user.uid })
    const anonymous = await fetch(`${base}/api/me`)
    expect(anonymous.status).toBe(401)
  })
})
