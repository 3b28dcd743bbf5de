import type { PGlite } from '@electric-sql/pglite'
import { pgliteDriver } from '../internal/pglite-driver.js'
import { sqlStore, type SqlStore, type SqlStoreOptions } from './sql-store.js'

/**
 * The SQL store on PGlite, PostgreSQL compiled to WASM and run in this process: no server to run,
 * the default for demos, examples and tests. Same schema and queries as {@link postgresStore}.
 * Run `await store.migrate()` once before use. Changes made through another `permissions()` on the
 * same PGlite instance reach every instance through `LISTEN/NOTIFY`.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite'
 * const store = pgliteStore(await PGlite.create())
 * await store.migrate()
 * const perms = permissions({ store })
 * ```
 */
export function pgliteStore(db: PGlite, options: SqlStoreOptions = {}): SqlStore {
  return sqlStore(pgliteDriver(db), options)
}
