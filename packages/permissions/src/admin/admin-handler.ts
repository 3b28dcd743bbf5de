import { AuthError, ConfigError, toErrorResponse } from '@cloudauth/core'
import { jsonAnswer, readCapped } from '@cloudauth/core/binding'
import type { z } from 'zod'
import {
  assignmentBody,
  createRoleBody,
  effectiveQuery,
  groupNameSchema,
  pageQuery,
  patchRoleBody,
  principalIdSchema,
  roleNameSchema,
} from './admin-schemas.js'
import { principalFromPipeline, type PrincipalPipeline } from './principal-from-pipeline.js'
import { StoreRefusal, type AdminStore, type PageRequest } from '../stores/admin-store.js'
import type { Permissions } from '../permissions.js'
import type { PermissionPrincipal, PrincipalRef } from '../types.js'

/** Options of `perms.admin()`. */
export interface AdminOptions {
  /**
   * The binding's pipeline (`auth.pipeline`): the caller is whoever its `principal()` step
   * authenticates (a user's token, a service credential). Give this or `authorize`.
   */
  readonly pipeline?: PrincipalPipeline
  /**
   * Who is calling, decided by the app: the principal of the request, `undefined` when it carries no
   * credentials. Throw an `AuthError` for bad credentials; it becomes the answer. Give this or
   * `pipeline`.
   */
  readonly authorize?: (
    request: Request,
  ) => Promise<PermissionPrincipal | undefined> | PermissionPrincipal | undefined
  /** Where the routes live. Default `/permissions`. */
  readonly basePath?: string
  /** `WWW-Authenticate` realm of 401 and 403 answers. Default `api`. */
  readonly realm?: string
  /** The clock (epoch ms) that checks an expiry is in the future. Default `Date.now`. */
  readonly now?: () => number
}

/** Statements that let a caller read, and change, permissions (`any` of each list). */
export const ADMIN_STATEMENTS = {
  read: ['permissions:admin', 'permissions:read'],
  write: ['permissions:admin', 'permissions:write'],
} as const

const MAX_BODY = 64 * 1024

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: readonly { path: string; message: string }[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  // Issues name the path and the rule, never the value sent.
  throw new HttpProblem(
    400,
    'invalid_request',
    `invalid ${what}`,
    result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  )
}

async function readBody(request: Request, optional: boolean): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0')
  const tooLarge = () => new HttpProblem(413, 'body_too_large', 'the body exceeds 64 KiB')
  if (declared > MAX_BODY) throw tooLarge()
  // At most 64 KiB is read, whatever the body claims: a chunked body has no Content-Length.
  const bytes =
    request.body === null ? new Uint8Array(0) : await readCapped(request.body, MAX_BODY, tooLarge)
  const text = new TextDecoder().decode(bytes)
  if (text.trim() === '') {
    if (optional) return {}
    throw new HttpProblem(400, 'invalid_request', 'a JSON body is required')
  }
  const type = request.headers.get('content-type') ?? ''
  if (!/^application\/json\b/i.test(type))
    throw new HttpProblem(415, 'unsupported_media_type', 'the body must be application/json')
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new HttpProblem(400, 'invalid_request', 'the body is not valid JSON')
  }
}

function pageOf(url: URL): PageRequest {
  const query = parse(pageQuery, Object.fromEntries(url.searchParams), 'query')
  return { limit: query.limit, cursor: query.cursor }
}

function futureExpiry(value: string | null | undefined, now: number): Date | null {
  if (value === undefined || value === null) return null
  const date = new Date(value)
  if (date.getTime() <= now)
    throw new HttpProblem(400, 'invalid_request', 'invalid body', [
      { path: 'expiresAt', message: 'the expiry must be in the future' },
    ])
  return date
}

function segments(pathname: string, base: string): string[] | undefined {
  if (pathname !== base && !pathname.startsWith(`${base}/`)) return undefined
  const rest = pathname
    .slice(base.length)
    .split('/')
    .filter((s) => s !== '')
  try {
    return rest.map((s) => decodeURIComponent(s))
  } catch {
    throw new HttpProblem(400, 'invalid_request', 'the path is not valid percent-encoding')
  }
}

function notFound(what: string): never {
  throw new HttpProblem(404, 'not_found', what)
}

