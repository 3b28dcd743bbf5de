import type { CognitoAccessClaims } from '@cloudauth/cognito'
import { startDevIssuer, type DevIssuer } from '@cloudauth/testing'
import { createApp, type AppConfig } from './app.js'
import { OFFLINE_CLIENT_ID, offlineConfig } from './config.js'
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
  /** A fresh Cognito access token that passes every Cognito route (scopes and the admin group). */
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
  readonly adjust?: (
    config: OfflineConfig,
    issuer: DevIssuer,
  ) => OfflineConfig | Promise<OfflineConfig>
}

/** The configuration {@link offlineConfig} makes. */
export type OfflineConfig = AppConfig<CognitoAccessClaims>

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
          shape: 'cognito',
          clientId: OFFLINE_CLIENT_ID,
          scopes: ['read:users', 'reports:read'],
          groups: ['admin'],
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
