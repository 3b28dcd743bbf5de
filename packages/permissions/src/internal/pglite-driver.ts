import type { PGlite, Transaction } from '@electric-sql/pglite'
import type { SqlDriver, SqlQuery } from './sql-driver.js'

function querier(db: PGlite | Transaction): SqlQuery {
  return async <R>(text: string, params: readonly unknown[] = []) =>
    (await db.query<R>(text, [...params])).rows
}

/** Adapts a PGlite instance (embedded WASM PostgreSQL) to the store's driver. */
export function pgliteDriver(db: PGlite): SqlDriver {
  return {
    engine: 'pglite',
    query: querier(db),
    async exec(text) {
      await db.exec(text)
    },
    transaction: (fn) => db.transaction((tx) => fn(querier(tx))),
    async listen(channel, onNotify, onConnect) {
      const unlisten = await db.listen(channel, () => onNotify())
      onConnect()
      return unlisten
    },
  }
}
