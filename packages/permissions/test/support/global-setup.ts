/**
 * Once per test run: a real PostgreSQL server (unless DATABASE_URL names one), and a PGlite data
 * directory snapshot, so each test file opens PGlite in about a second instead of five or more.
 */
import { PGlite } from '@electric-sql/pglite'
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startPostgres, type PostgresServer } from '@cloudauth/test-servers'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
    pgliteSnapshot: string
  }
}

// PGlite's initdb takes 3 to 20 s on a busy machine; its fresh data directory is the same for
// one PGlite version, so it is kept in the temp folder between runs (a fresh CI machine makes it once).
const { version } = JSON.parse(
  readFileSync(
    new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url),
    'utf8',
  ),
) as { version: string }
const SNAPSHOT = join(tmpdir(), `cloudauth-pglite-${version}-fresh.tar`)

async function snapshot(dir: string): Promise<string> {
  if (existsSync(SNAPSHOT)) return SNAPSHOT
  const db = await PGlite.create()
  const data = await db.dumpDataDir('none')
  await db.close()
  const partial = join(dir, 'snapshot.tar')
  writeFileSync(partial, Buffer.from(await data.arrayBuffer()))
  renameSync(partial, SNAPSHOT)
  return SNAPSHOT
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'cloudauth-pglite-'))
  const external = process.env['DATABASE_URL']
  const [server, path] = await Promise.all([
    external === undefined
      ? startPostgres()
      : Promise.resolve<PostgresServer | undefined>(undefined),
    snapshot(dir),
  ])
  project.provide('databaseUrl', external ?? server!.url)
  project.provide('pgliteSnapshot', path)
  return () => {
    server?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
