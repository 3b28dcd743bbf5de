import { auth0, auth0FromEnv } from '@cloudauth/auth0'
import { firebase, firebaseFromEnv } from '@cloudauth/firebase'
import { DEV_DEFAULTS, DEV_GROUP_CLAIMS, type DevIssuer } from '@cloudauth/testing'
import { DEFAULT_CLAIM_NAMESPACE, type AppConfig } from './app.js'

/** Environment variables, as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>

/**
 * The app's configuration against a local dev issuer: the same providers as in production, only
 * pointed at 127.0.0.1. Auth0 through `issuer` (the dev issuer lays out its Auth0 shape as a tenant
 * does: issuer `{url}/`, keys at `{url}/.well-known/jwks.json`); Firebase keeps its real issuer and
 * only takes its keys from the dev issuer (`jwksUri`).
 *
 * @example
 * ```ts
 * const issuer = await startDevIssuer()
 * const app = createApp(offlineConfig(issuer))
 * ```
 * @throws ConfigError from the providers (not for the dev issuer's own values)
 */
export function offlineConfig(issuer: DevIssuer): AppConfig {
  return {
    auth0: auth0({
      issuer: issuer.issuer('auth0'),
      audience: DEV_DEFAULTS.audience,
      // The dev issuer puts roles where an Auth0 Action would: a namespaced claim.
      groupClaims: DEV_GROUP_CLAIMS.auth0,
    }),
    firebase: firebase({ projectId: DEV_DEFAULTS.projectId, jwksUri: issuer.jwksUri('firebase') }),
    claimNamespace: DEFAULT_CLAIM_NAMESPACE,
  }
}

/**
 * The app's configuration for a real Auth0 tenant, read from the environment, or `undefined` when
 * neither `AUTH0_DOMAIN` nor `AUTH0_ISSUER` is set (then `main.ts` runs offline).
 *
 * | variable | |
 * |---|---|
 * | `AUTH0_DOMAIN` | the tenant, e.g. `acme.eu.auth0.com` (or `AUTH0_ISSUER` for a custom domain) |
 * | `AUTH0_AUDIENCE` | the API identifier(s), comma-separated |
 * | `AUTH0_CLAIM_NAMESPACE` | the namespace of your Action's custom claims; default `https://cloudauth.test/` |
 * | `FIREBASE_PROJECT_ID` | optional: mounts `/firebase/me` for that project |
 *
 * @example
 * ```ts
 * const config = configFromEnv(process.env) ?? offlineConfig(await startDevIssuer())
 * ```
 * @throws ConfigError listing every missing or invalid variable (values are never echoed)
 */
export function configFromEnv(env: Env): AppConfig | undefined {
  if (blank(env['AUTH0_DOMAIN']) && blank(env['AUTH0_ISSUER'])) return undefined
  const namespace = blank(env['AUTH0_CLAIM_NAMESPACE'])
    ? DEFAULT_CLAIM_NAMESPACE
    : String(env['AUTH0_CLAIM_NAMESPACE']).trim()
  return {
    auth0: auth0FromEnv(env, { groupClaims: `${namespace}roles` }),
    ...(blank(env['FIREBASE_PROJECT_ID']) ? {} : { firebase: firebaseFromEnv(env) }),
    claimNamespace: namespace,
  }
}

function blank(value: string | undefined): boolean {
  return value === undefined || value.trim() === ''
}
