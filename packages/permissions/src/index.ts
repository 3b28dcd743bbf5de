export { permissions } from './permissions.js'
export type {
  EffectivePermissions,
  MemoView,
  Permissions,
  PermissionsOptions,
} from './permissions.js'
export { decide } from './check/decide.js'
export {
  grantStatementSchema,
  isGrantStatement,
  isRequiredStatement,
  requiredStatementSchema,
  statementCovers,
} from './statements/statement.js'
export { staticStore } from './stores/static-store.js'
export type { StaticAssignment, StaticStoreOptions } from './stores/static-store.js'
export { pgliteStore } from './stores/pglite-store.js'
export { postgresStore } from './stores/postgres-store.js'
export type { SqlStore, SqlStoreOptions } from './stores/sql-store.js'
export { MIGRATIONS } from './stores/migrations.js'
export type { Migration } from './stores/migrations.js'
export { StoreRefusal } from './stores/admin-store.js'
export type {
  AdminStore,
  GroupMembership,
  Page,
  PageRequest,
  Role,
  RoleAssignment,
  RoleInput,
  RolePatch,
} from './stores/admin-store.js'
export { ADMIN_STATEMENTS } from './admin/admin-handler.js'
export type { AdminOptions } from './admin/admin-handler.js'
export { principalFromPipeline } from './admin/principal-from-pipeline.js'
export type { PrincipalPipeline } from './admin/principal-from-pipeline.js'
export type {
  CheckMode,
  CheckResult,
  Effect,
  Grant,
  GrantVia,
  PermissionPrincipal,
  PermissionStore,
  PrincipalKind,
  PrincipalRef,
  StatementDecision,
} from './types.js'
