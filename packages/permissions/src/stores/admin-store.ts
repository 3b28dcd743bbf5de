import type { PermissionStore, PrincipalRef } from '../types.js'

/** A role: a name, a description, and the statements it allows and denies. */
export interface Role {
  readonly name: string
  readonly description: string
  readonly allow: readonly string[]
  readonly deny: readonly string[]
  readonly createdAt: Date
  readonly updatedAt: Date
}

/** A role to create. Statements are checked before they reach the store. */
export interface RoleInput {
  readonly name: string
  readonly description?: string | undefined
  readonly allow?: readonly string[] | undefined
  readonly deny?: readonly string[] | undefined
}

/** A change to a role: a new name, description, or list of allowed or denied statements (replaced whole). */
export interface RolePatch {
  readonly name?: string | undefined
  readonly description?: string | undefined
  readonly allow?: readonly string[] | undefined
  readonly deny?: readonly string[] | undefined
}

/** A role held by a group or a principal, with its optional expiry. */
export interface RoleAssignment {
  readonly role: string
  readonly expiresAt: Date | null
  readonly createdAt: Date
}

/** A group a principal belongs to in the store, with its optional expiry. */
export interface GroupMembership {
  readonly group: string
  readonly expiresAt: Date | null
  readonly createdAt: Date
}

/** One page of a list, and the cursor of the next page (`null` on the last). */
export interface Page<T> {
  readonly items: readonly T[]
  readonly next: string | null
}

/** Where a page starts: at most `limit` items after the `cursor` of a previous page. */
export interface PageRequest {
  readonly limit: number
  readonly cursor?: string | undefined
}

/** Why a store write was refused: the thing is not there, or it is already there. */
export class StoreRefusal extends Error {
  override readonly name = 'StoreRefusal'
  constructor(
    readonly reason: 'not_found' | 'conflict',
    message: string,
  ) {
    super(message)
  }
}

/**
 * A store that can also be changed: what the admin API needs. Every write runs in one transaction
 * and notifies other processes (PostgreSQL `NOTIFY`) when it commits.
 */
export interface AdminStore extends PermissionStore {
  /** Applies the migrations not applied yet (idempotent, safe to run from several processes). */
  migrate(): Promise<void>
  listRoles(page: PageRequest): Promise<Page<Role>>
  getRole(name: string): Promise<Role | undefined>
  /** @throws StoreRefusal `conflict` when a role of that name exists. */
  createRole(input: RoleInput): Promise<Role>
  /** @throws StoreRefusal `not_found`, or `conflict` when renaming onto an existing role. */
  updateRole(name: string, patch: RolePatch): Promise<Role>
  /** False when there was no such role. Its assignments go with it. */
  deleteRole(name: string): Promise<boolean>
  /** Groups that hold at least one role. */
  listGroups(page: PageRequest): Promise<Page<string>>
  listGroupRoles(group: string, page: PageRequest): Promise<Page<RoleAssignment>>
  /** Creates or updates (the expiry of) an assignment. @throws StoreRefusal `not_found` (role). */
  assignGroupRole(group: string, role: string, expiresAt: Date | null): Promise<RoleAssignment>
  unassignGroupRole(group: string, role: string): Promise<boolean>
  listPrincipalRoles(principal: PrincipalRef, page: PageRequest): Promise<Page<RoleAssignment>>
  /** @throws StoreRefusal `not_found` (role). */
  assignPrincipalRole(
    principal: PrincipalRef,
    role: string,
    expiresAt: Date | null,
  ): Promise<RoleAssignment>
  unassignPrincipalRole(principal: PrincipalRef, role: string): Promise<boolean>
  listPrincipalGroups(principal: PrincipalRef, page: PageRequest): Promise<Page<GroupMembership>>
  addPrincipalGroup(
    principal: PrincipalRef,
    group: string,
    expiresAt: Date | null,
  ): Promise<GroupMembership>
  removePrincipalGroup(principal: PrincipalRef, group: string): Promise<boolean>
}
