import { insecureUrlProblem } from '@cloudauth/core/provider'
/**
 * Configuration rules shared by `auth0()` and `auth0FromEnv()`. Each returns why a value is wrong,
 * or `undefined`, so `auth0FromEnv()` can gather every problem before it throws. Messages never
 * repeat the value: an environment variable may hold something that should not reach a log.
 */

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?'
const HOST = new RegExp(`^(?=.{1,253}$)(?:${LABEL}\\.)+${LABEL}$`, 'i')

/** An Auth0 tenant or custom domain: a bare host name such as `acme.eu.auth0.com`. */
export function domainProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return 'is required (or give issuer)'
  if (value.includes('://'))
    return 'must be a bare host such as acme.eu.auth0.com, without a scheme (drop "https://")'
  if (value.includes('/'))
    return 'must be a bare host such as acme.eu.auth0.com, without a path or trailing slash'
  if (value.includes(':')) return 'must be a bare host such as acme.eu.auth0.com, without a port'
  if (!HOST.test(value)) return 'must be a host name such as acme.eu.auth0.com'
  return undefined
}

/**
 * An explicit issuer: an absolute https URL, or http on a loopback host for a local issuer. The
 * string is compared with `iss` exactly (RFC 7519 §4.1.1), so it is kept as given.
 */
export function issuerProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return 'must be a non-empty URL'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'must be an absolute URL such as https://login.example.com/'
  }
  const insecure = insecureUrlProblem(url)
  if (insecure !== undefined) return insecure
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    return 'must not carry a query, fragment or credentials'
  return undefined
}

/** A non-empty string or a non-empty list of non-empty strings (`audience`, `clientId`). */
export function listProblem(value: unknown): string | undefined {
  const list: unknown = typeof value === 'string' ? [value] : value
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.some((item) => typeof item !== 'string' || item === '')
  )
    return 'must be a non-empty string or a non-empty list of non-empty strings'
  return undefined
}

/** One value or a list, as a list. */
export function toList(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : [...value]
}

/** `JWKS at {issuer}.well-known/jwks.json`, whether or not the issuer ends with a slash. */
export function jwksUriOf(issuer: string): string {
  return `${issuer.endsWith('/') ? issuer : `${issuer}/`}.well-known/jwks.json`
}
