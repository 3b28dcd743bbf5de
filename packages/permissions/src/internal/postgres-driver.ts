import type { Sql, TransactionSql } from 'postgres'
import type { SqlDriver, SqlQuery } from './sql-driver.js'

function querier(sql: Sql | TransactionSql): SqlQuery {
  return async <R>(text: string, params: readonly unknown[] = []) =>
    (await sql.unsafe(text, params as never[])) as unknown as R[]
}

/** Adapts a postgres.js client (a real PostgreSQL server) to the store's driver. */
export function postgresDriver(sql: Sql): SqlDriver {
  return {
    engine: 'postgres',
    query: querier(sql),
    async exec(text) {
      await sql.unsafe(text)
    },
    transaction: async <T>(fn: (query: SqlQuery) => Promise<T>) =>
      (await sql.begin((tx) => fn(querier(tx)))) as T,
    async listen(channel, onNotify, onConnect) {
      const request = await sql.listen(channel, () => onNotify(), onConnect)
      return () => request.unlisten()
    },
  }
}
