/**
 * A configuration mistake, thrown when a verifier, provider or binding is built,
 * never per request. The message names the option.
 *
 * @example
 * ```ts
 * createVerifier({ issuers: [], algorithms: ['HS256'] }) // throws ConfigError: algorithms: ...
 * ```
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  /** The option (or options, or environment variables) at fault. */
  readonly option: string
  /** Every problem found, when several were collected at once (for example by `fromEnv()`). */
  readonly problems: readonly string[]

  constructor(
    option: string,
    message: string,
    problems: readonly string[] = [`${option}: ${message}`],
  ) {
    super(`${option}: ${message}`)
    this.option = option
    this.problems = problems
  }
}
