import { AuthError, ConfigError, defineProvider, parseClaims } from '@cloudauth/core'
import {
  ConfigProblems,
  checkLifetime,
  claimNames,
  pickTuning,
  requireUserId,
  tokenLifetime,
  unknownOptions,
  userFromClaims,
  userIdClaim,
} from '@cloudauth/core/provider'
import type { ClaimsCheck, EnvSource, IssuerOptions, JwtClaims, Provider } from '@cloudauth/core'
import type { FirebaseOptions } from '../firebase.js'
import { firebaseIdClaims, type FirebaseIdClaims } from '../firebase-id-claims.js'
import { projectIdProblem, tenantIdProblem } from './config-rules.js'
import { emulatorProblems } from './emulator-guard.js'
import {
  ID_TOKEN_ISSUER_PREFIX,
  ID_TOKEN_JWKS_URL,
  SESSION_COOKIE_ISSUER_PREFIX,
  SESSION_COOKIE_X509_URL,
} from './google-keys.js'

/** Firebase ID tokens live one hour (firebase-admin's `verifyIdToken` contract). */
const MAX_ID_TOKEN_LIFETIME = 3_600
/** Session cookies live 5 minutes to 2 weeks (`createSessionCookie`'s `expiresIn`). */
const MAX_SESSION_COOKIE_LIFETIME = 1_209_600

/** Every option `firebase()` knows besides core's tuning options. */
export const FIREBASE_OPTIONS = [
  'projectId',
  'tenantId',
  'sessionCookie',
  'emulator',
  'jwksUri',
  'scopeClaims',
  'groupClaims',
  'userId',
  'maxTokenLifetime',
  'validate',
] as const

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
 * Builds the provider of `firebase()`. `env` is where emulator mode's guard reads `NODE_ENV` and
 * `FIREBASE_AUTH_EMULATOR_HOST` (`process.env` when `undefined`); `problems`, when given, holds
 * problems found already (by `firebaseFromEnv()`), so that one `ConfigError` lists them all;
 * `names` reports `projectId` and `tenantId` under the variables they were read from.
 */
export function createFirebase(
  options: FirebaseOptions,
  env: EnvSource | undefined,
  problems: ConfigProblems = new ConfigProblems(),
  names: { readonly projectId: string; readonly tenantId: string } = {
    projectId: 'projectId',
    tenantId: 'tenantId',
  },
): Provider<FirebaseIdClaims> {
  if (typeof options !== 'object' || (options as unknown) === null)
    throw new ConfigError('options', 'must be an object')
  unknownOptions(options, FIREBASE_OPTIONS, problems, 'firebase()')
  problems.add(names.projectId, projectIdProblem(options.projectId))
  const { projectId, tenantId } = options
  if (tenantId !== undefined) problems.add(names.tenantId, tenantIdProblem(tenantId))
  for (const flag of ['sessionCookie', 'emulator'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean')
      problems.add(flag, 'must be true or false')
  }
  const sessionCookie = options.sessionCookie === true
  const emulator = options.emulator === true
  const scopeClaims = claimNames('scopeClaims', options.scopeClaims, [], problems)
  const groupClaims = claimNames('groupClaims', options.groupClaims, [], problems)
  const userId = userIdClaim(options.userId, problems)
  const maxLifetime = tokenLifetime(
    options.maxTokenLifetime,
    sessionCookie ? MAX_SESSION_COOKIE_LIFETIME : MAX_ID_TOKEN_LIFETIME,
    problems,
  )
  const extra = options.validate
  if (extra !== undefined && typeof extra !== 'function')
    problems.add('validate', 'must be a function')
  if (emulator) emulatorProblems(env, problems)
  problems.throwIfAny()

  const issuer = `${sessionCookie ? SESSION_COOKIE_ISSUER_PREFIX : ID_TOKEN_ISSUER_PREFIX}${projectId}`
  if (emulator) {
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

  // Synchronous as long as the app's own check is: no promise is added to a cold verify.
  const validate: ClaimsCheck = (claims, header, context) => {
    checkFirebaseClaims(claims, context.now, context.clockTolerance)
    const rest = (): void | Promise<void> => {
      checkLifetime(claims, maxLifetime, context.now)
      requireUserId(claims, userId)
      if (tenantId !== undefined) {
        const info = claims.firebase as { readonly tenant?: unknown }
        if (info.tenant !== tenantId)
          throw new AuthError(
            'invalid_claims',
            'the token belongs to another tenant (firebase.tenant)',
          )
      }
      return extra === undefined ? undefined : extra(claims, header, context)
    }
    // The schema makes the claims type the provider promises true at run time (invalid_claims).
    const parsed = parseClaims({ claims }, firebaseIdClaims)
    return parsed instanceof Promise ? parsed.then(rest) : rest()
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
    // `id` is the uid (`sub`, repeated as `user_id`), or the `userId` claim; Firebase has no user name.
    toUser: (verified) => userFromClaims(verified, { provider: 'firebase', userId }),
  })
}
