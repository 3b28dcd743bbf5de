import { describe, expect, it } from 'vitest'
import express from 'express'
import { cloudauth } from '@cloudauth/express'
import { options, useServers } from './support.js'

const serve = useServers()

describe('auth.mount(handler)', () => {
  it("serves a feature's Fetch routes with the body, every Set-Cookie, and lets the rest through", async () => {
    const auth = cloudauth(options)
    const url = await serve((app) => {
      app.use(
        auth.mount(async (request) => {
          if (new URL(request.url).pathname !== '/auth/echo') return undefined
          const headers = new Headers({ 'content-type': 'text/plain' })
          headers.append('set-cookie', 'a=1')
          headers.append('set-cookie', 'b=2')
          const query = new URL(request.url).search
          return new Response(`${request.method} ${query} ${await request.text()}`, {
            status: 201,
            headers,
          })
        }),
      )
      app.post(
        '/parsed',
        express.json(),
        auth.mount(async (request) => new Response(await request.text())),
      )
      app.get('/other', (_req, res) => res.send('app'))
    })
    const res = await fetch(`${url}/auth/echo?x=1`, { method: 'POST', body: 'hello' })
    expect(res.status).toBe(201)
    expect(await res.text()).toBe('POST ?x=1 hello')
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(await (await fetch(`${url}/other`)).text()).toBe('app')
    // A body a parser already read is handed over as the parsed JSON.
    const parsed = await fetch(`${url}/parsed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    })
    expect(await parsed.json()).toEqual({ a: 1 })
  })
})
