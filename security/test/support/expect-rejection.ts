import {
  AuthError,
  isAuthError,
  toErrorResponse,
  type AuthErrorCode,
  type Verifier,
} from '@cloudauth/core'
import { expect } from 'vitest'

/** Pieces of a token long enough that finding one in an error would mean the token leaked. */
function fragments(token: string): string[] {
  return token.split('.').filter((part) => part.length >= 16)
}

/**
 * Asserts everything the corpus promises of a refused token: it is refused, with an
 * {@link AuthError} (never an untyped error, never a 500), with exactly `code` and `status`, with an
 * RFC 6750 answer, and without the token in the description, the headers or the body.
 */
export async function expectRejection(
  verifier: Verifier,
  token: string,
  code: AuthErrorCode,
  status: number,
): Promise<AuthError> {
  const outcome = await verifier.verify(token).then(
    () => ({ accepted: true as const }),
    (error: unknown) => ({ accepted: false as const, error }),
  )
  expect(outcome.accepted, 'the token was accepted').toBe(false)
  if (outcome.accepted) throw new Error('unreachable')
  const { error } = outcome
  expect(error).toBeInstanceOf(AuthError)
  expect(isAuthError(error)).toBe(true)
  const authError = error as AuthError
  expect({ code: authError.code, status: authError.status }).toEqual({ code, status })
  expectSafeAnswer(authError, token)
  return authError
}

/** The HTTP answer of an error: its status, the RFC 6750 challenge, and no trace of the token. */
export function expectSafeAnswer(error: AuthError, token: string): void {
  const response = toErrorResponse(error, { realm: 'api' })
  expect(response.status).toBe(error.status)
  expect(response.status).not.toBe(500)
  const challenge = response.headers['www-authenticate']
  if (error.status === 401 && error.code !== 'missing_token') {
    expect(challenge).toMatch(
      /^Bearer realm="api", error="invalid_token", error_description="(?:[^"\\]|\\.)*"$/,
    )
  }
  if (error.status === 503) {
    expect(challenge).toBeUndefined()
    expect(response.headers['retry-after']).toMatch(/^\d+$/)
  }
  const visible = [error.message, error.description, JSON.stringify(response)].join('\n')
  for (const fragment of fragments(token)) expect(visible).not.toContain(fragment)
}

/** The code a row expects of a target: the row's, unless the target states its own. */
export function expectedCode(
  row: { readonly id: string; readonly code: AuthErrorCode },
  overrides: Readonly<Record<string, AuthErrorCode>> | undefined,
): AuthErrorCode {
  return overrides?.[row.id] ?? row.code
}
