/** Google's JWKS for Firebase ID tokens (the securetoken service account). */
export const ID_TOKEN_JWKS_URL =
  'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com'

/** Google's `{ kid: pem }` certificates for Firebase session cookies. */
export const SESSION_COOKIE_X509_URL =
  'https://www.googleapis.com/identitytoolkit/v3/relyingparty/publicKeys'

/** Issuer of Firebase ID tokens, followed by the project id. */
export const ID_TOKEN_ISSUER_PREFIX = 'https://securetoken.google.com/'

/** Issuer of Firebase session cookies, followed by the project id. */
export const SESSION_COOKIE_ISSUER_PREFIX = 'https://session.firebase.google.com/'
