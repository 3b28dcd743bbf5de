import { Hono } from 'hono'
import { z } from 'zod'
import { cloudauth, type CloudAuthSource } from '@cloudauth/hono'
import type { CognitoClaims } from '@cloudauth/cognito'
import type { FirebaseIdClaims } from '@cloudauth/firebase'
import type { Permissions } from '@cloudauth/permissions'

/** What the app needs: where its tokens come from. `main.ts` builds it, offline or from the environment. */
export interface AppConfig<TClaims extends CognitoClaims = CognitoClaims> {
  /**
   * The API's users: Cognito access tokens (`cognito({ ..., tokenUse: 'access' })`, or
   * `cognitoFromEnv(env, { tokenUse: 'access' })`).
   */
  readonly cognito: CloudAuthSource<TClaims>
  /**
   * The one route for a mobile app's users: Firebase ID tokens (`firebase({ projectId })`).
   * Without it, `/firebase/me` is not mounted.
   */
  readonly firebase?: CloudAuthSource<FirebaseIdClaims>
  /**
   * Roles and statements (`@cloudauth/permissions`, `startPermissions()` seeds them in PGlite).
   * With it, `/api/orders` needs `orders:read` and the admin API is mounted under `/permissions`.
   */
  readonly permissions?: Permissions
}

/** The protection space named in `WWW-Authenticate` (RFC 6750 §3). */
export const REALM = 'example-hono'

// A claims schema: the route's handler sees its output, typed.
const profileClaims = z.object({
  sub: z.string(),
  username: z.string(),
  client_id: z.string(),
  scope: z.string().optional(),
})

const USERS = [
  { id: 'u-1', name: 'Ada Lovelace' },
  { id: 'u-2', name: 'Grace Hopper' },
]

/**
 * The example API: a Hono app protected by Cognito access tokens, with one Firebase route. Pure:
 * it builds the app and its verifiers and listens nowhere (`main.ts` serves it, the tests and
 * `pnpm demo` start it on a free port).
 *
 * | route | needs |
 * |---|---|
 * | `GET /` | nothing (public) |
 * | `GET /api/hello` | nothing, but greets the user when a valid token is sent (`optional()`) |
 * | `GET /api/users` | scope `read:users` |
 * | `GET /api/reports` | scope `reports:read` or `reports:admin` (`any`) |
 * | `GET /api/admin` | group `admin` (`cognito:groups`) |
 * | `GET /api/me` | a token whose claims match a zod schema; the handler sees them typed |
 * | `GET /api/user` | a valid token; answers the normalised user |
 * | `GET /firebase/me` | a Firebase ID token |
 * | `GET /api/orders` | statement `orders:read` (roles of the token's groups and of the user, in PGlite) |
 * | `/permissions/...` | the admin API of `@cloudauth/permissions` (`permissions:admin`) |
 *
 * @example
 * ```ts
 * const app = createApp({ cognito: cognito({ userPoolId, clientId, tokenUse: 'access' }), firebase: firebase({ projectId }) })
 * serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 3000 })
 * ```
 * @throws ConfigError when a provider's options are wrong (at construction, never per request)
 */
export function createApp<TClaims extends CognitoClaims>(config: AppConfig<TClaims>): Hono {
  const auth = cloudauth(config.cognito, {
    realm: REALM,
    ...(config.permissions === undefined ? {} : { permissions: config.permissions }),
  })

  const app = new Hono()

  app.get('/', (c) =>
    c.json({
      app: 'cloudauth example: Hono + Cognito',
      routes: [
        '/api/hello',
        '/api/users',
        '/api/reports',
        '/api/admin',
        '/api/me',
        '/api/user',
        ...(config.firebase === undefined ? [] : ['/firebase/me']),
        ...(config.permissions === undefined ? [] : ['/api/orders', '/permissions/roles']),
      ],
    }),
  )

  app.get('/api/hello', auth.optional(), (c) => {
    const verified = c.get('auth')
    return c.json({ hello: verified?.claims.sub ?? 'anonymous' })
  })

  app.get('/api/users', auth.scope(['read:users']), (c) => c.json({ users: USERS }))

  app.get('/api/reports', auth.scope(['reports:read', 'reports:admin'], 'any'), (c) =>
    c.json({ reports: [{ id: 'r-1', title: 'Monthly sign-ins' }], scopes: c.get('auth').scopes }),
  )

  app.get('/api/admin', auth.groups(['admin']), (c) =>
    c.json({ admin: true, groups: c.get('auth').groups }),
  )

  app.get('/api/me', auth.claim(profileClaims), (c) => {
    const { sub, username, client_id: clientId } = c.get('claims')
    return c.json({ sub, username, clientId })
  })

  app.get('/api/user', auth.user(), (c) => {
    const { id, username, groups, provider } = c.get('user')
    return c.json({ id, username, groups, provider })
  })

  if (config.permissions !== undefined) {
    // Statements from roles, not from the token: an admin grants them through /permissions.
    app.use('/permissions/*', auth.mount(config.permissions.admin({ pipeline: auth.pipeline })))
    app.get('/api/orders', auth.permission(['orders:read']), (c) =>
      c.json({ orders: [{ id: 'o-1', total: 42 }], principal: c.get('principal').id }),
    )
  }

  if (config.firebase !== undefined) {
    // A second instance: its own verifier, JWKS cache and claim types, side by side with Cognito's.
    const firebaseAuth = cloudauth(config.firebase, { realm: REALM })
    app.get('/firebase/me', firebaseAuth.user(), (c) => {
      const { id, email, emailVerified, provider } = c.get('user')
      return c.json({ id, email, emailVerified, provider })
    })
  }

  return app
}
