import { Hono } from 'hono'
import { cognito } from '@cloudauth/cognito'
import { cloudauth } from '@cloudauth/hono'
import { cognitoHostedUi, createLogin, session, type SessionStore } from '@cloudauth/login'
import { DEV_DEFAULTS } from '@cloudauth/testing'

/** What the example needs to know. */
export interface LoginExampleConfig {
  /** The issuer's base URL (the dev issuer, or a Cognito Hosted UI domain). */
  readonly issuerUrl: string
  /** Where this app runs, e.g. `http://127.0.0.1:8080`: the callback is `{origin}/auth/callback`. */
  readonly origin: string
  /** Cookie encryption secrets, newest first (>= 32 characters). */
  readonly secrets: readonly string[]
  /** A session store (default: the session lives in an encrypted cookie). */
  readonly store?: SessionStore
}

function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cloudauth login example</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto">${body}</body></html>`
}

/**
 * The app: `/` shows a login link or the user, `/profile` is a browser page that sends anonymous
 * visitors to the login page, `/api/me` is an API that answers 401. The login routes are mounted in
 * one line; every helper reads the access token from the session.
 */
export function createApp(config: LoginExampleConfig): Hono {
  const login = createLogin({
    issuer: cognitoHostedUi({
      domain: config.issuerUrl,
      issuer: `${config.issuerUrl}/${DEV_DEFAULTS.userPoolId}`,
    }),
    clientId: DEV_DEFAULTS.clientId,
    redirectUri: `${config.origin}/auth/callback`,
    secrets: config.secrets,
    ...(config.store === undefined ? {} : { store: config.store }),
  })
  const provider = cognito({
    userPoolId: DEV_DEFAULTS.userPoolId,
    clientId: DEV_DEFAULTS.clientId,
    endpoint: config.issuerUrl,
    tokenUse: 'access',
  })
  const api = cloudauth(provider, { tokenFrom: [session(login)] })
  const pages = cloudauth(provider, {
    tokenFrom: [session(login)],
    onError: (error, c) =>
      error.status === 401
        ? new Response(null, login.redirectToLogin(c.req.raw))
        : c.text('The sign-in service is unavailable; try again shortly.', error.status),
  })

  const app = new Hono()
  app.use(api.mount(login.routes))
  app.get('/', async (c) => {
    const current = await login.session({ header: (name) => c.req.header(name) })
    if (current === undefined) {
      return c.html(
        page(
          '<h1>Welcome</h1><p><a id="login" href="/auth/login?returnTo=/profile">Log in</a></p>',
        ),
      )
    }
    return c.html(page(`<h1>Welcome back</h1><p><a href="/profile">Your profile</a></p>`))
  })
  app.get('/profile', pages.verify(), async (c) => {
    const profile = await login.userinfo({ header: (name) => c.req.header(name) })
    return c.html(
      page(`<h1>Profile</h1>
<p id="hello">Hello ${escapeHtml(profile?.['email'])}</p>
<p>Signed in as <code>${escapeHtml(c.get('auth').claims['username'])}</code>.</p>
<form method="post" action="/auth/refresh"><button id="refresh">Refresh the session</button></form>
<form method="post" action="/auth/logout"><button id="logout">Log out</button></form>`),
    )
  })
  app.get('/api/me', api.verify(), (c) =>
    c.json({ sub: c.get('auth').claims.sub, username: c.get('auth').claims['username'] }),
  )
  return app
}
