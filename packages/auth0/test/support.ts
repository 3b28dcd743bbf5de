import { expect } from 'vitest'
import { ConfigError } from '@cloudauth/core'

/** The error code a verification fails with, or 'ok': one column of a table of cases. */
export async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'ok'
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  }
}

/** The ConfigError `build` throws; fails the test when it throws nothing or something else. */
export function configError(build: () => unknown): ConfigError {
  try {
    build()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}
