import fc from 'fast-check'
import {
  AuthError,
  bearer,
  cookie,
  hasScopes,
  header,
  isAuthError,
  requireGroups,
  requireScopes,
  type AuthErrorCode,
  type MatchMode,
  type VerifiedToken,
} from '@cloudauth/core'
import { extractToken } from '@cloudauth/core/binding'
import { b64url } from '@cloudauth/testing'
import type { FuzzContext } from './fuzz-context.js'
import { applyMutation, mutationArbitrary } from './mutations.js'
import {
  referenceClaimsVerdict,
  referenceHasDuplicate,
  referenceMatches,
  referenceScopes,
  writeJson,
  type MemberModel,
  type ValueModel,
} from './references.js'

/** The seed CI runs with; `pnpm fuzz --seed N` picks another. */
export const FUZZ_SEED = 0x5ec_0de

/** How one property is run. */
export interface RunParameters {
  readonly seed: number
  readonly numRuns: number
}

/** One property of issue 6, runnable by vitest (few runs) and by `pnpm fuzz` (many). */
export interface SecurityProperty {
  readonly name: string
  /** Its share of `pnpm fuzz`'s total run count. */
  readonly weight: number
  /** Runs in CI: enough to mean something, few enough to keep the suite fast. */
  readonly ciRuns: number
  /** Runs the property; rejects with fast-check's report (seed, path, counterexample) on failure. */
  check(context: FuzzContext, parameters: RunParameters): Promise<void>
}

/** Codes a token itself can earn (401); never 400/403/503 from a token alone, never anything else. */
const TOKEN_CODES = new Set<AuthErrorCode>([
  'malformed_token',
  'unsupported_algorithm',
  'invalid_header',
  'unknown_key',
  'invalid_signature',
  'token_expired',
  'token_not_yet_valid',
  'invalid_issuer',
  'invalid_audience',
  'invalid_claims',
])

/** Fails the run unless `error` is an AuthError for a bad token. */
function assertTokenError(error: unknown): AuthError {
  if (!(error instanceof AuthError) || !isAuthError(error)) {
    throw new Error(`not an AuthError: ${String(error)}`, { cause: error })
  }
  if (!TOKEN_CODES.has(error.code) || error.status !== 401) {
    throw new Error(`unexpected code ${error.code} (${error.status})`)
  }
  return error
}

/** Verifies, expecting a refusal: returns the AuthError, or throws when accepted or untyped. */
async function refusal(context: FuzzContext, token: string): Promise<AuthError> {
  let verified: VerifiedToken | undefined
  try {
    verified = await context.verifier.verify(token)
  } catch (error) {
    return assertTokenError(error)
  }
  throw new Error(`accepted a token it must refuse (sub ${String(verified.claims.sub)})`)
}

const mutations: SecurityProperty = {
  name: 'a mutated valid token is never accepted, and always fails with an AuthError',
  weight: 0.35,
  ciRuns: 600,
  async check(context, parameters) {
    const kids = [context.rsaKey.kid, context.ecKey.kid]
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...context.tokens),
        fc.array(mutationArbitrary(kids, context.tokens), { minLength: 1, maxLength: 3 }),
        async (token, steps) => {
          const mutated = steps.reduce(applyMutation, token)
          // A sequence may undo itself (cut, then insert the same text): that is not a mutation.
          if (context.tokens.includes(mutated)) return
          await refusal(context, mutated)
        },
      ),
      parameters,
    )
  },
}

/** Random tokens: any text, any bytes, and three-segment shapes that pass the first checks. */
const randomToken = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.stringMatching(/^[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_-]{0,60}\.[A-Za-z0-9_-]{0,60}$/),
  fc
    .tuple(
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record({ alg: fc.constantFrom('RS256', 'ES256', 'none'), kid: fc.string() }),
      ),
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 })),
      ),
      fc.uint8Array({ maxLength: 80 }),
    )
    .map(
      ([h, p, s]) =>
        `${b64url(JSON.stringify(h) ?? '')}.${b64url(JSON.stringify(p) ?? '')}.${b64url(s)}`,
    ),
)

const randomTokens: SecurityProperty = {
  name: 'any string or byte sequence as a token fails with an AuthError',
  weight: 0.15,
  ciRuns: 500,
  async check(context, parameters) {
    await fc.assert(
      fc.asyncProperty(randomToken, async (token) => {
        await refusal(context, token)
      }),
      parameters,
    )
  },
}

