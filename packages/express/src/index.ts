export { cloudauth } from './cloudauth.js'
export type {
  AuthMiddleware,
  CloudAuth,
  CloudAuthOptions,
  CloudAuthSource,
  FetchHandler,
} from './cloudauth.js'
export { authErrorHandler } from './auth-error-handler.js'
export type { AuthErrorHandlerOptions } from './auth-error-handler.js'
export type { ClaimOutput, ClaimSchema } from '@cloudauth/core/binding'
export { bearer, cookie, header, AuthError, isAuthError } from '@cloudauth/core'
export type {
  AuthErrorCode,
  MatchMode,
  Principal,
  TokenSource,
  VerifiedToken,
  User,
} from '@cloudauth/core'
