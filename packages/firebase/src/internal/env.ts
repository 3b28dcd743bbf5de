import { ConfigError } from '@cloudauth/core'

/** Environment variables, as `process.env` holds them. */
export type EnvSource = Readonly<Record<string, string | undefined>>

/** `process.env` where there is one (Node, Bun, Deno with compat), else nothing. */
export function processEnv(): EnvSource {
  const proc = (globalThis as { process?: { env?: EnvSource } }).process
  return proc?.env ?? {}
}

/** A variable's trimmed value; unset and blank are the same. */
export function read(env: EnvSource, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

/** A comma-separated variable as a list, blanks dropped. */
export function readList(env: EnvSource, name: string): readonly string[] | undefined {
  const value = read(env, name)
  if (value === undefined) return undefined
  const list = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
  return list.length === 0 ? undefined : list
}

/** Collects `NAME: problem` lines, then throws them all in one {@link ConfigError}. */
export class EnvProblems {
  readonly #problems: { readonly name: string; readonly problem: string }[] = []

  add(name: string, problem: string | undefined): void {
    if (problem !== undefined) this.#problems.push({ name, problem })
  }

  throwIfAny(): void {
    if (this.#problems.length === 0) return
    const names = [...new Set(this.#problems.map((p) => p.name))].join(', ')
    const lines = this.#problems.map((p) => `${p.name}: ${p.problem}`)
    throw new ConfigError(names, `invalid environment: ${lines.join('; ')}`, lines)
  }
}
