/**
 * The HTTP property of issue 10: no input over HTTP yields a 500 or a crash. Arbitrary
 * `Authorization`, `Cookie` and custom-header bytes are sent over a raw socket to a binding's
 * server on 127.0.0.1, and arbitrary scope and realm strings configure a route: each must be a
 * `ConfigError` at construction, or give well-formed 200/400/401/403/503 answers; the server must
 * answer a plain request after every case. Run by the binding test projects with a fixed seed, and
 * at length by `pnpm fuzz`.
 */
import { connect } from 'node:net'
import fc from 'fast-check'
import { ConfigError, createVerifier, type Verifier } from '@cloudauth/core'
import { defaultKey, jwksOf, signToken } from '@cloudauth/testing'

const ISSUER = 'https://fuzz-http.cloudauth.test/'
const key = defaultKey()

/** A binding's server under test: `/verify` (`verify()`), `/optional`, and `/dynamic`, whose guard is set per case. */
export interface FuzzServer {
  readonly port: number
  /**
   * Replaces `/dynamic`'s guard with `scope(scopes)` of `cloudauth(verifier, { realm })`
   * (throws what construction throws).
   */
  configure(scopes: readonly string[], realm: string): void
  close(): Promise<void>
}

export type StartFuzzServer = (verifier: Verifier) => Promise<FuzzServer>

export function fuzzVerifier(): Verifier {
  return createVerifier({ issuers: { issuer: ISSUER, jwks: jwksOf(key), audience: 'api' } })
}

const GOOD = signToken({ key, claims: { iss: ISSUER, aud: 'api', sub: 'u', scope: 'read' } })
const STATUS = new Set([200, 400, 401, 403, 503])
// A well-formed status line, then header lines of visible ASCII (or tab) only.
const HEAD =
  /^HTTP\/1\.1 (\d{3}) [^\r\n]*\r\n(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+: ?[\t\x20-\x7e]*\r\n)*\r\n/

/** Sends raw bytes and returns the status of the answer (the server closes the connection). */
function send(port: number, head: Buffer): Promise<{ status: number; raw: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1')
      const match = HEAD.exec(raw)
      if (match === null)
        reject(new Error(`not a well-formed answer: ${JSON.stringify(raw.slice(0, 200))}`))
      else resolve({ status: Number(match[1]), raw })
    })
    socket.end(head)
  })
}

const request = (path: string, fields: readonly (readonly [string, Buffer])[]) =>
  Buffer.concat([
    Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`, 'latin1'),
    ...fields.flatMap(([name, value]) => [
      Buffer.from(`${name}: `, 'latin1'),
      value,
      Buffer.from('\r\n', 'latin1'),
    ]),
    Buffer.from('\r\n', 'latin1'),
  ])

// Header bytes: anything but CR and LF (which would end the field), biased towards the bytes that
// matter: bearer-ish prefixes, a good token, separators, controls, bytes past ASCII.
const bytes = fc
  .tuple(
    fc.constantFrom('', 'Bearer ', 'bearer\t', 'Bearer  ', 'Basic ', `Bearer ${GOOD}`, 'session='),
    fc.uint8Array({ maxLength: 40 }),
    fc.constantFrom('', GOOD, `, Bearer ${GOOD}`, '; session=x', ' '),
  )
  .map(([prefix, middle, suffix]) =>
    Buffer.concat([
      Buffer.from(prefix, 'latin1'),
      Buffer.from(middle.filter((b) => b !== 0x0d && b !== 0x0a)),
      Buffer.from(suffix, 'latin1'),
    ]),
  )

async function expectAlive(port: number): Promise<void> {
  const { status } = await send(port, request('/optional', []))
  if (status !== 200) throw new Error(`the server answered ${status} to a plain request`)
}

/** Runs the property against one server. */
export async function checkHttpProperty(
  server: FuzzServer,
  parameters: { readonly seed: number; readonly numRuns: number },
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('/verify', '/optional', '/dynamic'),
      fc.option(bytes, { nil: undefined }),
      fc.option(bytes, { nil: undefined }),
      fc.option(bytes, { nil: undefined }),
      fc.boolean(),
      async (path, authorization, cookie, custom, twice) => {
        const fields: [string, Buffer][] = []
        if (authorization !== undefined) {
          fields.push(['Authorization', authorization])
          if (twice) fields.push(['Authorization', authorization])
        }
        if (cookie !== undefined) fields.push(['Cookie', cookie])
        if (custom !== undefined) fields.push(['X-Id-Token', custom])
        const { status } = await send(server.port, request(path, fields))
        if (!STATUS.has(status)) throw new Error(`answered ${status}`)
      },
    ),
    { seed: parameters.seed, numRuns: parameters.numRuns },
  )
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.string({ unit: 'binary', minLength: 0, maxLength: 12 }), { maxLength: 3 }),
      fc.string({ unit: 'binary', maxLength: 12 }),
      async (scopes, realm) => {
        try {
          server.configure(scopes, realm)
        } catch (error) {
          if (error instanceof ConfigError) return
          throw error
        }
        // A token without the scopes: 403 with a challenge naming them, or 200 when it holds them.
        const { status } = await send(
          server.port,
          request('/dynamic', [['Authorization', Buffer.from(`Bearer ${GOOD}`)]]),
        )
        if (status !== 200 && status !== 403) throw new Error(`answered ${status}`)
      },
    ),
    { seed: parameters.seed, numRuns: Math.max(1, Math.round(parameters.numRuns / 2)) },
  )
  await expectAlive(server.port)
}
