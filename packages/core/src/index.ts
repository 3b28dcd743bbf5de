export { AuthError, AUTH_ERROR_INFO, isAuthError } from './errors/auth-error.js'
export type {
  AuthErrorCode,
  AuthErrorInfo,
  AuthErrorOptions,
  AuthErrorStatus,
  BearerErrorValue,
} from './errors/auth-error.js'
export { ConfigError } from './errors/config-error.js'
export { toErrorResponse, wwwAuthenticate } from './errors/to-error-response.js'
export type { ErrorResponse, ErrorResponseOptions } from './errors/to-error-response.js'
export { createVerifier } from './verify/create-verifier.js'
export { defineProvider } from './verify/provider.js'
export type { Provider } from './verify/provider.js'
export { pickTuning } from './verify/pick-tuning.js'
export { userFromClaims } from './verify/user-from-claims.js'
export { logEvents } from './verify/log-events.js'
export type {
  EventLogEntry,
  EventLogger,
  EventLogLevel,
  LogEventsOptions,
} from './verify/log-events.js'
export type { UserFromClaimsOptions } from './verify/user-from-claims.js'
export { ConfigProblems } from './config/config-problems.js'
export type { ConfigProblem } from './config/config-problems.js'
export { readEnv } from './config/read-env.js'
export type { EnvReader, EnvSource } from './config/read-env.js'
export { claimNames } from './config/claim-names.js'
export { unknownOptions } from './config/unknown-options.js'
export { userIdClaim } from './config/user-id-claim.js'
export { tokenLifetime } from './config/token-lifetime.js'
export { insecureUrlProblem } from './config/insecure-url-problem.js'
export { DEFAULTS, SUPPORTED_ALGORITHMS } from './verify/resolve-options.js'
export type {
  Algorithm,
  CheckContext,
  ClaimsCheck,
  IssuerOptions,
  JsonWebKeySet,
  JwksOptions,
  JwtClaims,
  JwtHeader,
  KeySetFormat,
  PublicJwk,
  TokenCacheOptions,
  User,
  VerifiedToken,
  Verifier,
  VerifierEvent,
  VerifierOptions,
  VerifierTuning,
} from './verify/types.js'
export { bearer } from './sources/bearer.js'
export { cookie } from './sources/cookie.js'
export { header } from './sources/header.js'
export { extractToken } from './sources/extract-token.js'
export type { TokenRequest, TokenSource } from './sources/token-source.js'
export { hasScopes, requireGroups, requireScopes } from './checks/scopes.js'
export type { MatchMode } from './checks/scopes.js'
export { parseClaims } from './checks/parse-claims.js'
export { requireUserId } from './checks/require-user-id.js'
export { checkLifetime } from './checks/check-lifetime.js'
export type {
  AnonymousPrincipal,
  Principal,
  PrincipalKind,
  ServicePrincipal,
  UserPrincipal,
} from './principal/principal.js'
