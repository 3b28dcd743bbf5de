import { describe, it, expect, expectTypeOf } from 'vitest'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { z } from 'zod'
import { defineProvider, type JwtClaims, type User, type VerifiedToken } from '@cloudauth/core'
import {
  cloudauth,
  type AuthError,
  type AuthMiddleware,
  type ClaimOutput,
  type CloudAuthOptions,
} from '@cloudauth/express'
import { bearer, issuer, token, useServers } from './support.js'

interface AcmeClaims extends JwtClaims {
  readonly tenant: string
}

const auth = cloudauth({ issuers: issuer })
const acme = cloudauth(defineProvider<AcmeClaims>({ issuers: issuer, provider: 'acme' }))
const Me = z.object({ sub: z.string(), email: z.email().optional() })
const serve = useServers()

describe('what handlers see', () => {
  it('req.auth and req.authUser are declared on every Express request, possibly undefined', () => {
    expectTypeOf<Request['auth']>().toEqualTypeOf<VerifiedToken | undefined>()
    expectTypeOf<Request['authUser']>().toEqualTypeOf<User | undefined>()
  })

  it('.get(req) returns what each middleware established, typed', async () => {
    const verify = acme.verify()
    const me = acme.claim(Me)
    const user = acme.user()
    const maybe = acme.optional()
    const url = await serve((app) => {
      app.get('/', verify, me, user, maybe, (req, res) => {
        expectTypeOf(verify.get(req)).toEqualTypeOf<VerifiedToken<AcmeClaims>>()
        expectTypeOf(verify.get(req).claims.tenant).toEqualTypeOf<string>()
        expectTypeOf(me.get(req)).toEqualTypeOf<{ sub: string; email?: string | undefined }>()
        expectTypeOf(user.get(req)).toEqualTypeOf<User<AcmeClaims>>()
        expectTypeOf(maybe.get(req)).toEqualTypeOf<VerifiedToken<AcmeClaims> | undefined>()
        res.json({ tenant: verify.get(req).claims.tenant, sub: me.get(req).sub })
      })
    })
    const res = await fetch(url, { headers: bearer(token({ tenant: 't1' })) })
    expect(await res.json()).toEqual({ tenant: 't1', sub: 'user-1' })
  })

  it("types principal.attributes as the enrich hook's result", async () => {
    const enriched = cloudauth(
      { issuers: issuer },
      {
        enrich: async (principal) => ({
          plan: 'pro' as 'free' | 'pro',
          seats: principal.id.length,
        }),
      },
    )
    const principal = enriched.principal()
    const plain = auth.principal()
    const url = await serve((app) => {
      app.get('/', principal, (req, res) => {
        const who = principal.get(req)
        if (who.kind === 'anonymous') return void res.json(null)
        expectTypeOf(who.attributes).toEqualTypeOf<
          Readonly<{ plan: 'free' | 'pro'; seats: number }>
        >()
        res.json(who.attributes)
      })
      app.get('/plain', plain, (req, res) => {
        const who = plain.get(req)
        if (who.kind === 'anonymous') return void res.json(null)
        expectTypeOf(who.attributes).toEqualTypeOf<Readonly<Record<string, unknown>>>()
        res.json(who.attributes)
      })
    })
    const headers = bearer(token())
    expect(await (await fetch(url, { headers })).json()).toEqual({ plan: 'pro', seats: 6 })
    expect(await (await fetch(`${url}/plain`, { headers })).json()).toEqual({})
  })

  it('gives each helper an Express middleware with a typed get', () => {
    expectTypeOf(auth.verify()).toExtend<RequestHandler>()
    expectTypeOf(auth.verify()).toEqualTypeOf<AuthMiddleware<VerifiedToken>>()
    expectTypeOf(auth.scope(['a'])).toEqualTypeOf<AuthMiddleware<VerifiedToken>>()
    expectTypeOf(auth.groups(['a'])).toEqualTypeOf<AuthMiddleware<VerifiedToken>>()
    expectTypeOf(auth.claim(Me)).toEqualTypeOf<AuthMiddleware<ClaimOutput<typeof Me>>>()
    expectTypeOf(acme.user()).toEqualTypeOf<AuthMiddleware<User<AcmeClaims>>>()
    expectTypeOf<CloudAuthOptions['onError']>().toEqualTypeOf<
      | ((
          error: AuthError,
          req: Request,
          res: Response,
          next: NextFunction,
        ) => void | Promise<void>)
      | undefined
    >()
  })
})
