export { createLogin } from './login/create-login.js'
export type {
  CreateLoginOptions,
  Login,
  LoginEvent,
  LoginPaths,
  LoginRedirectAnswer,
  LoginSession,
  SessionRequest,
} from './login/create-login.js'
export { oidcIssuer } from './issuers/oidc-issuer.js'
export type { OidcIssuerOptions } from './issuers/oidc-issuer.js'
export { cognitoHostedUi } from './issuers/cognito-hosted-ui.js'
export type { CognitoHostedUiOptions } from './issuers/cognito-hosted-ui.js'
export { auth0UniversalLogin } from './issuers/auth0-universal-login.js'
export type { Auth0UniversalLoginOptions } from './issuers/auth0-universal-login.js'
export type { LoginIssuer, LogoutUrlInput } from './issuers/login-issuer.js'
export { session } from './sessions/session.js'
export { memoryStore } from './sessions/memory-store.js'
export type { MemoryStoreOptions } from './sessions/memory-store.js'
export { redisStore } from './sessions/redis-store.js'
export type { IoRedisLike, NodeRedisLike, RedisStoreOptions } from './sessions/redis-store.js'
export type { SessionRecord, SessionStore } from './sessions/session-store.js'
export { LoginError, LOGIN_ERROR_STATUS } from './errors/login-error.js'
export type { LoginErrorCode, LoginErrorStatus } from './errors/login-error.js'
