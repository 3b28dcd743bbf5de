import type { ConfigProblems } from '@cloudauth/core/provider'
import { parseClientIds, parsePoolId, regionProblem } from './config-rules.js'

/** One user pool as configured, before checking. */
export interface PoolInput {
  readonly userPoolId: unknown
  readonly clientId: unknown
  readonly region?: unknown
}

/** The option (or environment variable) names under which a pool's fields are reported. */
export interface PoolNames {
  readonly userPoolId: string
  readonly clientId: string
  readonly region: string
}

/** One user pool, checked, with its issuer and key set URL. */
export interface ResolvedPool {
  readonly userPoolId: string
  readonly clients: readonly string[]
  readonly issuer: string
  readonly jwksUri: string
}

/**
 * Checks one pool, pushing every problem found, and returns it resolved when it has none.
 *
 * Issuer: `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`, or `{endpoint}/{userPoolId}`
 * for an emulator (cognito-local's layout); key set at `{issuer}/.well-known/jwks.json`.
 */
export function resolvePool(
  pool: PoolInput,
  names: PoolNames,
  endpoint: string | undefined,
  problems: ConfigProblems,
): ResolvedPool | undefined {
  const before = problems.size
  const local = endpoint !== undefined
  const id = parsePoolId(pool.userPoolId, local)
  if ('problem' in id) problems.add(names.userPoolId, id.problem)
  const clients = parseClientIds(pool.clientId)
  if ('problem' in clients) problems.add(names.clientId, clients.problem)

  let region: string | undefined
  if (pool.region !== undefined) {
    const problem = regionProblem(pool.region)
    problems.add(names.region, problem)
    if (problem === undefined) region = pool.region as string
  }
  // On AWS the pool id starts with its region; a different region would build an issuer that no
  // token carries, and every request would fail with invalid_issuer. Say so now instead.
  if (!local && region !== undefined && 'region' in id && id.region !== region) {
    problems.add(names.region, `does not match the region prefix of ${names.userPoolId}`)
  }
  if (problems.size > before || 'problem' in id || 'problem' in clients) return undefined

  const userPoolId = pool.userPoolId as string
  // parsePoolId gives AWS pool ids their region, so one of the two is set when not local.
  const awsRegion = region ?? id.region ?? ''
  const issuer = local
    ? `${endpoint}/${userPoolId}`
    : `https://cognito-idp.${awsRegion}.amazonaws.com/${userPoolId}`
  return {
    userPoolId,
    clients: clients.clients,
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
  }
}
