import { AuthError, ConfigError, isAuthError, type ServicePrincipal } from '@cloudauth/core'
import { ConfigProblems } from '@cloudauth/core/provider'
import type { ServiceAuthenticator } from '@cloudauth/core/binding'
import { matchesAny, sha256 } from './internal/digest.js'
import type { ServiceRequest } from './service-principal.js'
import type { ServicePrincipalEvent } from './service-principal-event.js'
import type { ServiceCredential, ServiceLookupContext, ServiceSource } from './service-source.js'

/** Options of {@link servicePrincipals}. */
export interface ServicePrincipalsOptions {
  /** The header holding the service's identifier (smac: `SMAC-Principal`). */
  readonly idHeader: string
  /** The header holding the service's token (smac: `SMAC-Token`). */
  readonly tokenHeader: string
  /** Where credentials are kept: {@link staticSource}, {@link envSource}, {@link secretsManagerSource}. */
  readonly source: ServiceSource
  /** Longest identifier accepted, in characters. Default 256. */
  readonly maxIdLength?: number
  /** Longest token accepted, in characters. Default 1024. */
  readonly maxTokenLength?: number
  /** Seconds in `Retry-After` when the store cannot answer. Default 30. */
  readonly retryAfter?: number
  /** Operator events (malformed secrets, outages, refusals); never carries a token. */
  readonly onEvent?: (event: ServicePrincipalEvent) => void
}

/**
 * The request pipeline's `ServiceAuthenticator`: authenticates a service by two headers.
 *
 * @example
 * ```ts
 * const principal = await services.authenticate(view) // undefined when neither header is sent
 * ```
 */
export interface ServicePrincipals extends ServiceAuthenticator {
  /**
   * The service principal of a request, or `undefined` when it carries neither header.
   *
   * @throws AuthError `invalid_request` (400), `invalid_service_credentials` (401),
   *   `principal_unavailable` (503)
   */
  authenticate(request: ServiceRequest): Promise<ServicePrincipal | undefined>
  /** The two headers, for OpenAPI `apiKey` security schemes. */
  readonly schemes: readonly { readonly name: string; readonly header: string }[]
}

// RFC 9110 §5.1 field-name token.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// Visible US-ASCII only (RFC 9110 §5.5 allows obs-text, which we refuse): no spaces, no controls.
const VISIBLE_ASCII = /^[\x21-\x7e]+$/

function positiveInteger(
  problems: ConfigProblems,
  option: string,
  value: unknown,
  fallback: number,
): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    problems.add(option, 'must be a positive integer')
    return fallback
  }
  return value
}

/**
 * Service principals (smac-fastapi-auth's "automation principals"): a service sends its
 * identifier and its token in two headers; the identifier names a stored credential, and the
 * token must match it.
 *
 * - The token is hashed (SHA-256) and compared with the stored digests in constant time
 *   (`timingSafeEqual`), never with `!=` as smac did.
 * - No oracle: an unknown identifier and a wrong token get the same answer (401
 *   `invalid_service_credentials`) after the same work (an unknown identifier is compared with a
 *   dummy digest).
 * - Bad headers are a 400 `invalid_request`: only one of the two, either repeated, longer than
 *   the limits, or holding anything but visible ASCII.
 * - A store that cannot answer is a 503 `principal_unavailable` with `Retry-After`, never a 401:
 *   services must not drop credentials for our outage.
 *
 * @example
 * ```ts
 * const services = servicePrincipals({
 *   idHeader: 'X-Service-Id',
 *   tokenHeader: 'X-Service-Token',
 *   source: secretsManagerSource({ prefix: 'prod/services/' }),
 * })
 * const auth = cloudauth(cognito({ ... }), { services })
 * app.get('/reports', auth.any('user', 'service'), handler)
 * ```
 * @throws ConfigError naming every bad option at once (`idHeader`, `tokenHeader`, `source`,
 *   `maxIdLength`, `maxTokenLength`, `retryAfter`, `onEvent`)
 */
