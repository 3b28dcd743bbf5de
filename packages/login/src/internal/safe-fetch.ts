import * as oauth from 'oauth4webapi'
import { LoginError } from '../errors/login-error.js'

/** Thrown by {@link safeFetch} for any 3xx: redirects of an issuer are never followed. */
export class RedirectRefused extends Error {
  override readonly name = 'RedirectRefused'
}

/** The transport options every oauth4webapi call gets. */
export interface HttpOptions {
  readonly [oauth.customFetch]: (
    url: string,
    options: oauth.CustomFetchOptions<string, unknown>,
  ) => Promise<Response>
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- http on loopback only (development), checked at construction
  readonly [oauth.allowInsecureRequests]?: boolean
}

/**
 * The fetch every issuer call goes through: `redirect: 'manual'`, any 3xx refused, a timeout.
 * oauth4webapi takes it through its `customFetch` option.
 */
export function httpOptions(timeoutMs: number, insecure: boolean): HttpOptions {
  const fetchManual = async (
    url: string,
    options: oauth.CustomFetchOptions<string, unknown>,
  ): Promise<Response> => {
    const response = await fetch(url, {
      method: options.method,
      headers: options.headers,
      body: (options.body ?? null) as BodyInit | null,
      redirect: 'manual',
      signal: options.signal ?? AbortSignal.timeout(timeoutMs),
    })
    if ((response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect') {
      void response.body?.cancel()
      throw new RedirectRefused('the issuer answered with a redirect, which is never followed')
    }
    return response
  }
  // oauth4webapi refuses http:// unless told; only loopback issuers (checked at construction) get it.
  return insecure
    ? // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above
      { [oauth.customFetch]: fetchManual, [oauth.allowInsecureRequests]: true }
    : { [oauth.customFetch]: fetchManual }
}

const ID_TOKEN_CODES = new Set<string>([oauth.JWT_CLAIM_COMPARISON, oauth.JWT_TIMESTAMP_CHECK])

/**
 * Turns whatever an issuer call threw into a {@link LoginError}. The issuer's own words
 * (`error_description`) are never copied: only its `error` code decides.
 */
export function toLoginError(error: unknown, during: string): LoginError {
  if (error instanceof LoginError) return error
  if (error instanceof RedirectRefused) {
    return new LoginError(
      'issuer_unavailable',
      `the issuer answered the ${during} with a redirect, which is never followed`,
      { cause: error },
    )
  }
  if (error instanceof oauth.ResponseBodyError) {
    if (error.status >= 500) {
      return new LoginError('issuer_unavailable', `the issuer failed the ${during}`, {
        cause: error,
      })
    }
    if (error.error === 'invalid_grant') {
      return new LoginError('invalid_grant', `the issuer refused the ${during} (invalid_grant)`, {
        cause: error,
      })
    }
    return new LoginError('invalid_grant', `the issuer refused the ${during}`, { cause: error })
  }
  if (error instanceof oauth.AuthorizationResponseError) {
    return new LoginError('issuer_error', 'the issuer did not complete the login', {
      cause: error,
    })
  }
  if (
    error instanceof oauth.OperationProcessingError &&
    (ID_TOKEN_CODES.has(error.code ?? '') ||
      // A claim the ID token must carry (`nonce`, `iat`, `sub`) missing: oauth4webapi says `JWT "...`.
      (error.code === oauth.INVALID_RESPONSE &&
        (error.message.includes('"id_token"') || /\bJWT "/.test(error.message))))
  ) {
    return new LoginError('invalid_id_token', `the ID token of the ${during} is not valid`, {
      cause: error,
    })
  }
  return new LoginError('issuer_unavailable', `the issuer did not answer the ${during} properly`, {
    cause: error,
  })
}
