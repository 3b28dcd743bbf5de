import { PGlite } from '@electric-sql/pglite'
import { permissions, pgliteStore, type Permissions, type SqlStore } from '@cloudauth/permissions'

/** The example's permission source, its store, and how to stop both. */
export interface ExamplePermissions {
  readonly perms: Permissions
  readonly store: SqlStore
  close(): Promise<void>
}

/**
 * Roles of the example, seeded on start: the group `admin` may read orders and manage permissions;
 * nobody else holds anything until an admin grants it through `/permissions`.
 */
export const SEED = {
  roles: [
    { name: 'orders-reader', description: 'reads orders', allow: ['orders:read'] },
    {
      name: 'orders-clerk',
      description: 'works on orders, never deletes them',
      allow: ['orders:*'],
      deny: ['orders:delete'],
    },
    { name: 'permissions-admin', description: 'manages roles', allow: ['permissions:admin'] },
  ],
  groups: { admin: ['orders-reader', 'permissions-admin'] },
} as const

/**
 * Starts the permissions of the example on PGlite (PostgreSQL in WASM, in this process, in memory):
 * migrations, then the {@link SEED}. Nothing to run beside the app.
 *
 * @example
 * ```ts
 * const { perms, close } = await startPermissions()
 * ```
 */
export async function startPermissions(): Promise<ExamplePermissions> {
  const db = await PGlite.create()
  try {
    const store = pgliteStore(db)
    await store.migrate()
    for (const role of SEED.roles) await store.createRole(role)
    for (const [group, roles] of Object.entries(SEED.groups))
      for (const role of roles) await store.assignGroupRole(group, role, null)
    const perms = permissions({ store, cacheTtlMs: 5_000 })
    await perms.ready
    return {
      perms,
      store,
      async close() {
        await perms.close()
        await db.close()
      },
    }
  } catch (error) {
    await db.close()
    throw error
  }
}
