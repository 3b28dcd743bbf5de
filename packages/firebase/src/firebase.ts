import {
  AuthError,
  ConfigError,
  claimNames,
  defineProvider,
  parseClaims,
  pickTuning,
  readEnv,
  userFromClaims,
} from '@cloudauth/core'
import type {
  ClaimsCheck,
  IssuerOptions,
  JwtClaims,
  Provider,
  VerifierTuning,
} from '@cloudauth/core'
import { firebaseIdClaims, type FirebaseIdClaims } from './firebase-id-claims.js'
import { projectIdProblem, tenantIdProblem } from './internal/config-rules.js'
import {
  ID_TOKEN_ISSUER_PREFIX,
  ID_TOKEN_JWKS_URL,
  SESSION_COOKIE_ISSUER_PREFIX,
  SESSION_COOKIE_X509_URL,
} from './internal/google-keys.js'

/** Options of {@link firebase}. */
export interface FirebaseOptions extends VerifierTuning<FirebaseIdClaims> {
  /** The Firebase project id: the `aud` of every token and the end of its `iss`. Required. */
  readonly projectId: string
  /** An Identity Platform tenant: `firebase.tenant` must equal it. Default: any tenant, or none. */
  readonly tenantId?: string
  /**
   * Verify session cookies (`createSessionCookie`) instead of ID tokens: issuer
   * `https://session.firebase.google.com/{projectId}`, keys from Google's identitytoolkit
   * certificates. Default `false`.
   */
  readonly sessionCookie?: boolean
  /**
   * INSECURE, local development only: accept the Firebase Auth emulator's unsigned tokens.
   * Refused under `NODE_ENV=production`; warns at construction. Default `false`.
   */
  readonly emulator?: boolean
  /**
   * Where the keys are, replacing Google's URL (a JWKS for ID tokens, a `{ kid: pem }` map for
   * session cookies). In emulator mode no keys are fetched unless this is set.
   */
  readonly jwksUri?: string
  /** Claims that hold scopes; Firebase has none, so name a custom claim. Default none. */
  readonly scopeClaim?: string | readonly string[]
  /** Claims that hold groups, for example a custom `roles` claim. Default none. */
  readonly groupClaim?: string | readonly string[]
  /** An extra check, run after the provider's own. Throw an `AuthError` to reject. */
  readonly validate?: ClaimsCheck
}

function need(option: string, problem: string | undefined): void {
  if (problem !== undefined) throw new ConfigError(option, problem)
}

/**
 * The checks firebase-admin's `verifyIdToken` makes beyond the standard claims: a uid of 1 to 128
 * characters, and an `auth_time` that is a number and not in the future.
 */
function checkFirebaseClaims(claims: JwtClaims, now: number, clockTolerance: number): void {
  const { sub } = claims
  if (typeof sub !== 'string' || sub === '')
    throw new AuthError('invalid_claims', 'the sub claim must be a non-empty string')
  if (sub.length > 128)
    throw new AuthError('invalid_claims', 'the sub claim is longer than 128 characters')
  const authTime = claims.auth_time
  if (typeof authTime !== 'number' || !Number.isFinite(authTime))
    throw new AuthError('invalid_claims', 'the auth_time claim is missing or not a number')
  if (authTime > now + clockTolerance)
    throw new AuthError('invalid_claims', 'the auth_time claim is in the future')
}

