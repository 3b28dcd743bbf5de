/**
 * `@cloudauth/core`: what applications use. Helpers for provider authors are on
 * `@cloudauth/core/provider`, the request pipeline for binding and feature authors on
 * `@cloudauth/core/binding`.
 */
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
export type { EnvSource } from './config/read-env.js'
export { SUPPORTED_ALGORITHMS } from './verify/resolve-options.js'
export { createVerifier } from './verify/create-verifier.js'
export { defineProvider } from './verify/provider.js'
export type { Provider } from './verify/provider.js'
export { logEvents } from './verify/log-events.js'
export type {
  EventLogEntry,
  EventLogger,
  EventLogLevel,
  LogEventsOptions,
} from './verify/log-events.js'
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
export type { TokenRequest, TokenSource } from './sources/token-source.js'
export { hasScopes, requireGroups, requireScopes } from './checks/scopes.js'
export type { MatchMode } from './checks/scopes.js'
export { parseClaims } from './checks/parse-claims.js'
export type {
  AnonymousPrincipal,
  Principal,
  PrincipalKind,
  ServicePrincipal,
  UserPrincipal,
} from './principal/principal.js'
