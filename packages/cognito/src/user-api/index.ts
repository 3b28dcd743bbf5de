// The entry point of `@cloudauth/cognito/user-api`: Cognito's own user API (it needs the optional
// peer dependency @aws-sdk/client-cognito-identity-provider, which the root export never loads).
export { cognitoUserApi } from './cognito-user-api.js'
export type {
  ChallengeAnswer,
  CodeSentResult,
  CognitoUserApi,
  CognitoUserApiOptions,
  MfaPreference,
  MfaSetting,
  SignUpResult,
  SoftwareTokenSecret,
  SoftwareTokenSetupResult,
} from './cognito-user-api.js'
export { cognitoUserRoutes, COGNITO_USER_ROUTE_PATHS } from './cognito-user-routes.js'
export type {
  CognitoUserRoute,
  CognitoUserRoutesOptions,
  FetchHandler,
} from './cognito-user-routes.js'
export { CognitoApiError, COGNITO_API_ERROR_STATUS } from './cognito-api-error.js'
export type {
  CognitoApiErrorCode,
  CognitoApiErrorOptions,
  CognitoApiErrorStatus,
} from './cognito-api-error.js'
export type {
  ChallengeStep,
  CodeDelivery,
  CognitoTokens,
  MfaType,
  NextStep,
  SignInResult,
  VerifySoftwareTokenStep,
} from './next-step.js'
export type { RetryAfterSeconds } from './internal/map-cognito-error.js'
