import express, { type Express } from 'express'
import { cloudauth } from '@cloudauth/express'
import { session } from '@cloudauth/login'
import { createExampleLogin, type LoginExampleConfig } from './config.js'
import { homePage, profilePage } from './pages.js'

/**
 * The same app on Express: `/`, `/profile` (a browser page: anonymous visitors go to the login
 * page), `/api/me` (an API: 401), and the login routes mounted in one line.
 */
export function createExpressApp(config: LoginExampleConfig): Express {
  const login = createExampleLogin(config)
  const api = cloudauth(config.provider, { tokenFrom: [session(login)] })
  // Browser pages: a visitor without a (good) session goes to the login page, and back after it.
  const pages = cloudauth(config.provider, {
    tokenFrom: [session(login)],
    unauthenticated: (request) => login.redirectToLogin(request),
  })

  const app = express()
  app.use(api.mount(login.routes))
  app.get('/', async (req, res) => {
    res.type('html').send(homePage(await login.session({ header: (name) => req.get(name) })))
  })
  const verified = pages.verify()
  app.get('/profile', verified, async (req, res) => {
    const current = await login.session({ header: (name) => req.get(name) })
    res.type('html').send(profilePage(current, verified.get(req).claims.sub ?? ''))
  })
  const apiVerified = api.verify()
  app.get('/api/me', apiVerified, (req, res) => {
    const auth = apiVerified.get(req)
    res.json({ sub: auth.claims.sub, issuer: auth.issuer, scopes: auth.scopes })
  })
  return app
}
