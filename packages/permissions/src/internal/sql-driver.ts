/** Runs one parameterised statement and answers its rows. */
export type SqlQuery = <R = Record<string, unknown>>(
  text: string,
  params?: readonly unknown[],
) => Promise<R[]>

/**
 * What the SQL store needs of a PostgreSQL client. Both engines (PGlite and a server through
 * postgres.js) get the SAME SQL text; only this thin adapter differs.
 */
export interface SqlDriver {
  readonly engine: 'pglite' | 'postgres'
  readonly query: SqlQuery
  /** Runs several statements without parameters (migrations). */
  exec(text: string): Promise<void>
  /** Runs `fn` in a transaction: commit on return, rollback on throw. */
  transaction<T>(fn: (query: SqlQuery) => Promise<T>): Promise<T>
  /** `LISTEN channel`; `onConnect` runs each time the listening connection is (re)established. */
  listen(channel: string, onNotify: () => void, onConnect: () => void): Promise<() => Promise<void>>
}
