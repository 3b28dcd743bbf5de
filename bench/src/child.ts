import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/**
 * Forks a TypeScript entry point under the same tsx loader and `source` condition as this process,
 * with an IPC channel. Servers and the heap run live in their own processes so that autocannon and
 * the measuring code never share an event loop or a heap with what they measure.
 */
export function forkTs(
  file: URL,
  env: Record<string, string>,
  extraFlags: string[] = [],
): ChildProcess {
  const execArgv = [...process.execArgv]
  if (!execArgv.some((flag) => flag.startsWith('--conditions')))
    execArgv.push('--conditions=@cloudauth/source')
  return fork(fileURLToPath(file), [], {
    execArgv: [...execArgv, ...extraFlags],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

/** The first message of a child, or its failure. */
export function firstMessage<T>(child: ChildProcess, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('bench: a child process did not answer in time'))
    }, timeoutMs)
    child.once('message', (message) => {
      clearTimeout(timer)
      resolve(message as T)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`bench: a child process exited early (code ${code})`))
    })
  })
}
