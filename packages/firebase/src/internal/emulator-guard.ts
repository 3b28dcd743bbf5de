import type { EnvSource } from '@cloudauth/core'
import type { ConfigProblems } from '@cloudauth/core/provider'

/** The `NODE_ENV` values under which emulator mode may be on: exactly these, nothing else. */
export const EMULATOR_NODE_ENVS: readonly string[] = ['development', 'test']

// host or host:port: a name, an IPv4 address or a bracketed IPv6 address, then an optional port.
const HOST_PORT = /^(?<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(?<port>\d{1,5}))?$/
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** `process.env` where there is one, else nothing (and so no emulator mode). */
function processEnv(): EnvSource {
  const proc = (globalThis as { process?: { env?: EnvSource } }).process
  return proc?.env ?? {}
}

/**
 * Why emulator mode (unsigned tokens) must not be on in this environment, recorded in
 * `problems`: it fails closed. Emulator mode needs, besides `emulator: true` in code:
 *
 * - `NODE_ENV` exactly `development` or `test` (case and spaces count: `Production`, `prod`,
 *   `dev`, ` test` and an unset `NODE_ENV` are all refused, so a stray or mistyped value can
 *   only turn it off);
 * - `FIREBASE_AUTH_EMULATOR_HOST` set to a loopback `host[:port]` (`127.0.0.1`, `localhost`,
 *   `[::1]`): the emulator runs on this machine, so a production host pointed at a shared
 *   emulator (or anything else) is refused.
 *
 * Values are never echoed.
 */
export function emulatorProblems(env: EnvSource | undefined, problems: ConfigProblems): void {
  const vars = env ?? processEnv()
  const nodeEnv = vars['NODE_ENV']
  if (nodeEnv === undefined || !EMULATOR_NODE_ENVS.includes(nodeEnv))
    problems.add(
      'emulator',
      'needs NODE_ENV=development or NODE_ENV=test (exactly): unsigned tokens are refused anywhere else',
    )
  const host = vars['FIREBASE_AUTH_EMULATOR_HOST']
  const match = host === undefined ? null : HOST_PORT.exec(host)
  const hostname = match?.groups?.['host']?.toLowerCase()
  const port = match?.groups?.['port']
  if (host === undefined || host.trim() === '')
    problems.add(
      'FIREBASE_AUTH_EMULATOR_HOST',
      'is required for emulator mode: the emulator as host:port on loopback, such as 127.0.0.1:9099',
    )
  else if (
    hostname === undefined ||
    !LOOPBACK.has(hostname) ||
    (port !== undefined && (Number(port) < 1 || Number(port) > 65_535))
  )
    problems.add(
      'FIREBASE_AUTH_EMULATOR_HOST',
      'must be a loopback host:port (127.0.0.1, localhost or [::1]) for emulator mode',
    )
}
