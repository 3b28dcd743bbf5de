/** The two SQL engines every store test runs on, each in a fresh database. */
import { PGlite } from '@electric-sql/pglite'
import { readFileSync } from 'node:fs'
import postgres, { type Sql } from 'postgres'
import { inject } from 'vitest'
import { pgliteStore, postgresStore, type SqlStore, type SqlStoreOptions } from '../../src/index.js'

export interface Engine {
  readonly name: 'pglite' | 'postgres'
  /** A fresh, empty database with the store's migrations applied. */
  open(): Promise<Database>
}

export interface Database {
  store(options?: SqlStoreOptions): SqlStore
  /** Another connection (another "process") to the same database. */
  another(options?: SqlStoreOptions): Promise<SqlStore>
  /** Raw SQL, for checks behind the store's back. */
  raw(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>
  /** How many statements the store sent since the last reset. */
  readonly queries: { count: number; texts: string[] }
  /** Makes every further query fail, as an outage would. */
  breakDown(): void
  close(): Promise<void>
}

export async function openPglite(): Promise<PGlite> {
  const snapshot = readFileSync(inject('pgliteSnapshot'))
  return PGlite.create({ loadDataDir: new Blob([snapshot]) })
}

const pglite: Engine = {
  name: 'pglite',
  async open() {
    const db = await openPglite()
    const queries = { count: 0, texts: [] as string[] }
    let broken = false
    const original = db.query.bind(db)
    db.query = ((text: string, params?: unknown[]) => {
      queries.count++
      queries.texts.push(text)
      if (broken) return Promise.reject(new Error('connection lost'))
      return original(text, params)
    }) as typeof db.query
    const store = (options?: SqlStoreOptions) => pgliteStore(db, options)
    await store().migrate()
    queries.count = 0
    queries.texts = []
    return {
      store,
      another: async (options) => store(options),
      raw: async (text, params) => (await original<Record<string, unknown>>(text, params)).rows,
      queries,
      breakDown: () => {
        broken = true
      },
      close: () => db.close(),
    }
  },
}

let databases = 0

function counted(
  sql: Sql,
  queries: { count: number; texts: string[] },
  isBroken: () => boolean,
): Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe')
        return (text: string, params?: unknown[]) => {
          queries.count++
          queries.texts.push(text)
          if (isBroken()) return Promise.reject(new Error('connection lost'))
          return target.unsafe(text, params as never[])
        }
      return Reflect.get(target, property, receiver) as unknown
    },
  })
}

const server: Engine = {
  name: 'postgres',
  async open() {
    const url = inject('databaseUrl')
    const name = `perm_${process.pid}_${++databases}_${Date.now().toString(36)}`
    const admin = postgres(url, { max: 1, onnotice: () => undefined })
    await admin.unsafe(`create database ${name}`)
    const dbUrl = url.replace(/\/[^/]*$/, `/${name}`)
    const clients: Sql[] = []
    const client = () => {
      const sql = postgres(dbUrl, { max: 10, onnotice: () => undefined })
      clients.push(sql)
      return sql
    }
    const queries = { count: 0, texts: [] as string[] }
    let broken = false
    const main = client()
    const store = (options?: SqlStoreOptions) =>
      postgresStore(
        counted(main, queries, () => broken),
        options,
      )
    await store().migrate()
    queries.count = 0
    queries.texts = []
    return {
      store,
      another: async (options) => postgresStore(client(), options),
      raw: async (text, params) => {
        const rows: Record<string, unknown>[] = await main.unsafe(text, (params ?? []) as never[])
        return rows
      },
      queries,
      breakDown: () => {
        broken = true
      },
      async close() {
        await Promise.all(clients.map((sql) => sql.end({ timeout: 1 })))
        await admin.unsafe(`drop database if exists ${name} with (force)`)
        await admin.end({ timeout: 1 })
      },
    }
  },
}

export const ENGINES: readonly Engine[] = [pglite, server]
