import { DEV_DEFAULTS } from './dev-defaults.js'
import type { DevShape } from './start-dev-issuer.js'

/** How an app points one provider at a local dev issuer: see {@link devProviderSetup}. */
export interface DevProviderSetup {
  /** The provider's environment variables, as its `*FromEnv()` helper reads them. */
  readonly env: Readonly<Record<string, string>>
  /** The same configuration written as code, one expression (`cognito({ ... })`). */
  readonly code: string
}

/**
 * How an app points each provider at the dev issuer running at `url`: the environment variables
 * its `*FromEnv()` helper reads, and the same as code. The values match what the dev issuer
 * mints by default (`DEV_DEFAULTS`), so its tokens pass as they are. `cloudauth-dev serve`
 * prints these.
 *
 * - Cognito: `endpoint` (`COGNITO_ENDPOINT`); the issuer is `{url}/{userPoolId}`, any pool id.
 * - Auth0: `issuer` (`AUTH0_ISSUER`) `{url}/`, trailing slash included, in place of a domain.
 * - Firebase: the real issuer (`https://securetoken.google.com/{projectId}`), keys from the dev
 *   issuer (`jwksUri`, `FIREBASE_JWKS_URI`).
 *
 * @example
 * ```ts
 * const issuer = await startDevIssuer()
 * const { env } = devProviderSetup(issuer.url).cognito
 * const auth = cloudauth(cognitoFromEnv(env, { tokenUse: 'access' }))
 * ```
 * @throws nothing
 */
export function devProviderSetup(url: string): Readonly<Record<DevShape, DevProviderSetup>> {
  const base = url.replace(/\/+$/, '')
  const firebaseJwks = `${base}/firebase/jwks.json`
  return {
    cognito: {
      env: {
        COGNITO_USER_POOL_ID: DEV_DEFAULTS.userPoolId,
        COGNITO_CLIENT_ID: DEV_DEFAULTS.clientId,
        COGNITO_TOKEN_USE: 'access',
        COGNITO_ENDPOINT: base,
      },
      code: `cognito({ userPoolId: '${DEV_DEFAULTS.userPoolId}', clientId: '${DEV_DEFAULTS.clientId}', tokenUse: 'access', endpoint: '${base}' })`,
    },
    auth0: {
      env: { AUTH0_ISSUER: `${base}/`, AUTH0_AUDIENCE: DEV_DEFAULTS.audience },
      code: `auth0({ issuer: '${base}/', audience: '${DEV_DEFAULTS.audience}' })`,
    },
    firebase: {
      env: { FIREBASE_PROJECT_ID: DEV_DEFAULTS.projectId, FIREBASE_JWKS_URI: firebaseJwks },
      code: `firebase({ projectId: '${DEV_DEFAULTS.projectId}', jwksUri: '${firebaseJwks}' })`,
    },
  }
}