/**
 * A Firebase Authentication project as a cloudauth provider: pass it to `createVerifier()` or a
 * binding's `cloudauth()`.
 *
 * ID tokens: `iss` `https://securetoken.google.com/{projectId}`, `aud` the project id, RS256 only,
 * keys from Google's securetoken JWKS (refetched as its `Cache-Control: max-age` says), `sub` a
 * non-empty string of at most 128 characters, `auth_time` a number not in the future (beyond the
 * clock tolerance), `iat` present and not in the future, `exp` not passed, and the claims shaped
 * as {@link firebaseIdClaims}. With `tenantId`, `firebase.tenant` must equal it, else
 * `invalid_claims` (the token is for this project, `aud` is right: it is the user's tenant that is
 * wrong). With `sessionCookie: true`, the same checks apply to session cookies.
 *
 * @example
 * ```ts
 * const app = firebase({ projectId: 'acme-prod' })
 * const cookies = firebase({ projectId: 'acme-prod', sessionCookie: true })
 * const tenant = firebase({ projectId: 'acme-prod', tenantId: 'customers-a1b2c', groupClaim: 'roles' })
 * const local = firebase({ projectId: 'demo-acme', emulator: true }) // unsigned tokens; never in production
 * ```
 * @throws ConfigError naming the option: `projectId` not a project id, `tenantId` malformed,
 *   `emulator` under `NODE_ENV=production`, a non-boolean `emulator` or `sessionCookie`, bad claim
 *   names; and any core option error.
 * @returns a provider whose verifier rejects with `invalid_issuer`, `invalid_audience`,
 *   `unsupported_algorithm` (anything but RS256; `none` outside emulator mode), `invalid_claims`
 *   (sub, auth_time, schema, tenant), and core's other codes.
 */
export function firebase(options: FirebaseOptions): Provider<FirebaseIdClaims> {
  if (typeof options !== 'object' || (options as unknown) === null)
    throw new ConfigError('options', 'must be an object')
  need('projectId', projectIdProblem(options.projectId))
  const { projectId, tenantId } = options
  if (tenantId !== undefined) need('tenantId', tenantIdProblem(tenantId))
  for (const flag of ['sessionCookie', 'emulator'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean')
      throw new ConfigError(flag, 'must be true or false')
  }
  const sessionCookie = options.sessionCookie === true
  const emulator = options.emulator === true
  const scopeClaims = claimNames('scopeClaim', options.scopeClaim, [])
  const groupClaims = claimNames('groupClaim', options.groupClaim, [])
  const extra = options.validate
  if (extra !== undefined && typeof extra !== 'function')
    throw new ConfigError('validate', 'must be a function')

  const issuer = `${sessionCookie ? SESSION_COOKIE_ISSUER_PREFIX : ID_TOKEN_ISSUER_PREFIX}${projectId}`
  if (emulator) {
    if (readEnv().text('NODE_ENV') === 'production')
      throw new ConfigError(
        'emulator',
        'is refused when NODE_ENV=production: anyone can forge an unsigned token',
      )
    console.warn(
      `[cloudauth/firebase] EMULATOR MODE for project ${projectId}: UNSIGNED tokens are accepted ` +
        'and anyone can forge one. Use this only against the local Firebase Auth emulator, never ' +
        'in production.',
    )
  }

  const keys: Pick<IssuerOptions, 'jwksUri' | 'keySetFormat'> =
    options.jwksUri === undefined && emulator
      ? {}
      : {
          jwksUri: options.jwksUri ?? (sessionCookie ? SESSION_COOKIE_X509_URL : ID_TOKEN_JWKS_URL),
          keySetFormat: sessionCookie ? 'x509' : 'jwks',
        }

  const validate: ClaimsCheck = async (claims, header, context) => {
    checkFirebaseClaims(claims, context.now, context.clockTolerance)
    // The schema makes the claims type the provider promises true at run time (invalid_claims).
    await parseClaims({ claims }, firebaseIdClaims)
    if (tenantId !== undefined) {
      const info = claims.firebase as { readonly tenant?: unknown }
      if (info.tenant !== tenantId)
        throw new AuthError(
          'invalid_claims',
          'the token belongs to another tenant (firebase.tenant)',
        )
    }
    if (extra !== undefined) await extra(claims, header, context)
  }

  return defineProvider<FirebaseIdClaims>({
    ...pickTuning(options),
    provider: 'firebase',
    issuers: {
      issuer,
      audience: projectId,
      ...keys,
      validate,
      ...(emulator ? { unsafeUnsigned: 'emulator' as const } : {}),
    },
    // Google signs Firebase tokens with RS256 only; anything else is a forgery attempt.
    algorithms: ['RS256'],
    scopeClaims,
    groupClaims,
    // `id` is the uid (`sub`, repeated as `user_id`); Firebase has no user name.
    toUser: (verified) => userFromClaims(verified, { provider: 'firebase' }),
  })
}
