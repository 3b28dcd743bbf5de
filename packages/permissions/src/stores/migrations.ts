/** One schema change of the SQL stores, applied once, in order, by `migrate()`. */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

/**
 * The schema of the SQL stores, the same on PGlite and PostgreSQL. Every table is prefixed
 * `cloudauth_` so it can share a database with the app. Deleting a role removes its statements and
 * assignments (`on delete cascade`).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'roles, statements and assignments',
    sql: `
create table cloudauth_roles (
  name text primary key,
  description text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create table cloudauth_role_statements (
  role text not null references cloudauth_roles (name) on update cascade on delete cascade,
  effect text not null check (effect in ('allow', 'deny')),
  statement text not null,
  primary key (role, effect, statement)
);
create table cloudauth_group_roles (
  group_name text not null,
  role text not null references cloudauth_roles (name) on update cascade on delete cascade,
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (group_name, role)
);
create index cloudauth_group_roles_role on cloudauth_group_roles (role);
create table cloudauth_principal_roles (
  principal_kind text not null check (principal_kind in ('user', 'service')),
  principal_id text not null,
  role text not null references cloudauth_roles (name) on update cascade on delete cascade,
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (principal_kind, principal_id, role)
);
create index cloudauth_principal_roles_role on cloudauth_principal_roles (role);
create table cloudauth_principal_groups (
  principal_kind text not null check (principal_kind in ('user', 'service')),
  principal_id text not null,
  group_name text not null,
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (principal_kind, principal_id, group_name)
);
`,
  },
]
