export { generateTestKey, TEST_KEY_ALGORITHMS } from './keys/generate-test-key.js'
export type { GenerateTestKeyOptions, TestKey, TestPublicJwk } from './keys/generate-test-key.js'
export { defaultKey } from './keys/default-key.js'
export { jwksOf } from './keys/jwks-of.js'
export type { TestJsonWebKeySet } from './keys/jwks-of.js'
export { x509MapOf } from './keys/x509-map-of.js'
export type { X509KeyMap } from './keys/x509-map-of.js'
export { signToken } from './tokens/sign-token.js'
export type { JsonObject, SignTokenOptions } from './tokens/sign-token.js'
export { forgeToken } from './tokens/forge-token.js'
export type { ForgeTokenOptions } from './tokens/forge-token.js'
export { unsignedToken } from './tokens/unsigned-token.js'
export type { UnsignedTokenOptions } from './tokens/unsigned-token.js'
export { hmacToken } from './tokens/hmac-token.js'
export type { HmacTokenOptions } from './tokens/hmac-token.js'
export { b64url } from './tokens/b64url.js'
export { jwksHandler } from './msw/jwks-handler.js'
export type { JwksHandlerOptions } from './msw/jwks-handler.js'
export { x509Handler } from './msw/x509-handler.js'
export type { X509HandlerOptions } from './msw/x509-handler.js'
export type { KeySetResponseOptions } from './msw/key-set-response.js'
export { createJwksEndpoint } from './msw/create-jwks-endpoint.js'
export type { JwksEndpoint } from './msw/create-jwks-endpoint.js'
export { createX509Endpoint } from './msw/create-x509-endpoint.js'
export type { X509Endpoint } from './msw/create-x509-endpoint.js'
export type {
  FailOptions,
  KeySetEndpoint,
  KeySetEndpointOptions,
  KeySetFailure,
} from './msw/key-set-endpoint.js'
export { cognitoPreset } from './presets/cognito-preset.js'
export type { CognitoPreset, CognitoPresetOptions } from './presets/cognito-preset.js'
export { auth0Preset } from './presets/auth0-preset.js'
export type { Auth0Preset, Auth0PresetOptions } from './presets/auth0-preset.js'
export { firebasePreset } from './presets/firebase-preset.js'
export type { FirebasePreset, FirebasePresetOptions } from './presets/firebase-preset.js'
export type { PresetTokenOptions } from './presets/preset-token-options.js'
export {
  AUTH0_JWKS_CACHE_CONTROL,
  FIREBASE_ID_TOKEN_ISSUER_PREFIX,
  FIREBASE_ID_TOKEN_JWKS_URL,
  FIREBASE_ID_TOKEN_X509_URL,
  FIREBASE_SESSION_COOKIE_ISSUER_PREFIX,
  FIREBASE_SESSION_COOKIE_X509_URL,
  GOOGLE_KEYS_CACHE_CONTROL,
  auth0IssuerUrl,
  auth0JwksUrl,
  cognitoIssuerUrl,
  cognitoJwksUrl,
} from './presets/provider-urls.js'
export type { Auth0User, CognitoUser, FirebaseUser } from './presets/preset-users.js'
export { startDevIssuer } from './dev-issuer/start-dev-issuer.js'
export type {
  DevIssuer,
  DevMintOptions,
  DevShape,
  StartDevIssuerOptions,
} from './dev-issuer/start-dev-issuer.js'
export { DEV_DEFAULTS, DEV_GROUP_CLAIMS } from './dev-issuer/dev-defaults.js'
export { devProviderSetup, type DevProviderSetup } from './dev-issuer/dev-provider-setup.js'
