import { requireGroups, requireScopes, type MatchMode } from '../checks/scopes.js'
import { parseClaims } from '../checks/parse-claims.js'
import { AuthError, isAuthError } from '../errors/auth-error.js'
import { ConfigError } from '../errors/config-error.js'
import { ProducedSlot } from '../internal/produced-slot.js'
import type {
  AnonymousPrincipal,
  Principal,
  PrincipalKind,
  UserPrincipal,
} from '../principal/principal.js'
import { extractToken } from '../sources/extract-token.js'
import type { JwtClaims, User, VerifiedToken } from '../verify/types.js'
import {
  resolveRealm,
  resolveRequired,
  resolveSources,
  resolveVerifier,
  validateStatements,
  type VerifierSource,
} from './binding-options.js'
import type { ClaimOutput, ClaimSchema } from './claim-schema.js'
import { errorAnswer } from './error-answer.js'
import type {
  ErrorAnswer,
  Pipeline,
  PipelineOptions,
  Step,
  StepContext,
  StepResult,
  StepSecurity,
} from './pipeline-types.js'
import type { RequestView } from './request-view.js'

const ANONYMOUS: AnonymousPrincipal = Object.freeze(
  ProducedSlot.add({
    kind: 'anonymous' as const,
    id: null,
    groups: Object.freeze<[]>([]),
    scopes: Object.freeze<[]>([]),
  }),
)
const NO_ATTRIBUTES: Readonly<Record<string, unknown>> = Object.freeze({})
const KINDS: readonly PrincipalKind[] = ['user', 'service', 'anonymous']
const TOKEN_ONLY: StepSecurity = Object.freeze({ credentials: 'token', kinds: ['user'] as const })

// An app's hook that throws on odd claims (a schema, a user mapping) rejects the token (401); it
// must not become a 500. Core's own code is not wrapped: its exceptions are bugs, answered 500.
function asClaimsError(error: unknown, description: string): AuthError {
  if (isAuthError(error)) return error
  return new AuthError('invalid_claims', description, { cause: error })
}

function checkFunction(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigError(option, 'must be a function')
  }
}

/**
 * The framework-neutral request flow every binding adapts: find the token, verify it once per
 * request, trust only what this pipeline produced, check scopes, groups, claims, permissions, and
 * turn every refusal into a ready RFC 6750 answer.
 *
 * Each step's `run(view)` resolves to `{ ok: true, value }` or `{ ok: false, error, answer }`;
 * it rejects only with an exception that is not an {@link AuthError} (a bug in core, in a custom
 * token source or in a verifier), which the binding hands to its framework as a server error.
 *
 * @example
 * ```ts
 * const pipeline = createPipeline(cognito({ userPoolId, clientId, tokenUse: 'access' }))
 * const readUsers = pipeline.scope(['read:users'])
 * const result = await readUsers.run(view)
 * if (!result.ok) return new Response(result.answer.body, result.answer)
 * ```
 * @throws ConfigError for a bad source or option, at construction, never per request
 * @returns steps whose errors are `missing_token`, `invalid_request`, every token defect,
 *   `insufficient_scope`, `insufficient_permission`, `jwks_unavailable`, `revocation_unavailable`,
 *   `permissions_unavailable`, `principal_unavailable`, `invalid_service_credentials`
 */
export function createPipeline<
  TClaims extends JwtClaims = JwtClaims,
  TAttributes extends object = Readonly<Record<string, unknown>>,
