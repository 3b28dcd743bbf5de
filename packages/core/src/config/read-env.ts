/** Environment variables, as `process.env` holds them. */
export type EnvSource = Readonly<Record<string, string | undefined>>

/** Reads variables from one {@link EnvSource}; made by {@link readEnv}. */
export interface EnvReader {
  /** A variable's value, trimmed; unset and blank are the same (`undefined`). */
  text(name: string): string | undefined
  /**
   * A comma-separated variable as a list, each item trimmed and blank items dropped; `undefined`
   * when unset or holding only blanks and commas.
   */
  list(name: string): readonly string[] | undefined
}

/** `process.env` where there is one (Node, Bun, Deno with compat), else nothing. */
function processEnv(): EnvSource {
  const proc = (globalThis as { process?: { env?: EnvSource } }).process
  return proc?.env ?? {}
}

/**
 * Reads configuration from environment variables, for a provider's `fromEnv()`: blank values count
 * as unset, lists are comma-separated. Pair it with {@link ConfigProblems} to report every missing
 * or invalid variable at once.
 *
 * @param env - the variables; default `process.env` (read when `readEnv` is called), or none
 *   where the runtime has no `process`.
 * @example
 * ```ts
 * const vars = readEnv(env)
 * const problems = new ConfigProblems()
 * const tenant = vars.text('MY_IDP_TENANT')
 * if (tenant === undefined) problems.add('MY_IDP_TENANT', 'is required')
 * const audience = vars.list('MY_IDP_AUDIENCE') // 'a, b,' -> ['a', 'b']
 * problems.throwIfAny()
 * ```
 * @throws nothing
 */
export function readEnv(env: EnvSource = processEnv()): EnvReader {
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim()
    return value === undefined || value === '' ? undefined : value
  }
  return {
    text,
    list(name) {
      const list = text(name)
        ?.split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
      return list === undefined || list.length === 0 ? undefined : list
    },
  }
}
