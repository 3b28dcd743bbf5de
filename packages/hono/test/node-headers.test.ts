import { describe, expect, it } from 'vitest'
import { Hono } from 'hono'
import { cloudauth } from '@cloudauth/hono'
import { requestView as tokenRequest } from '../src/internal/request-view.js'
import { options, token } from './support.js'

/** What @hono/node-server passes as `c.env`: Node's request, with its raw header list. */
const nodeEnv = (raw: readonly (readonly [string, string])[]) => ({
  incoming: { rawHeaders: raw.flatMap(([name, value]) => [name, value]) },
  outgoing: {},
})

// On @hono/node-server the binding reads headers from Node's raw list instead of building a
// WHATWG Request. These pin that it reads what `c.req.header()` (Fetch's Headers.get) reads.
describe('headers read from Node (c.env.incoming)', () => {
  const app = new Hono()
  app.get('/h', (c) => {
    const node = tokenRequest(c)
    const names = ['authorization', 'cookie', 'x-id-token', 'x-missing']
    return c.json(
      Object.fromEntries(names.map((name) => [name, [c.req.header(name), node.header(name)]])),
    )
  })

  it.each([
    ['one header', [['Authorization', 'Bearer abc']]],
    ['any case', [['aUtHoRiZaTiOn', 'Bearer abc']]],
    [
      'a repeated header, joined',
      [
        ['authorization', 'Bearer a'],
        ['Authorization', 'Bearer b'],
      ],
    ],
    ['outer whitespace', [['Authorization', ' \tBearer abc  ']]],
    ['inner whitespace kept', [['Authorization', 'Bearer  a b']]],
    [
      'cookies',
      [
        ['Cookie', 'a=1'],
        ['cookie', 'session=xyz'],
      ],
    ],
    ['an empty value', [['X-Id-Token', '']]],
    [
      'other headers only',
      [
        ['Host', 'x'],
        ['Accept', '*/*'],
      ],
    ],
  ] as const)('%s', async (_name, raw) => {
    const res = await app.request(
      '/h',
      { headers: raw.map(([n, v]): [string, string] => [n, v]) },
      nodeEnv(raw),
    )
    const body = (await res.json()) as Record<string, [unknown, unknown]>
    for (const [name, [viaRequest, viaNode]] of Object.entries(body)) {
      expect(viaNode, name).toEqual(viaRequest)
    }
  })

  it('verifies through Node headers, and refuses two Authorization headers (400)', async () => {
    const guarded = new Hono()
    guarded.use('/api/*', cloudauth(options).verify())
    guarded.get('/api/hello', (c) => c.text('ok'))
    const good = token()
    const ok = await guarded.request(
      '/api/hello',
      {},
      nodeEnv([['Authorization', `Bearer ${good}`]]),
    )
    expect(ok.status).toBe(200)
    const twice = await guarded.request(
      '/api/hello',
      {},
      nodeEnv([
        ['Authorization', `Bearer ${good}`],
        ['Authorization', `Bearer ${good}`],
      ]),
    )
    expect(twice.status).toBe(400)
    const none = await guarded.request('/api/hello', {}, nodeEnv([]))
    expect(none.status).toBe(401)
  })

  it('falls back to c.req when env is not Node', async () => {
    const guarded = new Hono()
    guarded.use('/api/*', cloudauth(options).verify())
    guarded.get('/api/hello', (c) => c.text('ok'))
    const ok = await guarded.request(
      '/api/hello',
      { headers: { authorization: `Bearer ${token()}` } },
      { incoming: {} },
    )
    expect(ok.status).toBe(200)
  })
})
