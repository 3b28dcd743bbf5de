// The entry point of `@cloudauth/firebase/session-login`: session cookies minted from ID tokens.
export { firebaseSessionLogin } from './firebase-session-login.js'
export type { FetchHandler, FirebaseSessionLoginOptions } from './firebase-session-login.js'
export { SessionLoginError, SESSION_LOGIN_ERROR_STATUS } from './session-login-error.js'
export type { SessionLoginErrorCode } from './session-login-error.js'
export type { ServiceAccountKey } from './internal/google-access-token.js'
