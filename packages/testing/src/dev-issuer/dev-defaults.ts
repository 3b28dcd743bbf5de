/**
 * Defaults of the local dev issuer, exported so apps and examples can configure their provider
 * to match (`cognito({ userPoolId: DEV_DEFAULTS.userPoolId, endpoint: issuer.url, ... })`).
 */
export const DEV_DEFAULTS = Object.freeze({
  /** Port of `cloudauth-dev serve` (the library's `startDevIssuer()` defaults to a free port). */
  port: 9400,
  /** Cognito pool id, in cognito-local's `local_` style. */
  userPoolId: 'local_cloudauth',
  /** Cognito app client id and Auth0 application client id (letters and digits, as Cognito's are). */
  clientId: 'cloudauthdevclient1',
  /** Auth0 API identifier (`aud` of access tokens). */
  audience: 'https://api.cloudauth.test',
  /** Firebase project id (`demo-` projects are the Firebase convention for offline work). */
  projectId: 'demo-cloudauth',
})

/**
 * Where each shape puts the `groups` of a dev token. Cognito's is its own; Auth0 and Firebase
 * have no group claim, so the dev issuer uses the conventions apps adopt: a namespaced claim
 * added by an Auth0 Action, a top-level custom claim set with Firebase's `setCustomUserClaims`.
 * Point the provider's group claim at these.
 */
export const DEV_GROUP_CLAIMS = Object.freeze({
  cognito: 'cognito:groups',
  auth0: 'https://cloudauth.test/roles',
  firebase: 'roles',
})
