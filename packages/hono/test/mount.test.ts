import { describe, expect, it } from 'vitest'
import { Hono } from 'hono'
import { cloudauth } from '@cloudauth/hono'
import { options } from './support.js'

describe('auth.mount(handler)', () => {
  it("serves a feature's Fetch routes and lets the rest through", async () => {
    const auth = cloudauth(options)
    const app = new Hono()
    app.use(
      auth.mount(async (request) => {
        if (new URL(request.url).pathname !== '/auth/echo') return undefined
        const headers = new Headers({ 'content-type': 'text/plain' })
        headers.append('set-cookie', 'a=1')
        headers.append('set-cookie', 'b=2')
        return new Response(`${request.method} ${await request.text()}`, { headers })
      }),
    )
    app.get('/other', (c) => c.text('app'))
    const res = await app.request('/auth/echo', { method: 'POST', body: 'hello' })
    expect(await res.text()).toBe('POST hello')
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(await (await app.request('/other')).text()).toBe('app')
  })
})
