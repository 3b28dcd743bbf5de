import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.js'

/** A running PostgreSQL server. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:{port}/postgres` (trust auth). */
  readonly url: string
  stop(): void
}

function binDir(): string {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  const version = versions[0]
  if (version === undefined)
    throw new Error(
      'PostgreSQL is not installed: apt-get install -y postgresql (see .ci/run), or set DATABASE_URL',
    )
  return join(root, version, 'bin')
}

/**
 * Starts a real PostgreSQL server (Debian's `postgresql` package, the newest installed) for tests
 * and benchmarks: initdb and pg_ctl in a temporary folder, listening on 127.0.0.1 on a free port,
 * trust auth, durability off. As root it runs the binaries as the `postgres` user (PostgreSQL
 * refuses to run as root). `stop()` stops it and removes the folder.
 *
 * @example
 * ```ts
 * const pg = await startPostgres()
 * const sql = postgres(pg.url)
 * ```
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir()
  const isRoot = process.getuid?.() === 0
  const run = (command: string, args: string[]) =>
    isRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], {
          stdio: 'pipe',
        })
      : execFileSync(join(bin, command), args, { stdio: 'pipe' })
  const dir = mkdtempSync(join(tmpdir(), 'cloudauth-pg-'))
  chmodSync(dir, 0o755) // the postgres user must traverse it
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
    mkdirSync(join(dir, 'pg'))
    chownSync(join(dir, 'pg'), uid, gid)
  } else {
    mkdirSync(join(dir, 'pg'))
  }
  const home = join(dir, 'pg')
  run('initdb', [
    '-D',
    join(home, 'data'),
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ])
  const port = await freePort()
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${home} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`
  run('pg_ctl', [
    '-D',
    join(home, 'data'),
    '-l',
    join(home, 'log'),
    '-w',
    '-t',
    '30',
    '-o',
    options,
    'start',
  ])
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run('pg_ctl', ['-D', join(home, 'data'), '-m', 'fast', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
