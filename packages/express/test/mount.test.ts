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

describe('auth.mount(handler) after a body parser: the handler sees the body as it was sent', () => {
  const auth = cloudauth(options)
  // Echoes what the mounted handler sees: the Content-Type and the body, as text.
  const echo = auth.mount(async (request) => {
    if (new URL(request.url).pathname !== '/echo') return undefined
    return Response.json({
      type: request.headers.get('content-type'),
      length: request.headers.get('content-length'),
      body: await request.text(),
    })
  })
  const send = async (
    url: string,
    body: BodyInit | undefined,
    type?: string,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: type === undefined ? {} : { 'content-type': type },
      ...(body === undefined ? {} : { body }),
    })
    return { status: res.status, json: (await res.json()) as Record<string, unknown> }
  }
  const FORM = 'application/x-www-form-urlencoded'

  it('express.json(): the JSON again, with its content type', async () => {
    const url = await serve((app) => {
      app.use(express.json({ type: ['application/json', 'application/*+json'] }), echo)
    })
    const sent = { a: 1, nested: { list: [true, null, 'é'] } }
    const plain = await send(url, JSON.stringify(sent), 'application/json')
    expect(plain.status).toBe(200)
    expect(JSON.parse(plain.json.body as string)).toEqual(sent)
    expect(plain.json.type).toBe('application/json')
    const problem = await send(url, '{"title":"x"}', 'application/problem+json; charset=utf-8')
    expect(problem.json).toMatchObject({
      type: 'application/problem+json; charset=utf-8',
      body: '{"title":"x"}',
    })
    // An empty JSON body (which body-parser reads as {}) stays empty.
    expect((await send(url, '', 'application/json')).json.body).toBe('')
  })

  it('express.urlencoded(): the form again (repeated keys too), never JSON', async () => {
    for (const extended of [false, true]) {
      const url = await serve((app) => {
        app.use(express.urlencoded({ extended }), echo)
      })
      const form = await send(url, 'user=alice&tag=a&tag=b%20c&empty=&euro=%E2%82%AC', FORM)
      expect(form.status).toBe(200)
      expect(form.json.type).toBe(FORM)
      const params = new URLSearchParams(form.json.body as string)
      expect([...params]).toEqual([
        ['user', 'alice'],
        ['tag', 'a'],
        ['tag', 'b c'],
        ['empty', ''],
        ['euro', '€'],
      ])
    }
  })

  it('express.text() with a non-UTF-8 charset: the text rebuilt as UTF-8, and the type says so', async () => {
    const url = await serve((app) => {
      app.use(express.text(), echo)
    })
    const latin = await send(
      url,
      new Uint8Array([0x63, 0x61, 0x66, 0xe9]),
      'text/plain; charset=iso-8859-1',
    )
    expect(latin.json).toMatchObject({ type: 'text/plain; charset=utf-8', body: 'café' })
  })

  it('express.text() and express.raw(): the body as it is', async () => {
    const url = await serve((app) => {
      app.post('/echo', express.text(), echo)
      app.put('/echo', express.raw({ type: 'application/octet-stream' }), echo)
    })
    const text = await send(url, 'plain words, {not json}', 'text/plain')
    expect(text.json).toMatchObject({ type: 'text/plain', body: 'plain words, {not json}' })
    const bytes = new Uint8Array([0x68, 0x69, 0x00, 0xff])
    const raw = await fetch(`${url}/echo`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    })
    const answer = (await raw.json()) as { type: string; body: string }
    expect(answer.type).toBe('application/octet-stream')
    expect(answer.body).toBe(new TextDecoder().decode(bytes))
  })

  it('no parser: the stream itself, with its length', async () => {
    const url = await serve((app) => {
      app.use(echo)
    })
    const form = await send(url, 'a=1&b=2', FORM)
    expect(form.json).toEqual({ type: FORM, length: '7', body: 'a=1&b=2' })
    const json = await send(url, '{ "spaced" : 1 }', 'application/json')
    expect(json.json.body).toBe('{ "spaced" : 1 }')
  })

  it('a parsed body it cannot rebuild (nested qs syntax, another media type) is 415 when the handler reads it', async () => {
    const url = await serve((app) => {
      app.use(express.urlencoded({ extended: true }))
      app.use(express.json({ type: 'text/x-custom' }))
      app.use(echo)
      app.post('/other', (_req, res) => res.send('app'))
    })
    for (const [body, type] of [
      ['user[name]=alice', FORM],
      ['list[]=only', FORM],
      ['{"a":1}', 'text/x-custom'],
    ] as const) {
      const refused = await send(url, body, type)
      expect(refused.status).toBe(415)
      expect(refused.json.error).toBe('unsupported_media_type')
      expect(refused.json.error_description).toMatch(/mount the routes before the parser/)
    }
    // A request the handler does not take passes to the app untouched.
    const other = await fetch(`${url}/other`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: 'user[name]=alice',
    })
    expect(other.status).toBe(200)
    expect(await other.text()).toBe('app')
  })

  it('a mounted handler that catches the failed read still answers 415, not its own answer', async () => {
    const url = await serve((app) => {
      app.use(express.urlencoded({ extended: true }))
      app.use(
        auth.mount(async (request) => {
          try {
            await request.text()
            return new Response('read')
          } catch {
            return new Response('swallowed', { status: 502 })
          }
        }),
      )
    })
    const res = await fetch(`${url}/any`, {
      method: 'POST',
      headers: { 'content-type': FORM },
      body: 'a[b]=1',
    })
    expect(res.status).toBe(415)
  })
})
