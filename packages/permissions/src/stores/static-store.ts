import { ConfigError } from '@cloudauth/core'
import { z } from 'zod'
import { grantStatementSchema } from '../statements/statement.js'
import type { Grant, GrantVia, PermissionStore } from '../types.js'

const NAME = /^[A-Za-z0-9_.-]{1,64}$/

const assignment = z.union([
  z.string().regex(NAME),
  z.object({ role: z.string().regex(NAME), expiresAt: z.date().nullable().optional() }).strict(),
])

const staticSchema = z
  .object({
    roles: z.record(
      z.string().regex(NAME),
      z
        .object({
          allow: z.array(grantStatementSchema).optional(),
          deny: z.array(grantStatementSchema).optional(),
        })
        .strict(),
    ),
    groups: z.record(z.string().min(1), z.array(assignment)).optional(),
    users: z.record(z.string().min(1), z.array(assignment)).optional(),
    services: z.record(z.string().min(1), z.array(assignment)).optional(),
  })
  .strict()

/** A role assignment in a {@link staticStore}: the role name, or the role with an expiry. */
export type StaticAssignment =
  string | { readonly role: string; readonly expiresAt?: Date | null | undefined }

/** The content of a {@link staticStore}. */
export interface StaticStoreOptions {
  /** Roles by name, each with the statements it allows and denies. */
  readonly roles: Readonly<
    Record<string, { readonly allow?: readonly string[]; readonly deny?: readonly string[] }>
  >
  /** Roles of each group (as the token's group claim names it). */
  readonly groups?: Readonly<Record<string, readonly StaticAssignment[]>>
  /** Roles of each user, by principal id (`sub`). */
  readonly users?: Readonly<Record<string, readonly StaticAssignment[]>>
  /** Roles of each service principal, by id. */
  readonly services?: Readonly<Record<string, readonly StaticAssignment[]>>
}

/**
 * A read-only store written in code: roles, and their assignment to groups, users and services.
 * Checked at construction with the same statement rules as the SQL stores.
 *
 * @example
 * ```ts
 * const store = staticStore({
 *   roles: { reader: { allow: ['orders:read'] }, admin: { allow: ['*'], deny: ['billing:delete'] } },
 *   groups: { staff: ['reader'], admins: ['admin'] },
 *   users: { 'user-1': [{ role: 'admin', expiresAt: new Date('2030-01-01') }] },
 * })
 * ```
 *
 * @throws ConfigError when a statement or name is malformed, or an assignment names an unknown role.
 */
export function staticStore(options: StaticStoreOptions): PermissionStore {
  const parsed = staticSchema.safeParse(options)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new ConfigError('staticStore', problems[0] ?? 'invalid', problems)
  }
  const { roles } = parsed.data
  const statementsOf = (role: string) => {
    const def = roles[role]
    if (def === undefined) return undefined
    return [
      ...(def.allow ?? []).map((statement) => ({ statement, effect: 'allow' as const })),
      ...(def.deny ?? []).map((statement) => ({ statement, effect: 'deny' as const })),
    ]
  }
  const expand = (
    where: string,
    list: readonly StaticAssignment[] | undefined,
    via: GrantVia,
  ): Grant[] =>
    (list ?? []).flatMap((entry) => {
      const role = typeof entry === 'string' ? entry : entry.role
      const expiresAt = typeof entry === 'string' ? null : (entry.expiresAt ?? null)
      const statements = statementsOf(role)
      if (statements === undefined)
        throw new ConfigError('staticStore', `${where} names the unknown role ${role}`)
      return statements.map((s) => ({ ...s, role, via, expiresAt }))
    })
  // Expand every assignment once, so an unknown role fails here, not on a request.
  const groups = new Map<string, Grant[]>()
  for (const [group, list] of Object.entries(parsed.data.groups ?? {}))
    groups.set(group, expand(`groups.${group}`, list, { kind: 'group', group, source: 'token' }))
  const direct = new Map<string, Grant[]>()
  for (const kind of ['users', 'services'] as const) {
    for (const [id, list] of Object.entries(parsed.data[kind] ?? {}))
      direct.set(
        `${kind === 'users' ? 'user' : 'service'}\u0000${id}`,
        expand(`${kind}.${id}`, list, { kind: kind === 'users' ? 'user' : 'service' }),
      )
  }
  return {
    load(principal, tokenGroups) {
      const grants = [...(direct.get(`${principal.kind}\u0000${principal.id}`) ?? [])]
      for (const group of tokenGroups) grants.push(...(groups.get(group) ?? []))
      return Promise.resolve(grants)
    },
  }
}
