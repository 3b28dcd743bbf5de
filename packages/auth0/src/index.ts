export { auth0 } from './auth0.js'
export type {
  Auth0AccessOptions,
  Auth0CommonOptions,
  Auth0IdOptions,
  Auth0Options,
  Auth0Tenant,
} from './auth0.js'
export { auth0FromEnv } from './auth0-from-env.js'
export type {
  Auth0AccessFromEnvOptions,
  Auth0Env,
  Auth0IdFromEnvOptions,
} from './auth0-from-env.js'
export { auth0AccessClaims } from './auth0-access-claims.js'
export type { Auth0AccessClaims } from './auth0-access-claims.js'
export { auth0IdClaims } from './auth0-id-claims.js'
export type { Auth0IdClaims } from './auth0-id-claims.js'
