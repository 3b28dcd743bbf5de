import type { AuthError } from '../errors/auth-error.js'
import type { ResolvedIssuer } from './resolve-options.js'

/** What the development log knows when a token is refused: the configuration, never the token. */
export interface RejectionContext {
  readonly issuers: ReadonlyMap<string, ResolvedIssuer>
  /** The configured issuer the token matched, if it got that far. */
  readonly matched: string | undefined
  readonly cached: boolean
  readonly clockTolerance: number
  readonly maxTokenAge: number | undefined
  readonly typ: ReadonlySet<string | null> | undefined
  /** Why the matched issuer's last key set fetch failed (our own message), if it did. */
  readonly keyFailure: string | undefined
}

const list = (values: Iterable<string | null>): string =>
  [...values].map((value) => (value === null ? '(none)' : JSON.stringify(value))).join(', ')

function keySource(issuer: ResolvedIssuer): string {
  const keys = issuer.keys
  if (keys === undefined) return 'no key set'
  return 'uri' in keys ? keys.uri : 'the fixed jwks option'
}

/**
 * One line for the development log (`devLog`) saying why a token was refused, in terms of the
 * verifier's configuration: what it trusts and expects, then which part of the token differs. It
 * names configured values (issuers, audiences, algorithms, key set URLs) and the error's own
 * description, which never holds a token value; it never quotes the token or its claims.
 *
 * @example
 * ```ts
 * explainRejection(error, context)
 * // 'cloudauth: token refused (invalid_issuer): this verifier trusts issuer "https://x/"; the token's issuer (iss) differs ...'
 * ```
 * @throws nothing
 */
export function explainRejection(error: AuthError, context: RejectionContext): string {
  const issuer = context.matched === undefined ? undefined : context.issuers.get(context.matched)
  const forIssuer = issuer === undefined ? '' : `for issuer ${JSON.stringify(issuer.issuer)} `
  const tolerance = `clockTolerance ${context.clockTolerance} s`
  let why: string
  switch (error.code) {
    case 'invalid_issuer':
      why =
        issuer === undefined
          ? `this verifier trusts issuer ${list(context.issuers.keys())}; the token's issuer (iss) differs or is missing. It must be equal character for character: scheme, host, port, path and a trailing slash all count`
          : `${forIssuer}a provider check refused the issuer: ${error.description}`
      break
    case 'invalid_audience':
      why =
        issuer?.audience == null
          ? `${forIssuer}a provider check refused the audience: ${error.description}`
          : `${forIssuer}this verifier expects audience ${list(issuer.audience)}; the token's aud differs (${error.description})`
      break
    case 'unsupported_algorithm':
      why = `${forIssuer}this verifier accepts alg ${list(issuer?.algorithmList ?? [])}: ${error.description}`
      break
    case 'invalid_header':
      why =
        context.typ !== undefined && error.description.includes('typ')
          ? `this verifier accepts typ ${list(context.typ)} (case-insensitive); the token's typ differs`
          : error.description
      break
    case 'unknown_key':
      why =
        issuer === undefined
          ? error.description
          : `${forIssuer}the token's kid names no key in the key set at ${keySource(issuer)}: was it signed by another environment's key (a dev issuer's token against production keys)?`
      break
    case 'invalid_signature':
      why = `${forIssuer}the signature does not verify with the key published under the token's kid: the token was altered, or signed by another key that uses the same kid`
      break
    case 'jwks_unavailable':
      why =
        issuer !== undefined && error.description.includes('signing keys')
          ? `${forIssuer}the key set at ${keySource(issuer)} cannot be fetched${
              context.keyFailure === undefined ? '' : ` (${context.keyFailure})`
            }; the answer is 503 until it can`
          : error.description
      break
    case 'token_expired':
      why = error.description.includes('maximum age')
        ? `the token is older than maxTokenAge (${String(context.maxTokenAge)} s after its iat), with ${tolerance}`
        : `the token's exp is in the past by more than ${tolerance}`
      break
    case 'token_not_yet_valid':
      why = `${error.description}: later than now plus ${tolerance}; check the clocks of the issuer and of this host`
      break
    case 'token_revoked':
      why = 'the isRevoked hook said the token is revoked'
      break
    default:
      why = error.description
  }
  return `cloudauth: token refused (${error.code}${context.cached ? ', cached token' : ''}): ${why}`
}
