import express from 'express'
import type { Verifier } from '@cloudauth/core'
import { cloudauth } from '@cloudauth/express'
import {
  EMAIL_SCHEMA,
  RECORD_SCHEMA,
  describeConformance,
  socketClient,
} from '../../core/test-support/conformance.js'
import { listen } from './support.js'

// The conformance suite's routes, in Express (5, or 4 in the express-4 project).
describeConformance(`Express ${process.env.EXPRESS_MAJOR ?? '?'} on 127.0.0.1`, {
  separateFields: true,
  construct: (source: Verifier, options = {}) => cloudauth(source, options),
  async start(source, options) {
    const auth = cloudauth(source, options)
    const app = express()
    const claim = auth.claim(EMAIL_SCHEMA)
    const user = auth.user()
    const principal = auth.principal()
    app.get('/verify', auth.verify(), (req, res) => res.json({ sub: req.auth?.claims.sub }))
    app.get('/scope', auth.scope(['read:users']), (req, res) =>
      res.json({ sub: req.auth?.claims.sub }),
    )
    app.get('/groups', auth.groups(['admin']), (req, res) =>
      res.json({ sub: req.auth?.claims.sub }),
    )
    app.get('/groups-intl', auth.groups(['администраторы']), (req, res) =>
      res.json({ sub: req.auth?.claims.sub }),
    )
    app.get('/claim', claim, (req, res) => res.json({ email: claim.get(req).email }))
    app.get('/record', auth.claim(RECORD_SCHEMA), (_req, res) => res.json({ ok: true }))
    app.get('/user', user, (req, res) => res.json({ id: user.get(req).id }))
    app.get('/optional', auth.optional(), (req, res) =>
      res.json({ sub: req.auth?.claims.sub ?? null }),
    )
    app.get('/principal', principal, (req, res) => {
      const { kind, id } = principal.get(req)
      res.json({ kind, id })
    })
    const served = await listen(app)
    return socketClient(served.url, () => served.close())
  },
})
