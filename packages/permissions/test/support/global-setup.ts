/**
 * Once per test run: a real PostgreSQL server (unless DATABASE_URL names one), and a PGlite data
 * directory snapshot, so each test file opens PGlite in about a second instead of five or more.
 */
import { PGlite } from '@electric-sql/pglite'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startPostgres, type PostgresServer } from './postgres-server.js'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
    pgliteSnapshot: string
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'cloudauth-pglite-'))
  const external = process.env['DATABASE_URL']
  const [server] = await Promise.all([
    external === undefined
      ? startPostgres()
      : Promise.resolve<PostgresServer | undefined>(undefined),
    (async () => {
      const db = await PGlite.create()
      const snapshot = await db.dumpDataDir('none')
      writeFileSync(join(dir, 'snapshot.tar'), Buffer.from(await snapshot.arrayBuffer()))
      await db.close()
    })(),
  ])
  project.provide('databaseUrl', external ?? server!.url)
  project.provide('pgliteSnapshot', join(dir, 'snapshot.tar'))
  return () => {
    server?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
