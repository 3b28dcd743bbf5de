import type { Sql } from 'postgres'
import { postgresDriver } from '../internal/postgres-driver.js'
import { sqlStore, type SqlStore, type SqlStoreOptions } from './sql-store.js'

/**
 * The SQL store on a PostgreSQL server, through a postgres.js client (for example
 * `postgres(process.env.DATABASE_URL)`). Same schema and queries as {@link pgliteStore}. Every
 * process listens on the change channel, so an admin write anywhere empties every cache.
 * The client stays the app's: close it with `sql.end()`.
 *
 * @example
 * ```ts
 * import postgres from 'postgres'
 * const store = postgresStore(postgres(process.env.DATABASE_URL!))
 * await store.migrate()
 * const perms = permissions({ store })
 * ```
 */
export function postgresStore(sql: Sql, options: SqlStoreOptions = {}): SqlStore {
  return sqlStore(postgresDriver(sql), options)
}
