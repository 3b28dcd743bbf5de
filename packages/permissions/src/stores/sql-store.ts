import { MIGRATIONS } from './migrations.js'
import {
  StoreRefusal,
  type AdminStore,
  type GroupMembership,
  type Page,
  type PageRequest,
  type Role,
  type RoleAssignment,
} from './admin-store.js'
import type { SqlDriver, SqlQuery } from '../internal/sql-driver.js'
import type { Effect, Grant, PrincipalRef } from '../types.js'

/** Options of the SQL stores. */
export interface SqlStoreOptions {
  /** The `LISTEN/NOTIFY` channel that carries change notices. Default `cloudauth_permissions`. */
  readonly channel?: string
}

/** A SQL store: what the admin API needs, plus the engine it runs on. */
export interface SqlStore extends AdminStore {
  readonly engine: 'pglite' | 'postgres'
}

// ONE round trip per principal: the roles of every group the principal is in (from its token,
// passed as an array, and from the store), and its own roles, joined to their statements.
// `least` ignores nulls, so the expiry is the earliest of membership and assignment, or none.
const LOAD = `
with member_groups as (
  select t.group_name, 'token'::text as source, null::timestamptz as expires_at
    from unnest($3::text[]) as t(group_name)
  union all
  select pg.group_name, 'store'::text, pg.expires_at
    from cloudauth_principal_groups pg
   where pg.principal_kind = $1 and pg.principal_id = $2
)
select 'group' as via, mg.group_name, mg.source, s.role, s.statement, s.effect,
       least(mg.expires_at, gr.expires_at) as expires_at
  from member_groups mg
  join cloudauth_group_roles gr on gr.group_name = mg.group_name
  join cloudauth_role_statements s on s.role = gr.role
union all
select 'direct', null, null, s.role, s.statement, s.effect, pr.expires_at
  from cloudauth_principal_roles pr
  join cloudauth_role_statements s on s.role = pr.role
 where pr.principal_kind = $1 and pr.principal_id = $2`

const ROLE_COLUMNS = `r.name, r.description, r.created_at, r.updated_at,
  array(select s.statement from cloudauth_role_statements s
         where s.role = r.name and s.effect = 'allow' order by s.statement collate "C") as allow,
  array(select s.statement from cloudauth_role_statements s
         where s.role = r.name and s.effect = 'deny' order by s.statement collate "C") as deny`

interface LoadRow {
  via: 'group' | 'direct'
  group_name: string | null
  source: 'token' | 'store' | null
  role: string
  statement: string
  effect: Effect
  expires_at: Date | string | null
}

interface RoleRow {
  name: string
  description: string
  created_at: Date | string
  updated_at: Date | string
  allow: string[]
  deny: string[]
}

interface AssignmentRow {
  key: string
  expires_at: Date | string | null
  created_at: Date | string
}

function first<T>(rows: readonly T[], what: string): T {
  const row = rows[0]
  if (row === undefined) throw new Error(`the store answered no row for ${what}`)
  return row
}

function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value)
}

function toDateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value)
}

function toRole(row: RoleRow): Role {
  return {
    name: row.name,
    description: row.description,
    allow: row.allow,
    deny: row.deny,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  }
}

// Cursors are opaque to clients: the last key of the page, base64url-encoded.
function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url')
}

function decodeCursor(cursor: string | undefined): string | null {
  if (cursor === undefined) return null
  return Buffer.from(cursor, 'base64url').toString('utf8')
}

function page<T>(rows: readonly T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return {
    items,
    next: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  }
}

function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

function unique<T>(values: readonly T[] | undefined): T[] {
  return [...new Set(values ?? [])]
}

/**
 * The SQL store on any {@link SqlDriver}: the same schema and the same parameterised queries on
 * PGlite and PostgreSQL. Internal: apps build it through `pgliteStore` or `postgresStore`.
 */
