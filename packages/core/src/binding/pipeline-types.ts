import type { MatchMode } from '../checks/scopes.js'
import type { AuthError } from '../errors/auth-error.js'
import type { Principal, PrincipalKind, ServicePrincipal } from '../principal/principal.js'
import type { TokenSource } from '../sources/token-source.js'
import type { JwtClaims, User, VerifiedToken, Verifier } from '../verify/types.js'
import type { ClaimOutput, ClaimSchema } from './claim-schema.js'
import type { RequestView } from './request-view.js'

/**
 * The answer to send for a refused request: status, headers (`WWW-Authenticate`, `Cache-Control`,
 * `Retry-After`, `Content-Type`) and the body, already serialised. Every header value is valid.
 */
export interface ErrorAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * What a step gives: its value, or the {@link AuthError} and the ready answer. An exception that is
 * not an `AuthError` (a bug) is not a result: the step's promise rejects with it, so the framework's
 * own error handling answers 500.
 */
export type StepResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: AuthError; readonly answer: ErrorAnswer }

/** What a step requires, for documentation (OpenAPI security requirements). */
export interface StepSecurity {
  /** `'token'`: a bearer token; `'principal'`: a token or a service credential; `'none'`. */
  readonly credentials: 'none' | 'token' | 'principal'
  /** The principal kinds let through (`'anonymous'` when the credential is optional). */
  readonly kinds: readonly PrincipalKind[]
  readonly scopes?: { readonly values: readonly string[]; readonly mode: MatchMode }
  readonly groups?: { readonly values: readonly string[]; readonly mode: MatchMode }
  readonly permissions?: { readonly values: readonly string[]; readonly mode: MatchMode }
  /** True when the step validates claims against a schema. */
  readonly claims?: boolean
}

/** One step of the pipeline: what a binding turns into one middleware. */
export interface Step<T> {
  run(view: RequestView): Promise<StepResult<T>>
  readonly security: StepSecurity
}

/**
 * Decides permissions for a principal (implemented by `@cloudauth/permissions`).
 * Throws `AuthError('permissions_unavailable')` when its store cannot answer.
 */
export interface PermissionSource {
  check(
    principal: Principal,
    statements: readonly string[],
    mode: MatchMode,
    view: RequestView,
  ): Promise<{ readonly allowed: boolean; readonly missing: readonly string[] }>
  /**
   * Why `statement` is not one a route can require in this source's syntax, or `undefined` when it
   * is. Optional: with it, `permission(statements)` throws `ConfigError` naming a bad statement
   * when the route is declared, not at its first request.
   */
  validate?(statement: string): string | undefined
}

/**
 * Authenticates service credentials (implemented by `@cloudauth/principals`): `undefined` when
 * the request carries none of its headers; throws `AuthError` on bad or unknown credentials
 * (`invalid_service_credentials`, `invalid_request`) or a store outage (`principal_unavailable`).
 */
export interface ServiceAuthenticator {
  authenticate(view: RequestView): Promise<ServicePrincipal | undefined>
  /** For OpenAPI apiKey schemes. */
  readonly schemes: readonly { readonly name: string; readonly header: string }[]
}

/** Options of {@link createPipeline}; `TAttributes` is inferred from `enrich`'s result. */
export interface PipelineOptions<
  TClaims extends JwtClaims = JwtClaims,
  TAttributes extends object = Readonly<Record<string, unknown>>,
> {
  /** Where to look for the token, in order (RFC 6750 §2). Default `[bearer()]`. */
  readonly tokenFrom?: readonly TokenSource[]
  /** The protection space named in `WWW-Authenticate` (RFC 6750 §3). Default `'api'`. */
  readonly realm?: string
  /** Needed by `permission()`. */
  readonly permissions?: PermissionSource
  /** Lets `principal()`, `any()` and `permission()` accept service credentials. */
  readonly services?: ServiceAuthenticator
  /**
   * Adds attributes to each user or service principal, once per request; its result's type is
   * `principal.attributes`' type on every principal step. A failure (not an `AuthError`) answers
   * 503 `principal_unavailable`.
   */
  readonly enrich?: (
    principal: Exclude<Principal<TClaims>, { kind: 'anonymous' }>,
    view: RequestView,
  ) => TAttributes | Promise<TAttributes>
  /**
   * Answers a 401 (no credentials, or a token that is not good) your way instead of the RFC 6750
   * challenge, from the request's method and URL (path and query): browser pages send the visitor
   * to the login page, `unauthenticated: (request) => login.redirectToLogin(request)`. `undefined`
   * keeps the standard answer; 400, 403 and 503 always keep theirs. A binding's `onError` still
   * receives the error.
   */
  readonly unauthenticated?: (request: {
    readonly method: string
    readonly url: string
  }) => ErrorAnswer | undefined
}

/** What a custom step's function can ask for; each is memoised per request. */
export interface StepContext<
  TClaims extends JwtClaims = JwtClaims,
  TAttributes extends object = Readonly<Record<string, unknown>>,
> {
  verified(): Promise<VerifiedToken<TClaims>>
  user(): Promise<User<TClaims>>
  principal(): Promise<Principal<TClaims, TAttributes>>
}

/** The steps of one pipeline, sharing one verifier and one per-request memo. */
export interface Pipeline<
  TClaims extends JwtClaims = JwtClaims,
  TAttributes extends object = Readonly<Record<string, unknown>>,
> {
  readonly verifier: Verifier<TClaims>
  readonly realm: string
  /** Requires a valid token. */
  verify(): Step<VerifiedToken<TClaims>>
  /** Requires a valid token holding the scopes (RFC 6749 §3.3 scope-tokens). */
  scope(scopes: readonly string[], mode?: MatchMode): Step<VerifiedToken<TClaims>>
  /** Requires a valid token in the groups. */
  groups(groups: readonly string[], mode?: MatchMode): Step<VerifiedToken<TClaims>>
  /** Requires a valid token whose claims pass a Standard Schema. */
  claim<TSchema extends ClaimSchema>(schema: TSchema): Step<ClaimOutput<TSchema>>
  /** Requires a valid token; the provider's normalised user. */
  user(): Step<User<TClaims>>
  /** No token: `undefined`; a bad token is still refused. */
  optional(): Step<VerifiedToken<TClaims> | undefined>
  /** A user or a service. */
  principal(): Step<Principal<TClaims, TAttributes>>
  /** A principal of one of these kinds (`'anonymous'` lets a request without credentials through). */
  any(...kinds: readonly PrincipalKind[]): Step<Principal<TClaims, TAttributes>>
  /** A user or a service holding the permissions, as `options.permissions` decides. */
  permission(statements: readonly string[], mode?: MatchMode): Step<Principal<TClaims, TAttributes>>
  /** A custom step. `fn` throws an `AuthError` to refuse. */
  step<T>(
    fn: (view: RequestView, ctx: StepContext<TClaims, TAttributes>) => T | Promise<T>,
    security?: StepSecurity,
  ): Step<T>
  /** The token this pipeline verified for the request, if a step verified one. */
  token(view: RequestView): VerifiedToken<TClaims> | undefined
  /** True when `value` was produced by this pipeline (a token, user or principal it made). */
  produced(value: unknown): boolean
  /** The answer for an `AuthError`, as the steps give it. */
  answer(error: AuthError): ErrorAnswer
}
