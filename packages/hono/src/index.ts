export { cloudauth } from './cloudauth.js'
export type { CloudAuth, CloudAuthOptions, CloudAuthSource, FetchHandler } from './cloudauth.js'
export type {
  AuthVariables,
  ClaimsVariables,
  OptionalAuthVariables,
  PrincipalVariables,
  UserVariables,
} from './auth-variables.js'
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
