export { cloudauth } from './cloudauth.js'
export type { CloudAuth, CloudAuthOptions, CloudAuthSource } from './cloudauth.js'
export type {
  AuthVariables,
  ClaimsVariables,
  OptionalAuthVariables,
  UserVariables,
} from './auth-variables.js'
export type { ClaimOutput, ClaimSchema } from './claim-schema.js'
export { bearer, cookie, header, AuthError, isAuthError } from '@cloudauth/core'
export type { AuthErrorCode, MatchMode, TokenSource, VerifiedToken, User } from '@cloudauth/core'
