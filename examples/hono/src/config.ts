import { cognito, cognitoFromEnv, type CognitoAccessClaims } from '@cloudauth/cognito'
import { firebase, firebaseFromEnv } from '@cloudauth/firebase'
import { DEV_DEFAULTS, type DevIssuer } from '@cloudauth/testing'
import type { AppConfig } from './app.js'

/** Environment variables, as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>

/**
 * The Cognito app client of the offline setup: the dev issuer's default (`DEV_DEFAULTS.clientId`,
 * letters and digits as Cognito's are), so `cloudauth-dev token --shape cognito` and
 * `POST /token` without a `clientId` mint tokens this app accepts.
 */
export const OFFLINE_CLIENT_ID = DEV_DEFAULTS.clientId

/**
 * The app's configuration against a local dev issuer: the same providers as in production, only
 * pointed at 127.0.0.1. Cognito through `endpoint` (issuer `{endpoint}/{userPoolId}`, as
 * cognito-local lays it out); Firebase keeps its real issuer and only takes its keys from the dev
 * issuer (`jwksUri`).
 *
 * @example
 * ```ts
 * const issuer = await startDevIssuer()
 * const app = createApp(offlineConfig(issuer))
 * ```
 * @throws ConfigError from the providers (not for the dev issuer's own values)
 */
export function offlineConfig(issuer: DevIssuer): AppConfig<CognitoAccessClaims> {
  return {
    cognito: cognito({
      userPoolId: DEV_DEFAULTS.userPoolId,
      clientId: OFFLINE_CLIENT_ID,
      tokenUse: 'access',
      endpoint: issuer.url,
    }),
    firebase: firebase({ projectId: DEV_DEFAULTS.projectId, jwksUri: issuer.jwksUri('firebase') }),
  }
}

/**
 * The app's configuration for a real user pool, read from the environment, or `undefined` when
 * `COGNITO_USER_POOL_ID` is not set (then `main.ts` runs offline).
 *
 * | variable | |
 * |---|---|
 * | `COGNITO_USER_POOL_ID` | the user pool, e.g. `eu-west-1_AbCdEf123` |
 * | `COGNITO_CLIENT_ID` | the app client id(s), comma-separated |
 * | `COGNITO_TOKEN_USE` | optional; this API takes access tokens, so if set it must be `access` |
 * | `COGNITO_REGION` | default: the pool id's prefix |
 * | `FIREBASE_PROJECT_ID` | optional: mounts `/firebase/me` for that project |
 *
 * @example
 * ```ts
 * const config = configFromEnv(process.env) ?? offlineConfig(await startDevIssuer())
 * ```
 * @throws ConfigError listing every missing or invalid variable (values are never echoed)
 */
export function configFromEnv(env: Env): AppConfig<CognitoAccessClaims> | undefined {
  if (blank(env['COGNITO_USER_POOL_ID'])) return undefined
  return {
    // This API takes access tokens: fixed here, so COGNITO_TOKEN_USE=id cannot widen it (if set,
    // the variable must agree), and the handlers see access-token claims.
    cognito: cognitoFromEnv(env, { tokenUse: 'access' }),
    ...(blank(env['FIREBASE_PROJECT_ID']) ? {} : { firebase: firebaseFromEnv(env) }),
  }
}

function blank(value: string | undefined): boolean {
  return value === undefined || value.trim() === ''
}