const SOURCES = [bearer(), cookie('session'), header('x-id-token')]
const schemes = fc.constantFrom(
  'Bearer ',
  'bearer ',
  'BEARER  ',
  'Bearer',
  'Basic ',
  'Bearer\t',
  ' Bearer ',
  '',
)
const headerText = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
  randomToken,
)

const requests: SecurityProperty = {
  name: 'any Authorization header, cookie or token header fails with an AuthError through extractToken and verify',
  weight: 0.15,
  ciRuns: 500,
  async check(context, parameters) {
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          authorization: maybe(
            fc.oneof(
              headerText,
              fc.tuple(schemes, headerText).map(([s, t]) => `${s}${t}`),
            ),
          ),
          cookie: maybe(
            fc.oneof(
              headerText,
              fc
                .tuple(
                  fc.constantFrom(
                    'session=',
                    'session="',
                    'other=1; session=',
                    'session=a; session=',
                  ),
                  headerText,
                )
                .map(([c, t]) => `${c}${t}`),
            ),
          ),
          token: maybe(headerText),
        }),
        async (headers) => {
          const request = {
            header: (name: string) =>
              name === 'authorization'
                ? headers.authorization
                : name === 'cookie'
                  ? headers.cookie
                  : name === 'x-id-token'
                    ? headers.token
                    : undefined,
          }
          let token: string
          try {
            token = await extractToken(request, SOURCES)
          } catch (error) {
            if (!(error instanceof AuthError))
              throw new Error(`extractToken threw ${String(error)}`, { cause: error })
            if (error.code !== 'missing_token' && error.code !== 'invalid_request')
              throw new Error(`extractToken: ${error.code}`)
            return
          }
          await refusal(context, token)
        },
      ),
      parameters,
    )
  },
}

/** Scope-like values, from a small pool so that held and required overlap often. */
const scopeValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'read',
      'write',
      'admin',
      'read:users',
      'write:users',
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
      'h',
      'i',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'READ',
      'read ',
      'ｒead',
    ),
  },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 6 }) },
)

const scopes: SecurityProperty = {
  name: "hasScopes, requireScopes and requireGroups agree with a plain reference for 'all' and 'any'",
  weight: 0.15,
  ciRuns: 1000,
  check(_context, parameters) {
    fc.assert(
      fc.property(
        fc.array(scopeValue, { maxLength: 20 }),
        fc.array(scopeValue, { maxLength: 12 }),
        fc.constantFrom<MatchMode>('all', 'any'),
        (held, required, mode) => {
          const expected = referenceMatches(held, required, mode)
          const verified = { scopes: held, groups: held }
          if (hasScopes(verified, required, mode) !== expected)
            throw new Error('hasScopes disagrees')
          for (const check of [requireScopes, requireGroups]) {
            let error: unknown
            try {
              check(verified, required, mode)
            } catch (caught) {
              error = caught
            }
            if (expected) {
              if (error !== undefined)
                throw new Error(`${check.name} refused a match`, { cause: error })
            } else {
              if (
                !(error instanceof AuthError) ||
                error.code !== 'insufficient_scope' ||
                error.status !== 403
              )
                throw new Error(`${check.name} did not refuse with insufficient_scope`, {
                  cause: error,
                })
              if (JSON.stringify(error.scope) !== JSON.stringify(required))
                throw new Error('the challenge names other scopes')
            }
          }
        },
      ),
      parameters,
    )
    return Promise.resolve()
  },
}

const now = 1_800_000_000
const timeValue = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: now - 20, max: now + 20 }),
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
  fc.double(),
  fc.constantFrom(null, true, '1800000600', [now + 600], {}, -0, 1e308, -1e308, 5e-324),
)
const audValue = (audience: string) =>
  fc.oneof(
    fc.constant(audience),
    fc.constantFrom(
      undefined,
      null,
      '',
      [],
      audience.toUpperCase(),
      `${audience}/`,
      [audience, 1],
      [[audience]],
    ),
    fc.array(fc.oneof(fc.constant(audience), fc.string({ maxLength: 8 })), { maxLength: 4 }),
    fc.jsonValue({ maxDepth: 1 }),
  )

