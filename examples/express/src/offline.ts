import { startDevIssuer, type DevIssuer } from '@cloudauth/testing'
import { createApp, DEFAULT_CLAIM_NAMESPACE, type AppConfig } from './app.js'
import { offlineConfig } from './config.js'
import { listen, type Listening } from './listen.js'
import { startPermissions, type ExamplePermissions } from './permissions.js'

/** The example running with no cloud account: a local dev issuer and the app pointed at it. */
export interface OfflineExample {
  readonly issuer: DevIssuer
  readonly app: Listening
  /**
   * The permissions of `/api/orders` and `/permissions`: PGlite, seeded on start
   * (`undefined` with `permissions: false`).
   */
  readonly permissions: ExamplePermissions | undefined
  /** A fresh Auth0 access token that passes every Auth0 route (scopes, the admin role, a tenant). */
  token(): string
  /** A fresh Firebase ID token for `/firebase/me`. */
  firebaseToken(): string
  /** Stops the app, then the issuer (unless it was handed in). */
  close(): Promise<void>
}

/** Options of {@link startOffline}. */
export interface StartOfflineOptions {
  /**
   * Start the permission store (PGlite, seeded) behind `/api/orders` and `/permissions`.
   * Default `true`; `false` leaves both routes out (PGlite takes seconds to start).
   */
  readonly permissions?: boolean
  /** Port of the app; 0 (default) picks a free one. */
  readonly port?: number
  /** Use this dev issuer instead of starting one (its owner stops it). */
  readonly issuer?: DevIssuer
  /**
   * Changes the configuration before the app is built. `pnpm demo` uses it to fetch keys through
   * a switchable proxy, to show what an issuer outage does.
   */
  readonly adjust?: (config: AppConfig, issuer: DevIssuer) => AppConfig | Promise<AppConfig>
}

/** The custom claim `/api/me` requires, as an Auth0 Action would add it. */
export const TENANT_CLAIM = `${DEFAULT_CLAIM_NAMESPACE}tenant`

/**
 * Starts the example offline: a dev issuer on 127.0.0.1 (from `@cloudauth/testing`), and the app
 * on 127.0.0.1 with its providers pointed at it.
 *
 * @example
 * ```ts
 * const example = await startOffline()
 * await fetch(`${example.app.url}/api/users`, { headers: { authorization: `Bearer ${example.token()}` } })
 * await example.close()
 * ```
 */
export async function startOffline(options: StartOfflineOptions = {}): Promise<OfflineExample> {
  const issuer = options.issuer ?? (await startDevIssuer())
  const ownIssuer = options.issuer === undefined
  let permissions: ExamplePermissions | undefined
  try {
    permissions = options.permissions === false ? undefined : await startPermissions()
    const config =
      permissions === undefined
        ? offlineConfig(issuer)
        : { ...offlineConfig(issuer), permissions: permissions.perms }
    const adjusted = options.adjust === undefined ? config : await options.adjust(config, issuer)
    const app = await listen(createApp(adjusted), options.port ?? 0)
    const started = permissions
    return {
      issuer,
      app,
      permissions: started,
      token: () =>
        issuer.mint({
          shape: 'auth0',
          scopes: ['read:users', 'reports:read'],
          groups: ['admin'],
          claims: { [TENANT_CLAIM]: 'acme' },
        }),
      firebaseToken: () => issuer.mint({ shape: 'firebase' }),
      close: async () => {
        await app.close()
        await started?.close()
        if (ownIssuer) await issuer.stop()
      },
    }
  } catch (error) {
    await permissions?.close()
    if (ownIssuer) await issuer.stop()
    throw error
  }
}
