import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
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

/** Idle and total jiffies of all CPUs, from /proc/stat (Linux). */
function cpuTimes(): { idle: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? ''
    const fields = line.trim().split(/\s+/).slice(1).map(Number)
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0)
    return { idle, total: fields.reduce((sum, value) => sum + value, 0) }
  } catch {
    return undefined
  }
}

/**
 * Waits until the CPUs were at least 85% idle over three consecutive one-second samples, or
 * `limitMs` passed. Returns whether they were.
 */
export async function waitForIdle(limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs
  let quiet = 0
  let before = cpuTimes()
  if (before === undefined) return false
  while (Date.now() < deadline) {
    await sleep(1000)
    const after = cpuTimes()
    if (after === undefined) return false
    const idle = (after.idle - before.idle) / Math.max(1, after.total - before.total)
    quiet = idle >= 0.85 ? quiet + 1 : 0
    if (quiet >= 3) return true
    before = after
  }
  return false
}