export function servicePrincipals(options: ServicePrincipalsOptions): ServicePrincipals {
  if (typeof options !== 'object' || (options as unknown) === null)
    throw new ConfigError('options', 'must be an object')
  const problems = new ConfigProblems()
  const headerName = (option: string, value: unknown): string => {
    if (typeof value !== 'string' || !HEADER_NAME.test(value)) {
      problems.add(option, 'must be a valid HTTP header name')
      return ''
    }
    if (value.toLowerCase() === 'authorization' || value.toLowerCase() === 'cookie')
      problems.add(option, 'must not be Authorization or Cookie (user tokens travel there)')
    return value.toLowerCase()
  }
  const idHeader = headerName('idHeader', options.idHeader)
  const tokenHeader = headerName('tokenHeader', options.tokenHeader)
  if (idHeader !== '' && idHeader === tokenHeader)
    problems.add('tokenHeader', 'must differ from idHeader')
  const source = options.source
  if (typeof source?.lookup !== 'function')
    problems.add('source', 'must be a source: staticSource(), envSource(), secretsManagerSource()')
  const maxIdLength = positiveInteger(problems, 'maxIdLength', options.maxIdLength, 256)
  const maxTokenLength = positiveInteger(problems, 'maxTokenLength', options.maxTokenLength, 1024)
  const retryAfter = positiveInteger(problems, 'retryAfter', options.retryAfter, 30)
  const onEvent = options.onEvent
  if (onEvent !== undefined && typeof onEvent !== 'function')
    problems.add('onEvent', 'must be a function')
  problems.throwIfAny()

  const emit = (event: ServicePrincipalEvent): void => {
    if (onEvent === undefined) return
    try {
      onEvent(event)
    } catch {
      // An operator hook must not change the answer.
    }
  }
  const context: ServiceLookupContext = { emit }

  const readHeader = (request: ServiceRequest, name: string, max: number): string => {
    if (request.headerCount(name) > 1)
      throw new AuthError('invalid_request', `the ${name} header appears more than once`)
    const value = request.header(name)
    if (value === undefined || value === '')
      throw new AuthError(
        'invalid_request',
        `service credentials need both the ${idHeader} and ${tokenHeader} headers`,
      )
    if (value.length > max)
      throw new AuthError('invalid_request', `the ${name} header is longer than ${max} characters`)
    if (!VISIBLE_ASCII.test(value))
      throw new AuthError(
        'invalid_request',
        `the ${name} header must hold visible ASCII characters only`,
      )
    return value
  }

  const unavailable = (identifier: string, error: unknown): AuthError => {
    if (isAuthError(error) && error.code === 'principal_unavailable') return error
    emit({ type: 'store_unavailable', source: source.kind, identifier, error })
    return new AuthError('principal_unavailable', 'the service principal store cannot answer', {
      cause: error,
      retryAfter,
    })
  }

  const lookup = async (
    identifier: string,
    step: 'lookup' | 'refresh',
  ): Promise<{ credential: ServiceCredential | undefined } | undefined> => {
    try {
      if (step === 'lookup') return { credential: await source.lookup(identifier, context) }
      return source.refresh === undefined ? undefined : await source.refresh(identifier, context)
    } catch (error) {
      throw unavailable(identifier, error)
    }
  }

  const refuse = (identifier: string, credential: ServiceCredential | undefined): never => {
    emit({
      type: 'rejected',
      identifier,
      reason: credential === undefined ? 'unknown_identifier' : 'token_mismatch',
    })
    throw new AuthError('invalid_service_credentials', 'the service credentials are not valid')
  }

  return Object.freeze({
    schemes: Object.freeze([
      Object.freeze({ name: 'serviceId', header: options.idHeader }),
      Object.freeze({ name: 'serviceToken', header: options.tokenHeader }),
    ]),
    async authenticate(request: ServiceRequest): Promise<ServicePrincipal | undefined> {
      if (request.headerCount(idHeader) === 0 && request.headerCount(tokenHeader) === 0)
        return undefined
      const identifier = readHeader(request, idHeader, maxIdLength)
      const digest = sha256(readHeader(request, tokenHeader, maxTokenLength))
      let credential = (await lookup(identifier, 'lookup'))?.credential
      let matched = matchesAny(digest, credential?.digests ?? [])
      if (!matched) {
        // A rotation may have begun after the credential was cached; the source bounds how often
        // it looks again. Unknown identifiers take the same path, so they cost the same.
        const again = await lookup(identifier, 'refresh')
        if (again !== undefined) {
          credential = again.credential
          matched = matchesAny(digest, credential?.digests ?? [])
        }
      }
      if (!matched || credential === undefined) return refuse(identifier, credential)
      return Object.freeze({
        kind: 'service' as const,
        id: credential.id,
        groups: credential.groups,
        scopes: credential.scopes,
        attributes: credential.attributes,
      })
    },
  })
}
