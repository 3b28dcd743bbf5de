import { http, HttpResponse, type JsonBodyType } from 'msw'

export const REGION = 'eu-west-1'
/** Cognito's real regional URL: the SDK posts every operation to its root. */
export const COGNITO_URL = `https://cognito-idp.${REGION}.amazonaws.com/`

export interface Call {
  readonly operation: string
  readonly body: Record<string, unknown>
}

type Answer =
  | Response
  | { readonly json: JsonBodyType }
  | { readonly error: string; readonly message?: string; readonly status?: number }

/**
 * An msw handler standing in for Cognito: `answer` gets the operation (from `X-Amz-Target`) and
 * the JSON body, and returns Cognito's answer; every call is recorded.
 */
export function fakeCognito(answer: (call: Call) => Answer | Promise<Answer>) {
  const calls: Call[] = []
  const handler = http.post(COGNITO_URL, async ({ request }) => {
    const target = request.headers.get('x-amz-target') ?? ''
    const call: Call = {
      operation: target.replace(/^AWSCognitoIdentityProviderService\./, ''),
      body: (await request.json()) as Record<string, unknown>,
    }
    calls.push(call)
    const result = await answer(call)
    if (result instanceof Response) return result
    if ('json' in result)
      return HttpResponse.json(result.json, {
        headers: { 'content-type': 'application/x-amz-json-1.1' },
      })
    return HttpResponse.json(
      { __type: result.error, message: result.message ?? `${result.error} message` },
      {
        status: result.status ?? 400,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-errortype': `${result.error}:`,
        },
      },
    )
  })
  return { handler, calls }
}

/** A JWT-shaped token whose payload says `username` (Cognito's access tokens do). */
export function fakeAccessToken(username: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256', kid: 'k' })}.${part({ username, token_use: 'access' })}.c2ln`
}

/** A JSON POST to one of the routes. */
export function post(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`https://app.example.com${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}
