import * as v from 'valibot'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { ConfigError } from '@cloudauth/core'
import { JsonBodyError, jsonAnswer, readJsonBody } from '@cloudauth/core/binding'

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request('https://app.example.com/route', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })

async function refusal(promise: Promise<unknown>): Promise<JsonBodyError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  if (!(error instanceof JsonBodyError))
    throw new Error(`expected a JsonBodyError, got ${String(error)}`)
  return error
}

describe('readJsonBody', () => {
  it('reads a JSON body, any application/json with parameters', async () => {
    expect(await readJsonBody(post('{"a":[1,2]}'), { maxBytes: 100 })).toEqual({ a: [1, 2] })
    expect(
      await readJsonBody(post('"x"', { 'content-type': 'Application/JSON ; charset=utf-8' }), {
        maxBytes: 100,
      }),
    ).toBe('x')
  })

  it.each([
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x'],
    ['application/jsonp'],
    ['application/json-patch+json'],
    [''],
  ])('refuses the media type %j with 415', async (type) => {
    const error = await refusal(readJsonBody(post('{}', { 'content-type': type }), { maxBytes: 9 }))
    expect([error.code, error.status, error.message]).toEqual([
      'unsupported_media_type',
      415,
      'The body must be application/json.',
    ])
  })

  it('refuses a body over the cap (413), by Content-Length before reading or while streaming', async () => {
    const declared = await refusal(
      readJsonBody(post('{}', { 'content-length': '101' }), { maxBytes: 100 }),
    )
    expect([declared.code, declared.status, declared.message]).toEqual([
      'payload_too_large',
      413,
      'The body is larger than 100 bytes.',
    ])
    let pulled = 0
    let cancelled = false
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        controller.enqueue(new Uint8Array(40).fill(0x20))
      },
      cancel() {
        cancelled = true
      },
    })
    const streamed = await refusal(
      readJsonBody(
        new Request('https://app.example.com/route', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: endless,
          duplex: 'half',
        } as RequestInit),
        { maxBytes: 100 },
      ),
    )
    expect(streamed.code).toBe('payload_too_large')
    expect(cancelled).toBe(true)
    expect(pulled).toBeLessThan(10)
    // Exactly the cap is read; bytes, not characters, count.
    expect(await readJsonBody(post(`"${'é'.repeat(49)}"`), { maxBytes: 100 })).toHaveLength(49)
    expect((await refusal(readJsonBody(post(`"${'é'.repeat(50)}"`), { maxBytes: 100 }))).code).toBe(
      'payload_too_large',
    )
  })

  it('refuses bytes that are not UTF-8, and text that is not JSON (400)', async () => {
    const bytes = await refusal(
      readJsonBody(post(new Uint8Array([0x22, 0xff, 0x22])), { maxBytes: 9 }),
    )
    expect([bytes.code, bytes.status, bytes.message]).toEqual([
      'invalid_encoding',
      400,
      'The body is not valid UTF-8.',
    ])
    for (const text of ['{"a":', '', "{'a':1}"]) {
      const error = await refusal(readJsonBody(post(text), { maxBytes: 99 }))
      expect([error.code, error.status, error.message]).toEqual([
        'invalid_json',
        400,
        'The body is not valid JSON.',
      ])
    }
    const empty = await refusal(readJsonBody(post(null), { maxBytes: 9 }))
    expect(empty.code).toBe('invalid_json')
  })

  it('checks a zod schema: its output is the result; a failure names paths and rules, never values', async () => {
    const schema = z.object({ name: z.string().min(1), tags: z.array(z.string()).default([]) })
    const body = await readJsonBody(post('{"name":"a"}'), { maxBytes: 99, schema })
    expectTypeOf(body).toEqualTypeOf<{ name: string; tags: string[] }>()
    expect(body).toEqual({ name: 'a', tags: [] })
    const error = await refusal(
      readJsonBody(post('{"name":"","tags":["ok","secret-value",7]}'), { maxBytes: 99, schema }),
    )
    expect(error.code).toBe('invalid_body')
    expect(error.status).toBe(400)
    expect(error.message).toBe('The body is not valid: name, tags.2.')
    expect(error.fields?.map((field) => field.path)).toEqual(['name', 'tags.2'])
    expect(JSON.stringify(error.fields)).not.toContain('secret-value')
    const whole = await refusal(readJsonBody(post('[]'), { maxBytes: 99, schema }))
    expect(whole.fields?.map((field) => field.path)).toEqual(['(body)'])
  })

  it('checks any Standard Schema (valibot), async ones too', async () => {
    const schema = v.pipeAsync(
      v.object({ n: v.number() }),
      v.checkAsync(async ({ n }) => n > 1, 'must be more than 1'),
    )
    expect(await readJsonBody(post('{"n":2}'), { maxBytes: 99, schema })).toEqual({ n: 2 })
    const error = await refusal(readJsonBody(post('{"n":1}'), { maxBytes: 99, schema }))
    expect(error.fields).toEqual([{ path: '(body)', message: 'must be more than 1' }])
    const nested = await refusal(
      readJsonBody(post('{"n":"x"}'), { maxBytes: 99, schema: v.object({ n: v.number() }) }),
    )
    expect(nested.fields?.map((field) => field.path)).toEqual(['n'])
  })

  it('a cap that is not a positive integer is a ConfigError', async () => {
    for (const maxBytes of [0, -1, 1.5, Number.NaN])
      await expect(readJsonBody(post('{}'), { maxBytes })).rejects.toBeInstanceOf(ConfigError)
  })
})

describe('jsonAnswer', () => {
  it('serialises the body with the JSON type and no-store; given headers are added and win', async () => {
    const answer = jsonAnswer(201, { id: 'u1' }, { location: '/u1', 'cache-control': 'private' })
    expect(answer.status).toBe(201)
    expect(await answer.json()).toEqual({ id: 'u1' })
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(answer.headers.get('cache-control')).toBe('private')
    expect(answer.headers.get('location')).toBe('/u1')
    expect(jsonAnswer(200, [1]).headers.get('cache-control')).toBe('no-store')
  })

  it('keeps every Set-Cookie of a Headers, and answers no body for 204', async () => {
    const headers = new Headers()
    headers.append('set-cookie', 'a=1')
    headers.append('set-cookie', 'b=2')
    const answer = jsonAnswer(204, { ignored: true }, headers)
    expect(answer.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(answer.body).toBeNull()
    expect(answer.headers.get('cache-control')).toBe('no-store')
  })
})
