export { freePort } from './free-port.js'
export { startCognitoLocal } from './start-cognito-local.js'
export type { CognitoLocal, StartCognitoLocalOptions } from './start-cognito-local.js'
