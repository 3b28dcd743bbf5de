import { SignJWT, importPKCS8, type CryptoKey } from 'jose'
import { SessionLoginError } from '../session-login-error.js'
import { googleFetch, jsonOf } from './google-fetch.js'

/** Google's OAuth 2.0 token endpoint. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token'

/** The scopes firebase-admin asks for; createSessionCookie needs identitytoolkit or cloud-platform. */
export const GOOGLE_SCOPES =
  'https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/identitytoolkit'

/** The fields of a service-account key file this needs. */
export interface ServiceAccountKey {
  readonly client_email: string
  readonly private_key: string
  readonly private_key_id?: string
}

/** A Google access token source with a cache: see {@link googleAccessToken}. */
export interface AccessTokenSource {
  get(): Promise<string>
  /** Forget the cached token (Google refused it). */
  invalidate(): void
}

// Refresh this long before Google's expiry, as google-auth-library does (5 minutes).
const EARLY_SECONDS = 300

/**
 * Access tokens for a service account through the JWT bearer grant (RFC 7523 §2.1): an RS256
 * assertion `{ iss: client_email, scope, aud: token URL, iat, exp: iat + 3600 }` signed with the
 * account's private key, exchanged at Google's token endpoint. The token is cached until five
 * minutes before it expires; concurrent callers share one exchange.
 */
export function googleAccessToken(
  account: ServiceAccountKey,
  fetchImpl: () => typeof fetch,
  timeoutMs: number,
  now: () => number = Date.now,
): AccessTokenSource {
  let key: Promise<CryptoKey> | undefined
  let cached: { readonly token: string; readonly refreshAt: number } | undefined
  let pending: Promise<string> | undefined

  async function exchange(): Promise<string> {
    key ??= importPKCS8(account.private_key, 'RS256').catch((error: unknown) => {
      key = undefined
      throw new SessionLoginError(
        'upstream_error',
        'The service account private key cannot be used.',
        {
          cause: error,
        },
      )
    })
    const issuedAt = Math.floor(now() / 1000)
    const assertion = await new SignJWT({ scope: GOOGLE_SCOPES })
      .setProtectedHeader({
        alg: 'RS256',
        typ: 'JWT',
        ...(account.private_key_id === undefined ? {} : { kid: account.private_key_id }),
      })
      .setIssuer(account.client_email)
      .setAudience(GOOGLE_TOKEN_URL)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 3600)
      .sign(await key)
    const response = await googleFetch(
      fetchImpl(),
      GOOGLE_TOKEN_URL,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion,
        }).toString(),
      },
      timeoutMs,
      'service account token',
    )
    const body = (await jsonOf(response)) as
      { readonly access_token?: unknown; readonly expires_in?: unknown } | undefined
    if (!response.ok || typeof body?.access_token !== 'string' || body.access_token === '')
      throw new SessionLoginError(
        'upstream_error',
        `service account token: Google refused the service account (${response.status}).`,
      )
    const lifetime =
      typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600
    cached = {
      token: body.access_token,
      refreshAt: now() + Math.max(lifetime - EARLY_SECONDS, 0) * 1000,
    }
    return body.access_token
  }

  return {
    get() {
      if (cached !== undefined && now() < cached.refreshAt) return Promise.resolve(cached.token)
      pending ??= exchange().finally(() => {
        pending = undefined
      })
      return pending
    },
    invalidate() {
      cached = undefined
    },
  }
}
