import { ConfigError } from '../errors/config-error.js'

/** One configuration problem: the option (or environment variable) and what is wrong with it. */
export interface ConfigProblem {
  readonly option: string
  readonly message: string
}

/**
 * Collects configuration problems, then throws them all in one {@link ConfigError}, so that a
 * deployment with three bad settings learns of the three in one start, not in three. Providers use
 * it for their options and their `fromEnv()` functions.
 *
 * Messages must not repeat the value: an option or an environment variable may hold a secret
 * pasted in the wrong place.
 *
 * @example
 * ```ts
 * const problems = new ConfigProblems()
 * problems.add('MY_IDP_TENANT', tenant === undefined ? 'is required' : undefined)
 * problems.add('MY_IDP_AUDIENCE', audienceProblem(audience)) // string | undefined
 * problems.throwIfAny() // ConfigError: "MY_IDP_TENANT, MY_IDP_AUDIENCE: 2 problems: ..."
 * ```
 */
export class ConfigProblems {
  readonly #problems: ConfigProblem[] = []

  /** Records a problem with `option`. `undefined` means none, so rule functions plug in directly. */
  add(option: string, message: string | undefined): void {
    if (message !== undefined) this.#problems.push({ option, message })
  }

  /**
   * Runs `build` (another factory that checks its own options) and records every problem of the
   * `ConfigError` it throws, so that one error lists them all: a `fromEnv()` function whose
   * variables failed can still check the code-side options, with stand-ins for the values the
   * environment did not give. Any other error is rethrown.
   *
   * @example
   * ```ts
   * if (problems.size > 0) problems.collect(() => myIdp({ ...options, tenant: 'stand-in' }))
   * problems.throwIfAny()
   * ```
   * @throws whatever `build` throws that is not a `ConfigError`
   */
  collect(build: () => unknown): void {
    try {
      build()
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      for (const line of error.problems) {
        const at = line.indexOf(': ')
        if (at < 0) this.add(error.option, line)
        else this.add(line.slice(0, at), line.slice(at + 2))
      }
    }
  }

  /** How many problems were recorded. */
  get size(): number {
    return this.#problems.length
  }

  /** The problems recorded so far, in order. */
  get list(): readonly ConfigProblem[] {
    return [...this.#problems]
  }

  /**
   * Throws one {@link ConfigError} carrying every problem, or returns when there is none. Its
   * `problems` holds one `option: message` line each; its `option` names every option at fault.
   * A single problem reads as any other `ConfigError` (`option: message`).
   *
   * @throws ConfigError when at least one problem was recorded
   */
  throwIfAny(): void {
    const problems = this.#problems
    if (problems.length === 0) return
    const lines = problems.map((p) => `${p.option}: ${p.message}`)
    const [first] = problems
    if (problems.length === 1 && first !== undefined)
      throw new ConfigError(first.option, first.message, lines)
    const options = [...new Set(problems.map((p) => p.option))].join(', ')
    throw new ConfigError(options, `${problems.length} problems: ${lines.join('; ')}`, lines)
  }
}
