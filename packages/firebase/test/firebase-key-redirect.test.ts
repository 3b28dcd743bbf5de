import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { createVerifier, type VerifierEvent } from '@cloudauth/core'
import {
  FIREBASE_ID_TOKEN_JWKS_URL,
  FIREBASE_SESSION_COOKIE_X509_URL,
  firebasePreset,
} from '@cloudauth/testing'
import { firebase } from '@cloudauth/firebase'
import { outcome } from './support.js'

// SECURITY.md: no key fetch follows a redirect. Google's JWKS and its x509 key map (session
// cookies) answering 302 to another host are failed fetches (503), and the other host is never asked.
const PROJECT = 'acme-prod-1'
const project = firebasePreset({ projectId: PROJECT })
let attackerHits = 0
const server = setupServer(
  http.get(FIREBASE_ID_TOKEN_JWKS_URL, () =>
    HttpResponse.json(null, { status: 302, headers: { location: 'http://attacker.test/keys' } }),
  ),
  http.get(FIREBASE_SESSION_COOKIE_X509_URL, () =>
    HttpResponse.json(null, { status: 301, headers: { location: 'http://attacker.test/keys' } }),
  ),
  http.get('http://attacker.test/keys', () => {
    attackerHits++
    return HttpResponse.json({})
  }),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

describe('firebase key fetches never follow a redirect', () => {
  it.each([
    ['ID tokens (JWKS)', false],
    ['session cookies (x509 key map)', true],
  ] as const)('%s: a redirect is jwks_unavailable', async (_name, sessionCookie) => {
    const events: VerifierEvent[] = []
    const verifier = createVerifier(
      firebase({ projectId: PROJECT, sessionCookie, onEvent: (event) => events.push(event) }),
    )
    const token = sessionCookie ? project.sessionCookie() : project.idToken()
    expect(await outcome(verifier.verify(token))).toBe('jwks_unavailable')
    expect(attackerHits).toBe(0)
    const failed = events.find((event) => event.type === 'jwks_refresh_failed')
    expect(failed?.type === 'jwks_refresh_failed' && failed.reason).toMatch(/redirect/)
  })
})
