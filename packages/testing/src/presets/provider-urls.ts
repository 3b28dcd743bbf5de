/**
 * The real URLs and issuer formats of each provider, so tests answer them with msw and an app's
 * production configuration is tested unchanged. Provider packages define their own copies (they
 * must not depend on this package at run time); their tests can import these to stay in step.
 */

/** Google's JWKS for Firebase ID tokens (securetoken service account). */
export const FIREBASE_ID_TOKEN_JWKS_URL =
  'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com'

/** The same keys as `{ kid: pem }` certificates (the endpoint firebase-admin has long used). */
export const FIREBASE_ID_TOKEN_X509_URL =
  'https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com'

/** Google's `{ kid: pem }` certificates for Firebase session cookies. */
export const FIREBASE_SESSION_COOKIE_X509_URL =
  'https://www.googleapis.com/identitytoolkit/v3/relyingparty/publicKeys'

/** Issuer of Firebase ID tokens, followed by the project id. */
export const FIREBASE_ID_TOKEN_ISSUER_PREFIX = 'https://securetoken.google.com/'

/** Issuer of Firebase session cookies, followed by the project id. */
export const FIREBASE_SESSION_COOKIE_ISSUER_PREFIX = 'https://session.firebase.google.com/'

/**
 * A `Cache-Control` like the one Google sends with its key sets (the max-age varies, a few hours;
 * keys rotate about daily).
 */
export const GOOGLE_KEYS_CACHE_CONTROL = 'public, max-age=21600, must-revalidate, no-transform'

/** A `Cache-Control` like the one an Auth0 tenant sends with its JWKS. */
export const AUTH0_JWKS_CACHE_CONTROL =
  'public, max-age=15, stale-while-revalidate=15, stale-if-error=86400'

/**
 * The issuer of a Cognito user pool: `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`, or
 * `{endpoint}/{userPoolId}` for a local emulator such as cognito-local or the dev issuer.
 *
 * @example
 * ```ts
 * cognitoIssuerUrl('eu-west-1', 'eu-west-1_AbCdEf123') // https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123
 * ```
 */
export function cognitoIssuerUrl(region: string, userPoolId: string, endpoint?: string): string {
  const base =
    endpoint === undefined
      ? `https://cognito-idp.${region}.amazonaws.com`
      : endpoint.replace(/\/+$/, '')
  return `${base}/${userPoolId}`
}

/**
 * The JWKS URL of a Cognito user pool: `{issuer}/.well-known/jwks.json`.
 *
 * @example
 * ```ts
 * server.use(jwksHandler(cognitoJwksUrl('eu-west-1', poolId), jwksOf(key)))
 * ```
 */
export function cognitoJwksUrl(region: string, userPoolId: string, endpoint?: string): string {
  return `${cognitoIssuerUrl(region, userPoolId, endpoint)}/.well-known/jwks.json`
}

/**
 * The issuer of an Auth0 tenant, with its trailing slash: `https://{domain}/`.
 *
 * @example
 * ```ts
 * auth0IssuerUrl('acme.eu.auth0.com') // https://acme.eu.auth0.com/
 * ```
 */
export function auth0IssuerUrl(domain: string): string {
  return `https://${domain}/`
}

/**
 * The JWKS URL of an Auth0 tenant: `https://{domain}/.well-known/jwks.json`.
 *
 * @example
 * ```ts
 * server.use(jwksHandler(auth0JwksUrl('acme.eu.auth0.com'), jwksOf(key)))
 * ```
 */
export function auth0JwksUrl(domain: string): string {
  return `https://${domain}/.well-known/jwks.json`
}
