import express, { type Express } from 'express'
import { z } from 'zod'
import { cloudauth, type CloudAuthSource } from '@cloudauth/express'
import type { Auth0AccessClaims } from '@cloudauth/auth0'
import type { FirebaseIdClaims } from '@cloudauth/firebase'
import type { Permissions } from '@cloudauth/permissions'

/** What the app needs: where its tokens come from. `main.ts` builds it, offline or from the environment. */
export interface AppConfig {
  /** The API's callers: Auth0 access tokens (`auth0({ domain, audience })`). */
  readonly auth0: CloudAuthSource<Auth0AccessClaims>
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
  /**
   * The namespace of the custom claims an Auth0 Action adds to access tokens (Auth0 requires
   * custom claims to be namespaced by a URL). Default {@link DEFAULT_CLAIM_NAMESPACE}.
   */
  readonly claimNamespace?: string
}

/** The namespace the dev issuer uses for its roles claim, and the example's default. */
export const DEFAULT_CLAIM_NAMESPACE = 'https://cloudauth.test/'

/** The protection space named in `WWW-Authenticate` (RFC 6750 §3). */
export const REALM = 'example-express'

const USERS = [
  { id: 'u-1', name: 'Ada Lovelace' },
  { id: 'u-2', name: 'Grace Hopper' },
]

/**
 * The example API: an Express 5 app protected by Auth0 access tokens, with one Firebase route.
 * Pure: it builds the app and its verifiers and listens nowhere (`main.ts` serves it, the tests
 * and `pnpm demo` start it on a free port). Auth failures are answered by the middleware itself
 * (status, `WWW-Authenticate`, `{ error, error_description }`), so no error handler is needed.
 *
 * | route | needs |
 * |---|---|
 * | `GET /` | nothing (public) |
 * | `GET /api/hello` | nothing, but greets the caller when a valid token is sent (`optional()`) |
 * | `GET /api/users` | scope `read:users` (in `scope` or Auth0 RBAC `permissions`) |
 * | `GET /api/reports` | scope `reports:read` or `reports:admin` (`any`) |
 * | `GET /api/admin` | role `admin` in the namespaced `{namespace}roles` claim |
 * | `GET /api/me` | a `{namespace}tenant` claim, checked by a zod schema; the handler sees it typed |
 * | `GET /api/user` | a valid token; answers the normalised user |
 * | `GET /firebase/me` | a Firebase ID token |
 * | `GET /api/orders` | statement `orders:read` (roles of the token's groups and of the user, in PGlite) |
 * | `/permissions/...` | the admin API of `@cloudauth/permissions` (`permissions:admin`) |
 *
 * @example
 * ```ts
 * const app = createApp({ auth0: auth0({ domain, audience, groupClaims: 'https://acme.com/roles' }) })
 * app.listen(3000, '127.0.0.1')
 * ```
 * @throws ConfigError when a provider's options are wrong (at construction, never per request)
 */
export function createApp(config: AppConfig): Express {
  const namespace = config.claimNamespace ?? DEFAULT_CLAIM_NAMESPACE
  const tenantClaim = `${namespace}tenant`
  const auth = cloudauth(config.auth0, {
    realm: REALM,
    ...(config.permissions === undefined ? {} : { permissions: config.permissions }),
  })

  const app = express()
  app.disable('x-powered-by')

  app.get('/', (_req, res) => {
    res.json({
      app: 'cloudauth example: Express + Auth0',
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
    })
  })

  const hello = auth.optional()
  app.get('/api/hello', hello, (req, res) => {
    res.json({ hello: hello.get(req)?.claims.sub ?? 'anonymous' })
  })

  app.get('/api/users', auth.scope(['read:users']), (_req, res) => {
    res.json({ users: USERS })
  })

  const reports = auth.scope(['reports:read', 'reports:admin'], 'any')
  app.get('/api/reports', reports, (req, res) => {
    res.json({
      reports: [{ id: 'r-1', title: 'Monthly sign-ins' }],
      scopes: reports.get(req).scopes,
    })
  })

  const admin = auth.groups(['admin'])
  app.get('/api/admin', admin, (req, res) => {
    res.json({ admin: true, roles: admin.get(req).groups })
  })

  // A claims schema: `me.get(req)` is its output, typed ({ sub: string, [tenantClaim]: string }).
  const me = auth.claim(z.object({ sub: z.string(), [tenantClaim]: z.string().min(1) }))
  app.get('/api/me', me, (req, res) => {
    const claims = me.get(req)
    res.json({ sub: claims.sub, tenant: claims[tenantClaim] })
  })

  const user = auth.user()
  app.get('/api/user', user, (req, res) => {
    const { id, email, groups, provider } = user.get(req)
    res.json({ id, email, groups, provider })
  })

  if (config.permissions !== undefined) {
    // Statements from roles, not from the token: an admin grants them through /permissions.
    app.use('/permissions', auth.mount(config.permissions.admin({ pipeline: auth.pipeline })))
    const orders = auth.permission(['orders:read'])
    app.get('/api/orders', orders, (req, res) => {
      res.json({ orders: [{ id: 'o-1', total: 42 }], principal: orders.get(req).id })
    })
  }

  if (config.firebase !== undefined) {
    // A second instance: its own verifier, JWKS cache and claim types, side by side with Auth0's.
    const firebaseAuth = cloudauth(config.firebase, { realm: REALM })
    const firebaseUser = firebaseAuth.user()
    app.get('/firebase/me', firebaseUser, (req, res) => {
      const { id, email, emailVerified, provider } = firebaseUser.get(req)
      res.json({ id, email, emailVerified, provider })
    })
  }

  return app
}