const claims: SecurityProperty = {
  name: 'exp, nbf, iat, aud, iss and scope agree with a reference of RFC 7519 rules on signed tokens',
  weight: 0.1,
  ciRuns: 400,
  async check(context, parameters) {
    const base = context.claims()
    const issuer = base.iss as string
    const audience = base.aud as string
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          iss: fc.oneof(
            { weight: 6, arbitrary: fc.constant(issuer) },
            fc.constantFrom(
              undefined,
              issuer.toUpperCase(),
              issuer.slice(0, -1),
              [issuer],
              `${issuer} `,
            ),
          ),
          aud: audValue(audience),
          exp: fc.oneof(
            { weight: 3, arbitrary: fc.integer({ min: now - 20, max: now + 1000 }) },
            timeValue,
          ),
          nbf: timeValue,
          iat: timeValue,
          sub: fc.oneof({ weight: 6, arbitrary: fc.constant('u') }, fc.jsonValue({ maxDepth: 1 })),
          scope: fc.oneof(
            fc.string({ maxLength: 30 }),
            fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxLength: 5 }),
            fc.constant(undefined),
          ),
        }),
        async (generated) => {
          // The token holds what JSON can say: NaN and Infinity become null, -0 becomes 0.
          const sent = JSON.parse(JSON.stringify(generated)) as Record<string, unknown>
          const token = context.sign(sent)
          const expected = referenceClaimsVerdict(sent)
          let outcome: VerifiedToken | AuthError
          try {
            outcome = await context.verifier.verify(token)
          } catch (error) {
            outcome = assertTokenError(error)
          }
          if (outcome instanceof AuthError) {
            if (outcome.code !== expected)
              throw new Error(`core says ${outcome.code}, the reference ${expected ?? 'accept'}`)
            return
          }
          if (expected !== undefined)
            throw new Error(`core accepted, the reference says ${expected}`)
          const want = referenceScopes(sent.scope)
          if (JSON.stringify(outcome.scopes) !== JSON.stringify(want))
            throw new Error('scopes differ from the reference')
        },
      ),
      parameters,
    )
  },
}

/** JSON object models whose member names repeat often, nested objects included. */
const NAMES = ['a', 'b', 'sub', 'exp', 'é', '__proto__', 'constructor', 'x y', '"', '\\', '\u2028']
const valueModel: fc.Arbitrary<ValueModel> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.jsonValue({ maxDepth: 1 }).map((json) => ({ kind: 'json' as const, json })),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(
        fc.record({
          name: fc.constantFrom(...NAMES),
          value: fc.jsonValue({ maxDepth: 1 }).map((json) => ({ kind: 'json' as const, json })),
        }),
        { maxLength: 4 },
      )
      .map((members): ValueModel => ({ kind: 'object', members })),
  },
)
const objectModel: fc.Arbitrary<MemberModel[]> = fc.array(
  fc.record({ name: fc.constantFrom(...NAMES), value: valueModel }),
  { maxLength: 6 },
)

const duplicates: SecurityProperty = {
  name: 'a payload is refused as malformed exactly when a top-level member name repeats, however it is escaped',
  weight: 0.1,
  ciRuns: 500,
  async check(context, parameters) {
    const headerSegment = b64url(JSON.stringify({ alg: 'ES256', kid: context.ecKey.kid }))
    await fc.assert(
      fc.asyncProperty(
        objectModel,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('', ' ', '\n', '\t '),
        async (members, escapes, space) => {
          const text = writeJson(members, escapes, space)
          const error = await refusal(
            context,
            `${headerSegment}.${b64url(text)}.${b64url('signature')}`,
          )
          // Without a duplicate the payload parses and, with no iss, fails at the issuer check.
          const expected = referenceHasDuplicate(members) ? 'malformed_token' : 'invalid_issuer'
          if (error.code !== expected)
            throw new Error(`core says ${error.code}, the reference ${expected}`)
        },
      ),
      parameters,
    )
  },
}

/** Every property of issue 6, in the order `pnpm fuzz` runs them. */
export const SECURITY_PROPERTIES: readonly SecurityProperty[] = [
  mutations,
  randomTokens,
  requests,
  scopes,
  claims,
  duplicates,
]
