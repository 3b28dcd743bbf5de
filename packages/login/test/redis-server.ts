/** Starts a real redis-server (Debian's) on a free 127.0.0.1 port for one test file. */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { connect } from 'node:net'

export interface RunningRedis {
  readonly url: string
  readonly port: number
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      )
    })
  })
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('error', () => resolve(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => {
      socket.destroy()
      resolve(data.toString().startsWith('+PONG'))
    })
  })
}

export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort()
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let failed: Error | undefined
  child.once('error', (error) => (failed = error))
  for (let i = 0; i < 200; i++) {
    if (failed !== undefined)
      throw new Error(`redis-server did not start (is it installed?): ${failed.message}`)
    if (await ping(port)) break
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  if (!(await ping(port))) throw new Error('redis-server did not answer PING')
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      child.kill('SIGTERM')
      await exited
    },
  }
}
