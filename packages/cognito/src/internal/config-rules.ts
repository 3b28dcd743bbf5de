import { insecureUrlProblem } from '@cloudauth/core/provider'
// AWS regions: two-letter area, one or more words, a number (us-east-1, us-gov-west-1, ap-southeast-4).
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/
// AWS's own pattern for a user pool id is [\w-]+_[0-9a-zA-Z]+, with the region before the underscore.
const AWS_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d{1,2})_[0-9A-Za-z]+$/
// Emulators (cognito-local: local_XXXXXXXX) keep the shape but not the region.
const LOCAL_POOL_ID = /^[\w-]+_[0-9A-Za-z]+$/
// AWS's pattern for an app client id is [\w+]+, at most 128 characters.
const CLIENT_ID = /^[\w+]{1,128}$/

/**
 * Stands in for an endpoint that failed its own check, so that pool ids are still checked as an
 * emulator's. Never reaches a provider: the endpoint's problem is thrown first.
 */
export const LOCAL_PLACEHOLDER = 'http://127.0.0.1'

/** The problem with a region, if any. Values are never echoed: a mistaken paste may be a secret. */
export function regionProblem(region: unknown): string | undefined {
  if (typeof region !== 'string' || !REGION.test(region))
    return 'must be an AWS region such as us-east-1'
  return undefined
}

/**
 * Checks a pool id and returns the region it names (AWS) or `undefined` (emulator), or a problem.
 */
export function parsePoolId(
  userPoolId: unknown,
  local: boolean,
): { readonly region: string | undefined } | { readonly problem: string } {
  if (typeof userPoolId !== 'string' || userPoolId === '')
    return { problem: 'is required (a user pool id such as us-east-1_AbCdEf123)' }
  if (local) {
    return LOCAL_POOL_ID.test(userPoolId)
      ? { region: undefined }
      : { problem: 'must look like {prefix}_{letters and digits}, such as local_AbCd1234' }
  }
  const match = AWS_POOL_ID.exec(userPoolId)
  if (match === null)
    return {
      problem:
        'must be {region}_{letters and digits}, such as us-east-1_AbCdEf123 (set endpoint for an emulator)',
    }
  return { region: match[1] }
}

/** Checks one or several app client ids; returns them, or a problem. */
export function parseClientIds(
  clientId: unknown,
): { readonly clients: readonly string[] } | { readonly problem: string } {
  const list: unknown[] =
    typeof clientId === 'string' ? [clientId] : Array.isArray(clientId) ? clientId : []
  if (list.length === 0)
    return { problem: 'is required (an app client id, or a non-empty list of them)' }
  if (!list.every((id): id is string => typeof id === 'string' && CLIENT_ID.test(id)))
    return { problem: 'must be app client ids: letters, digits, _ or +, at most 128 characters' }
  return { clients: [...new Set(list)] }
}

/**
 * Checks an emulator endpoint and returns its base URL without a trailing slash, or a problem.
 * Plain HTTP is allowed only on loopback, as core allows it for key sets: keys fetched over HTTP
 * from elsewhere could be swapped in transit.
 */
export function parseEndpoint(
  endpoint: unknown,
): { readonly base: string } | { readonly problem: string } {
  let url: URL
  try {
    if (typeof endpoint !== 'string') throw new TypeError('not a string')
    url = new URL(endpoint)
  } catch {
    return { problem: 'must be an absolute URL such as http://127.0.0.1:9229' }
  }
  const insecure = insecureUrlProblem(url)
  if (insecure !== undefined) return { problem: insecure }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
    return { problem: 'must not carry credentials, a query or a fragment' }
  return { base: `${url.origin}${url.pathname.replace(/\/+$/, '')}` }
}
