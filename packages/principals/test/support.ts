import { toErrorResponse } from '@cloudauth/core'
import type { ServiceRequest } from '@cloudauth/principals'
import { expect } from 'vitest'

/** A request view over header fields as received (a name may repeat). */
export function request(fields: readonly (readonly [string, string])[]): ServiceRequest {
  const lower = fields.map(([name, value]) => [name.toLowerCase(), value] as const)
  return {
    header(name) {
      const values = lower.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v)
      return values.length === 0 ? undefined : values.join(', ')
    },
    headerCount: (name) => lower.filter(([n]) => n === name.toLowerCase()).length,
  }
}

/** The answer an error gives, as a binding sends it. */
export async function answer(promise: Promise<unknown>) {
  let error: unknown
  try {
    await promise
  } catch (caught) {
    error = caught
  }
  expect(error, 'expected a rejection').toBeDefined()
  return { error: error as Error & { code?: string }, ...toErrorResponse(error) }
}