function methodNotAllowed(allow: string): never {
  throw new HttpProblem(405, 'method_not_allowed', `allowed methods: ${allow}`, undefined, {
    allow,
  })
}

/**
 * The admin API of a SQL store as a Fetch handler. Internal: apps get it through `perms.admin()`.
 * Every answer is JSON; lists are paginated (`?limit=&cursor=`, answer `{ items, next }`).
 */
export function createAdminHandler(
  perms: Permissions,
  store: AdminStore,
  options: AdminOptions,
): (request: Request) => Promise<Response | undefined> {
  if ((options.pipeline === undefined) === (options.authorize === undefined))
    throw new ConfigError('admin', 'give exactly one of pipeline (auth.pipeline) or authorize')
  if (options.authorize !== undefined && typeof options.authorize !== 'function')
    throw new ConfigError('authorize', 'must be a function')
  if (options.pipeline !== undefined && typeof options.pipeline.principal !== 'function')
    throw new ConfigError('pipeline', 'must be a binding pipeline (auth.pipeline)')
  const authorize =
    options.authorize ??
    (options.pipeline === undefined ? () => undefined : principalFromPipeline(options.pipeline))
  const base = (options.basePath ?? '/permissions').replace(/\/+$/, '')
  if (!/^(\/[A-Za-z0-9._~-]+)*$/.test(base))
    throw new ConfigError('basePath', 'must be a path such as /permissions')
  const realm = options.realm ?? 'api'
  const now = options.now ?? Date.now

  async function guard(request: Request, write: boolean): Promise<void> {
    const caller = await authorize(request)
    if (caller === undefined || caller.kind === 'anonymous')
      throw new AuthError('missing_token', 'no credentials were sent')
    const needed = write ? ADMIN_STATEMENTS.write : ADMIN_STATEMENTS.read
    const result = await perms.check(caller, needed, 'any')
    if (!result.allowed)
      throw new AuthError('insufficient_permission', 'a required permission is missing', {
        scope: needed,
      })
  }

  async function principalRoutes(
    request: Request,
    url: URL,
    ref: PrincipalRef,
    rest: string[],
  ): Promise<Response> {
    const [what, name, ...extra] = rest
    if (extra.length > 0) notFound('no such route')
    const method = request.method
    if (what === 'roles' && name === undefined) {
      if (method !== 'GET') methodNotAllowed('GET')
      return jsonAnswer(200, await store.listPrincipalRoles(ref, pageOf(url)))
    }
    if (what === 'roles' && name !== undefined) {
      const role = parse(roleNameSchema, name, 'role name')
      if (method === 'PUT') {
        const body = parse(assignmentBody, await readBody(request, true), 'body')
        const expiresAt = futureExpiry(body.expiresAt, now())
        return jsonAnswer(200, await store.assignPrincipalRole(ref, role, expiresAt))
      }
      if (method === 'DELETE') {
        if (!(await store.unassignPrincipalRole(ref, role)))
          notFound(`the ${ref.kind} does not hold the role ${role}`)
        return jsonAnswer(204, null)
      }
      methodNotAllowed('PUT, DELETE')
    }
    if (what === 'groups' && name === undefined) {
      if (method !== 'GET') methodNotAllowed('GET')
      return jsonAnswer(200, await store.listPrincipalGroups(ref, pageOf(url)))
    }
    if (what === 'groups' && name !== undefined) {
      const group = parse(groupNameSchema, name, 'group name')
      if (method === 'PUT') {
        const body = parse(assignmentBody, await readBody(request, true), 'body')
        const expiresAt = futureExpiry(body.expiresAt, now())
        return jsonAnswer(200, await store.addPrincipalGroup(ref, group, expiresAt))
      }
      if (method === 'DELETE') {
        if (!(await store.removePrincipalGroup(ref, group)))
          notFound(`the ${ref.kind} is not in the group ${group}`)
        return jsonAnswer(204, null)
      }
      methodNotAllowed('PUT, DELETE')
    }
    if (what === 'permissions' && name === undefined) {
      if (method !== 'GET') methodNotAllowed('GET')
      const query = parse(
        effectiveQuery,
        { group: url.searchParams.getAll('group'), check: url.searchParams.getAll('check') },
        'query',
      )
      const principal = { kind: ref.kind, id: ref.id, groups: query.group }
      const effective = await perms.explain(principal)
      const decisions =
        query.check.length === 0 ? undefined : (await perms.check(principal, query.check)).decisions
      return jsonAnswer(200, decisions === undefined ? effective : { ...effective, decisions })
    }
    notFound('no such route')
  }

  async function route(request: Request, url: URL, path: string[]): Promise<Response> {
    const method = request.method
    const [collection, key, ...rest] = path
    if (collection === 'roles') {
      if (key === undefined) {
        if (method === 'GET') return jsonAnswer(200, await store.listRoles(pageOf(url)))
        if (method === 'POST') {
          const body = parse(createRoleBody, await readBody(request, false), 'body')
          return jsonAnswer(201, await store.createRole(body), {
            location: `${base}/roles/${encodeURIComponent(body.name)}`,
          })
        }
        methodNotAllowed('GET, POST')
      }
      if (rest.length > 0) notFound('no such route')
      const name = parse(roleNameSchema, key, 'role name')
      if (method === 'GET') {
        const role = await store.getRole(name)
        return role === undefined ? notFound(`no role named ${name}`) : jsonAnswer(200, role)
      }
      if (method === 'PATCH') {
        const body = parse(patchRoleBody, await readBody(request, false), 'body')
        return jsonAnswer(200, await store.updateRole(name, body))
      }
      if (method === 'DELETE') {
        if (!(await store.deleteRole(name))) notFound(`no role named ${name}`)
        return jsonAnswer(204, null)
      }
      methodNotAllowed('GET, PATCH, DELETE')
    }
    if (collection === 'groups') {
      if (key === undefined) {
        if (method !== 'GET') methodNotAllowed('GET')
        return jsonAnswer(200, await store.listGroups(pageOf(url)))
      }
      const group = parse(groupNameSchema, key, 'group name')
      const [what, role, ...extra] = rest
      if (what !== 'roles' || extra.length > 0) notFound('no such route')
      if (role === undefined) {
        if (method !== 'GET') methodNotAllowed('GET')
        return jsonAnswer(200, await store.listGroupRoles(group, pageOf(url)))
      }
      const roleName = parse(roleNameSchema, role, 'role name')
      if (method === 'PUT') {
        const body = parse(assignmentBody, await readBody(request, true), 'body')
        const expiresAt = futureExpiry(body.expiresAt, now())
        return jsonAnswer(200, await store.assignGroupRole(group, roleName, expiresAt))
      }
      if (method === 'DELETE') {
        if (!(await store.unassignGroupRole(group, roleName)))
          notFound(`the group does not hold the role ${roleName}`)
        return jsonAnswer(204, null)
      }
      methodNotAllowed('PUT, DELETE')
    }
    if ((collection === 'users' || collection === 'services') && key !== undefined) {
      const id = parse(principalIdSchema, key, 'principal id')
      const kind = collection === 'users' ? 'user' : 'service'
      return principalRoutes(request, url, { kind, id }, rest)
    }
    notFound('no such route')
  }

  return async (request) => {
    const url = new URL(request.url)
    let path: string[] | undefined
    try {
      path = segments(url.pathname, base)
      if (path === undefined) return undefined
      const write = !['GET', 'HEAD'].includes(request.method)
      await guard(request, write)
      const response = await route(request, url, path)
      if (write && response.status < 300) perms.invalidate()
      return response
    } catch (error) {
      if (error instanceof HttpProblem)
        return jsonAnswer(
          error.status,
          {
            error: error.code,
            message: error.message,
            ...(error.issues === undefined ? {} : { issues: error.issues }),
          },
          error.headers,
        )
      if (error instanceof StoreRefusal)
        return jsonAnswer(error.reason === 'conflict' ? 409 : 404, {
          error: error.reason,
          message: error.message,
        })
      const failure =
        error instanceof AuthError
          ? error
          : new AuthError('permissions_unavailable', 'the permission store cannot answer', {
              cause: error,
              retryAfter: 5,
            })
      const answer = toErrorResponse(failure, { realm })
      return jsonAnswer(answer.status, answer.body, { ...answer.headers })
    }
  }
}