export function sqlStore(driver: SqlDriver, options: SqlStoreOptions = {}): SqlStore {
  const channel = options.channel ?? 'cloudauth_permissions'
  const notify = (query: SqlQuery) => query('select pg_notify($1, $2)', [channel, 'changed'])

  async function insertStatements(
    query: SqlQuery,
    role: string,
    effect: Effect,
    statements: readonly string[],
  ): Promise<void> {
    if (statements.length === 0) return
    await query(
      `insert into cloudauth_role_statements (role, effect, statement)
       select $1, $2, unnest($3::text[])`,
      [role, effect, unique(statements)],
    )
  }

  async function readRoles(query: SqlQuery, name: string): Promise<Role[]> {
    const rows = await query<RoleRow>(
      `select ${ROLE_COLUMNS} from cloudauth_roles r where r.name = $1`,
      [name],
    )
    return rows.map(toRole)
  }

  // Runs a write in a transaction that notifies on commit, and turns constraint violations into
  // refusals: 23505 unique (already there), 23503 foreign key (the role is not there).
  async function write<T>(
    fn: (query: SqlQuery) => Promise<T>,
    refusals: { conflict?: string; missing?: string },
  ): Promise<T> {
    try {
      return await driver.transaction(async (query) => {
        const result = await fn(query)
        await notify(query)
        return result
      })
    } catch (error) {
      const code = pgCode(error)
      if (code === '23505' && refusals.conflict !== undefined)
        throw new StoreRefusal('conflict', refusals.conflict)
      if (code === '23503' && refusals.missing !== undefined)
        throw new StoreRefusal('not_found', refusals.missing)
      throw error
    }
  }

  const assignments = (rows: AssignmentRow[], limit: number): Page<RoleAssignment> => {
    const p = page(rows, limit, (row) => row.key)
    return {
      items: p.items.map((row) => ({
        role: row.key,
        expiresAt: toDateOrNull(row.expires_at),
        createdAt: toDate(row.created_at),
      })),
      next: p.next,
    }
  }

  const memberships = (rows: AssignmentRow[], limit: number): Page<GroupMembership> => {
    const p = page(rows, limit, (row) => row.key)
    return {
      items: p.items.map((row) => ({
        group: row.key,
        expiresAt: toDateOrNull(row.expires_at),
        createdAt: toDate(row.created_at),
      })),
      next: p.next,
    }
  }

  const iso = (date: Date | null) => (date === null ? null : date.toISOString())

  return {
    engine: driver.engine,

    async load(principal: PrincipalRef, tokenGroups: readonly string[]): Promise<Grant[]> {
      const rows = await driver.query<LoadRow>(LOAD, [
        principal.kind,
        principal.id,
        [...tokenGroups],
      ])
      return rows.map((row) => ({
        statement: row.statement,
        effect: row.effect,
        role: row.role,
        via:
          row.via === 'group'
            ? { kind: 'group', group: row.group_name ?? '', source: row.source ?? 'token' }
            : { kind: principal.kind },
        expiresAt: toDateOrNull(row.expires_at),
      }))
    },

    subscribe: (onChange) => driver.listen(channel, onChange, onChange),

    async migrate() {
      await driver.transaction(async (query) => {
        // One migrator at a time across processes; the lock ends with the transaction.
        await query(`select pg_advisory_xact_lock(hashtext('cloudauth_permissions_migrate'))`)
        await query(`create table if not exists cloudauth_permissions_migrations (
          version integer primary key,
          name text not null,
          applied_at timestamptz not null default now())`)
        const done = new Set(
          (
            await query<{ version: number }>('select version from cloudauth_permissions_migrations')
          ).map((row) => row.version),
        )
        for (const migration of MIGRATIONS) {
          if (done.has(migration.version)) continue
          for (const statement of migration.sql.split(';').map((s) => s.trim()))
            if (statement !== '') await query(statement)
          await query(
            'insert into cloudauth_permissions_migrations (version, name) values ($1, $2)',
            [migration.version, migration.name],
          )
        }
      })
    },

    async listRoles({ limit, cursor }: PageRequest) {
      const rows = await driver.query<RoleRow>(
        `select ${ROLE_COLUMNS} from cloudauth_roles r
          where $1::text is null or r.name > $1::text collate "C"
          order by r.name collate "C" limit $2`,
        [decodeCursor(cursor), limit + 1],
      )
      const p = page(rows, limit, (row) => row.name)
      return { items: p.items.map(toRole), next: p.next }
    },

    getRole: async (name) => (await readRoles(driver.query, name))[0],

    createRole(input) {
      return write(
        async (query) => {
          await query('insert into cloudauth_roles (name, description) values ($1, $2)', [
            input.name,
            input.description ?? '',
          ])
          await insertStatements(query, input.name, 'allow', input.allow ?? [])
          await insertStatements(query, input.name, 'deny', input.deny ?? [])
          return first(await readRoles(query, input.name), 'the new role')
        },
        { conflict: `a role named ${input.name} exists` },
      )
    },

    updateRole(name, patch) {
      return write(
        async (query) => {
          // Lock the role first: concurrent changes of one role run one after the other, so its
          // statements are always exactly one writer's list, never a mix.
          const locked = await query(
            'select name from cloudauth_roles where name = $1 for update',
            [name],
          )
          if (locked.length === 0) throw new StoreRefusal('not_found', `no role named ${name}`)
          const target = patch.name ?? name
          await query(
            `update cloudauth_roles
                set name = $2, description = coalesce($3, description), updated_at = now()
              where name = $1`,
            [name, target, patch.description ?? null],
          )
          for (const effect of ['allow', 'deny'] as const) {
            const list = patch[effect]
            if (list === undefined) continue
            await query('delete from cloudauth_role_statements where role = $1 and effect = $2', [
              target,
              effect,
            ])
            await insertStatements(query, target, effect, list)
          }
          return first(await readRoles(query, target), 'the role')
        },
        { conflict: `a role named ${patch.name ?? name} exists` },
      )
    },

    deleteRole(name) {
      return write(
        async (query) =>
          (await query('delete from cloudauth_roles where name = $1 returning name', [name]))
            .length > 0,
        {},
      )
    },

    async listGroups({ limit, cursor }) {
      const rows = await driver.query<{ group_name: string }>(
        `select group_name from cloudauth_group_roles
          where $1::text is null or group_name > $1::text collate "C"
          group by group_name order by group_name collate "C" limit $2`,
        [decodeCursor(cursor), limit + 1],
      )
      const p = page(rows, limit, (row) => row.group_name)
      return { items: p.items.map((row) => row.group_name), next: p.next }
    },

    async listGroupRoles(group, { limit, cursor }) {
      const rows = await driver.query<AssignmentRow>(
        `select role as key, expires_at, created_at from cloudauth_group_roles
          where group_name = $1 and ($2::text is null or role > $2::text collate "C")
          order by role collate "C" limit $3`,
        [group, decodeCursor(cursor), limit + 1],
      )
      return assignments(rows, limit)
    },

    assignGroupRole(group, role, expiresAt) {
      return write(
        async (query) => {
          const rows = await query<AssignmentRow>(
            `insert into cloudauth_group_roles (group_name, role, expires_at)
             values ($1, $2, $3::timestamptz)
             on conflict (group_name, role) do update set expires_at = excluded.expires_at
             returning role as key, expires_at, created_at`,
            [group, role, iso(expiresAt)],
          )
          return first(assignments(rows, 1).items, 'the assignment')
        },
        { missing: `no role named ${role}` },
      )
    },

    unassignGroupRole(group, role) {
      return write(
        async (query) =>
          (
            await query(
              'delete from cloudauth_group_roles where group_name = $1 and role = $2 returning role',
              [group, role],
            )
          ).length > 0,
        {},
      )
    },

    async listPrincipalRoles(principal, { limit, cursor }) {
      const rows = await driver.query<AssignmentRow>(
        `select role as key, expires_at, created_at from cloudauth_principal_roles
          where principal_kind = $1 and principal_id = $2
            and ($3::text is null or role > $3::text collate "C")
          order by role collate "C" limit $4`,
        [principal.kind, principal.id, decodeCursor(cursor), limit + 1],
      )
      return assignments(rows, limit)
    },

    assignPrincipalRole(principal, role, expiresAt) {
      return write(
        async (query) => {
          const rows = await query<AssignmentRow>(
            `insert into cloudauth_principal_roles (principal_kind, principal_id, role, expires_at)
             values ($1, $2, $3, $4::timestamptz)
             on conflict (principal_kind, principal_id, role) do update set expires_at = excluded.expires_at
             returning role as key, expires_at, created_at`,
            [principal.kind, principal.id, role, iso(expiresAt)],
          )
          return first(assignments(rows, 1).items, 'the assignment')
        },
        { missing: `no role named ${role}` },
      )
    },

    unassignPrincipalRole(principal, role) {
      return write(
        async (query) =>
          (
            await query(
              `delete from cloudauth_principal_roles
                where principal_kind = $1 and principal_id = $2 and role = $3 returning role`,
              [principal.kind, principal.id, role],
            )
          ).length > 0,
        {},
      )
    },

    async listPrincipalGroups(principal, { limit, cursor }) {
      const rows = await driver.query<AssignmentRow>(
        `select group_name as key, expires_at, created_at from cloudauth_principal_groups
          where principal_kind = $1 and principal_id = $2
            and ($3::text is null or group_name > $3::text collate "C")
          order by group_name collate "C" limit $4`,
        [principal.kind, principal.id, decodeCursor(cursor), limit + 1],
      )
      return memberships(rows, limit)
    },

    addPrincipalGroup(principal, group, expiresAt) {
      return write(async (query) => {
        const rows = await query<AssignmentRow>(
          `insert into cloudauth_principal_groups (principal_kind, principal_id, group_name, expires_at)
           values ($1, $2, $3, $4::timestamptz)
           on conflict (principal_kind, principal_id, group_name) do update set expires_at = excluded.expires_at
           returning group_name as key, expires_at, created_at`,
          [principal.kind, principal.id, group, iso(expiresAt)],
        )
        return first(memberships(rows, 1).items, 'the membership')
      }, {})
    },

    removePrincipalGroup(principal, group) {
      return write(
        async (query) =>
          (
            await query(
              `delete from cloudauth_principal_groups
                where principal_kind = $1 and principal_id = $2 and group_name = $3 returning group_name`,
              [principal.kind, principal.id, group],
            )
          ).length > 0,
        {},
      )
    },
  }
}
