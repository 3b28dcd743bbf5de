import type { TestKey } from './generate-test-key.js'

/** Google's x509 key map: key id to PEM certificate. */
export type X509KeyMap = Readonly<Record<string, string>>

/**
 * The `{ kid: "-----BEGIN CERTIFICATE-----..." }` map Google serves for Firebase session
 * cookies (identitytoolkit `publicKeys`) and securetoken's x509 endpoint, for some test keys.
 *
 * @example
 * ```ts
 * server.use(x509Handler(FIREBASE_SESSION_COOKIE_X509_URL, x509MapOf(defaultKey())))
 * ```
 */
export function x509MapOf(...keys: readonly TestKey[]): X509KeyMap {
  return Object.fromEntries(keys.map((key) => [key.kid, key.x509Pem]))
}
