export { cognito } from './cognito.js'
export type {
  CognitoClaimsFor,
  CognitoCommonOptions,
  CognitoOptions,
  CognitoPoolOptions,
  CognitoTokenUse,
  CognitoVerifierOptions,
} from './cognito.js'
export { cognitoAccessClaims } from './cognito-access-claims.js'
export type { CognitoAccessClaims } from './cognito-access-claims.js'
export { cognitoIdClaims } from './cognito-id-claims.js'
export type { CognitoIdClaims } from './cognito-id-claims.js'
export { cognitoClaims } from './cognito-claims.js'
export type { CognitoClaims } from './cognito-claims.js'
export { cognitoFromEnv } from './cognito-from-env.js'
export type { CognitoEnv, CognitoFromEnvOptions } from './cognito-from-env.js'
