import { Hono } from 'hono'
import { cloudauth } from '@cloudauth/hono'
import { session } from '@cloudauth/login'
import { createExampleLogin, type LoginExampleConfig } from './config.js'
import { homePage, profilePage } from './pages.js'

export type { LoginExampleConfig } from './config.js'

/**
 * The Hono app: `/` shows a login link or the user, `/profile` is a browser page that sends
 * anonymous visitors to the login page, `/api/me` is an API that answers 401. The login routes are
 * mounted in one line; every helper reads the access token from the session.
 */
export function createApp(config: LoginExampleConfig): Hono {
  const login = createExampleLogin(config)
  const api = cloudauth(config.provider, { tokenFrom: [session(login)] })
  // Browser pages: a visitor without a (good) session goes to the login page, and back after it.
  const pages = cloudauth(config.provider, {
    tokenFrom: [session(login)],
    unauthenticated: (request) => login.redirectToLogin(request),
  })

  const app = new Hono()
  app.use(api.mount(login.routes))
  app.get('/', async (c) =>
    c.html(homePage(await login.session({ header: (name) => c.req.header(name) }))),
  )
  app.get('/profile', pages.verify(), async (c) => {
    const current = await login.session({ header: (name) => c.req.header(name) })
    return c.html(profilePage(current, c.get('auth').claims.sub ?? ''))
  })
  app.get('/api/me', api.verify(), (c) => {
    const auth = c.get('auth')
    return c.json({ sub: auth.claims.sub, issuer: auth.issuer, scopes: auth.scopes })
  })
  return app
}