>(
  source: VerifierSource<TClaims>,
  options: PipelineOptions<TClaims, TAttributes> = {},
): Pipeline<TClaims, TAttributes> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('options', 'must be an object')
  }
  const verifier = resolveVerifier(source)
  const sources = resolveSources(options.tokenFrom)
  const realm = resolveRealm(options.realm)
  const { permissions, services, enrich, unauthenticated } = options
  checkFunction('enrich', enrich)
  checkFunction('unauthenticated', unauthenticated)
  if (permissions !== undefined && typeof permissions?.check !== 'function') {
    throw new ConfigError('permissions', 'must have a check(principal, statements, mode, view)')
  }
  if (services !== undefined && typeof services?.authenticate !== 'function') {
    throw new ConfigError('services', 'must have an authenticate(view)')
  }
  const responseOptions = { realm }

  // Everything this pipeline made carries its brand. A value on a request (a context variable,
  // `req.auth`) is trusted only when it does: one set by another instance, another library or the
  // app was never checked against this configuration. Core's tokens, users and principals have a
  // private slot for the brand (no per-request entry in a WeakSet, whose ephemerons cost every
  // scavenge); only values without one (a custom verifier's) go to `foreign`. The memo keys below
  // are private to this pipeline for the same reason.
  const brand = {}
  const foreign = new WeakSet<object>()
  const keep = (value: object): void => {
    if (!ProducedSlot.mark(value, brand)) foreign.add(value)
  }
  const VERIFIED = {}
  const USER = {}
  const PRINCIPAL = {}

  const answer = (error: AuthError): ErrorAnswer => errorAnswer(error, responseOptions)

  function refuse(error: unknown, view: RequestView): StepResult<never> {
    if (!isAuthError(error)) throw error
    const own = error.status === 401 ? unauthenticated?.(view) : undefined
    return { ok: false, error, answer: own ?? answer(error) }
  }

  async function verifyAndKeep(view: RequestView, token: string): Promise<VerifiedToken<TClaims>> {
    const verified = await verifier.verify(token)
    keep(verified)
    view.memo.set(VERIFIED, verified)
    return verified
  }

  /** The request's verified token, verified at most once per request. */
  function verified(view: RequestView): VerifiedToken<TClaims> | Promise<VerifiedToken<TClaims>> {
    const memo = view.memo.get(VERIFIED) as VerifiedToken<TClaims> | undefined
    if (memo !== undefined) return memo
    const token = extractToken(view, sources)
    if (typeof token === 'string') return verifyAndKeep(view, token)
    return token.then((found) => verifyAndKeep(view, found))
  }

  async function user(view: RequestView): Promise<User<TClaims>> {
    const memo = view.memo.get(USER) as User<TClaims> | undefined
    if (memo !== undefined) return memo
    const token = await verified(view)
    let made: User<TClaims>
    try {
      made = verifier.user(token)
    } catch (error) {
      throw asClaimsError(error, 'the token claims do not map to a user')
    }
    keep(made)
    view.memo.set(USER, made)
    return made
  }

  async function hasToken(view: RequestView): Promise<boolean> {
    try {
      await extractToken(view, sources)
      return true
    } catch (error) {
      if (isAuthError(error) && error.code === 'missing_token') return false
      throw error
    }
  }

  async function withAttributes<TPrincipal extends Exclude<Principal<TClaims>, AnonymousPrincipal>>(
    principal: TPrincipal,
    view: RequestView,
  ): Promise<TPrincipal> {
    if (enrich === undefined) return principal
    let added: object
    try {
      added = await enrich(principal, view)
    } catch (error) {
      if (isAuthError(error)) throw error
      throw new AuthError('principal_unavailable', 'the principal could not be loaded', {
        cause: error,
      })
    }
    return { ...principal, attributes: Object.freeze({ ...principal.attributes, ...added }) }
  }

  async function resolvePrincipal(view: RequestView): Promise<Principal<TClaims>> {
    const memo = view.memo.get(PRINCIPAL) as Principal<TClaims> | undefined
    if (memo !== undefined) return memo
    let principal: Principal<TClaims>
    const service = services === undefined ? undefined : await services.authenticate(view)
    if (service !== undefined) {
      if (await hasToken(view)) {
        throw new AuthError('invalid_request', 'a token and a service credential were both sent')
      }
      principal = Object.freeze(ProducedSlot.add(await withAttributes(service, view)))
    } else {
      let token: VerifiedToken<TClaims> | undefined
      try {
        token = await verified(view)
      } catch (error) {
        if (!(isAuthError(error) && error.code === 'missing_token')) throw error
      }
      if (token === undefined) {
        principal = ANONYMOUS
      } else {
        const made = await user(view)
        const base: UserPrincipal<TClaims> = {
          kind: 'user',
          id: made.id,
          groups: token.groups,
          scopes: token.scopes,
          token,
          user: made,
          attributes: NO_ATTRIBUTES,
        }
        principal = Object.freeze(ProducedSlot.add(await withAttributes(base, view)))
      }
    }
    keep(principal)
    view.memo.set(PRINCIPAL, principal)
    return principal
  }

  function principalStep(
    kinds: readonly PrincipalKind[],
    check?: (principal: Principal<TClaims>, view: RequestView) => Promise<void>,
    security: Partial<StepSecurity> = {},
  ): Step<Principal<TClaims>> {
    const allowed = new Set(kinds)
    return {
      security: Object.freeze({ credentials: 'principal', kinds: [...allowed], ...security }),
      async run(view) {
        try {
          const principal = await resolvePrincipal(view)
          if (!allowed.has(principal.kind)) {
            if (principal.kind === 'anonymous')
              throw new AuthError('missing_token', 'no token was sent')
            throw new AuthError(
              'insufficient_permission',
              `this route does not accept a ${principal.kind} credential`,
            )
          }
          if (check !== undefined) await check(principal, view)
          return { ok: true, value: principal }
        } catch (error) {
          return refuse(error, view)
        }
      },
    }
  }

  // A step over the verified token, with an optional synchronous check. The closures are made once
  // per route, not per request.
  function tokenStep(
    check: ((token: VerifiedToken<TClaims>) => void) | undefined,
    security: StepSecurity,
  ): Step<VerifiedToken<TClaims>> {
    return {
      security,
      async run(view) {
        try {
          const found = verified(view)
          const token = found instanceof Promise ? await found : found
          if (check !== undefined) check(token)
          return { ok: true, value: token }
        } catch (error) {
          return refuse(error, view)
        }
      },
    }
  }

  const verifyStep = tokenStep(undefined, TOKEN_ONLY)

  const optionalStep: Step<VerifiedToken<TClaims> | undefined> = {
    security: Object.freeze({ credentials: 'token', kinds: ['user', 'anonymous'] as const }),
    async run(view) {
      try {
        const found = verified(view)
        return { ok: true, value: found instanceof Promise ? await found : found }
      } catch (error) {
        // No token at all is the anonymous case; a malformed header or a bad token is not.
        if (isAuthError(error) && error.code === 'missing_token')
          return { ok: true, value: undefined }
        return refuse(error, view)
      }
    },
  }

  const userStep: Step<User<TClaims>> = {
    security: TOKEN_ONLY,
    async run(view) {
      try {
        return { ok: true, value: await user(view) }
      } catch (error) {
        return refuse(error, view)
      }
    },
  }

  const context = (view: RequestView): StepContext<TClaims> => ({
    verified: async () => verified(view),
    user: () => user(view),
    async principal() {
      const principal = await resolvePrincipal(view)
      if (principal.kind === 'anonymous') throw new AuthError('missing_token', 'no token was sent')
      return principal
    },
  })

  const pipeline: Pipeline<TClaims> = Object.freeze({
    verifier,
    realm,
    verify: () => verifyStep,
    scope(scopes: readonly string[], mode: MatchMode = 'all') {
      const values = resolveRequired('scope(scopes)', scopes, mode, true)
      return tokenStep((token) => requireScopes(token, values, mode), {
        ...TOKEN_ONLY,
        scopes: { values, mode },
      })
    },
    groups(groups: readonly string[], mode: MatchMode = 'all') {
      const values = resolveRequired('groups(groups)', groups, mode)
      return tokenStep((token) => requireGroups(token, values, mode), {
        ...TOKEN_ONLY,
        groups: { values, mode },
      })
    },
    claim<TSchema extends ClaimSchema>(schema: TSchema): Step<ClaimOutput<TSchema>> {
      if (typeof (schema as Partial<ClaimSchema> | null)?.['~standard']?.validate !== 'function') {
        throw new ConfigError(
          'claim(schema)',
          'must be a Standard Schema (zod 4, valibot, arktype)',
        )
      }
      return {
        security: Object.freeze({ ...TOKEN_ONLY, claims: true }),
        async run(view) {
          try {
            const token = await verified(view)
            let value: ClaimOutput<TSchema>
            try {
              value = await parseClaims(token, schema)
            } catch (error) {
              throw asClaimsError(error, 'the token claims could not be validated')
            }
            return { ok: true, value }
          } catch (error) {
            return refuse(error, view)
          }
        },
      }
    },
    user: () => userStep,
    optional: () => optionalStep,
    principal: () => principalStep(['user', 'service']),
    any(...kinds: readonly PrincipalKind[]) {
      if (kinds.length === 0 || kinds.some((kind) => !KINDS.includes(kind))) {
        throw new ConfigError('any(kinds)', "must list 'user', 'service' or 'anonymous'")
      }
      return principalStep(kinds)
    },
    permission(statements: readonly string[], mode: MatchMode = 'all') {
      const source = permissions
      if (source === undefined) {
        throw new ConfigError('permissions', 'permission() needs the permissions option')
      }
      const values = resolveRequired('permission(statements)', statements, mode)
      validateStatements(source, values)
      return principalStep(
        ['user', 'service'],
        async (principal, view) => {
          const { allowed } = await source.check(principal, values, mode, view)
          if (!allowed) {
            throw new AuthError(
              'insufficient_permission',
              mode === 'all'
                ? 'the principal lacks a required permission'
                : 'the principal holds none of the accepted permissions',
            )
          }
        },
        { permissions: { values, mode } },
      )
    },
    step<T>(
      fn: (view: RequestView, ctx: StepContext<TClaims>) => T | Promise<T>,
      security: StepSecurity = { credentials: 'none', kinds: KINDS },
    ): Step<T> {
      if (typeof fn !== 'function') throw new ConfigError('step(fn)', 'must be a function')
      return {
        security: Object.freeze({ ...security }),
        async run(view) {
          try {
            return { ok: true, value: await fn(view, context(view)) }
          } catch (error) {
            return refuse(error, view)
          }
        },
      }
    },
    token: (view: RequestView) => view.memo.get(VERIFIED) as VerifiedToken<TClaims> | undefined,
    produced: (value: unknown) =>
      typeof value === 'object' &&
      value !== null &&
      (ProducedSlot.has(value, brand) ?? foreign.has(value)),
    answer,
  })
  // `withAttributes` merges `enrich`'s result into every user and service principal, so their
  // `attributes` hold at least what the hook's result type says (TAttributes is inferred from it,
  // and is the untyped record without a hook).
  return pipeline as unknown as Pipeline<TClaims, TAttributes>
}
