import { readFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'

export interface Machine {
  readonly node: string
  readonly cpu: string
  readonly cores: number
  readonly memoryGiB: number
  readonly openssl: string
}

/** The CPU model from /proc/cpuinfo where there is one (os.cpus() can be empty in containers). */
function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))
    if (match?.[1] !== undefined) return match[1].trim()
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown'
}

export function machine(): Machine {
  return {
    node: process.version,
    cpu: cpuModel(),
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    openssl: process.versions.openssl ?? 'unknown',
  }
}

/** The 1-minute load average: other work on the machine shows up in every number. */
export function load(): number {
  return loadavg()[0] ?? 0
}
