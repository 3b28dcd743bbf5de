import { ConfigProblems, readEnv, type EnvSource, type Provider } from '@cloudauth/core'
import { firebase, type FirebaseOptions } from './firebase.js'
import type { FirebaseIdClaims } from './firebase-id-claims.js'
import { projectIdProblem, tenantIdProblem } from './internal/config-rules.js'

/** Options of {@link firebaseFromEnv}: everything but what the environment gives. */
export type FirebaseFromEnvOptions = Omit<FirebaseOptions, 'projectId' | 'tenantId' | 'emulator'>

/** Environment variables, as `process.env` holds them. */
export type FirebaseEnv = EnvSource

/**
 * {@link firebase} configured from the environment (`env`, default `process.env`); `options` takes
 * the code-side options of {@link firebase} (`sessionCookie`, `groupClaim`, `validate`, ...):
 *
 * | variable | |
 * |---|---|
 * | `FIREBASE_PROJECT_ID` | the project id; required |
 * | `FIREBASE_TENANT_ID` | an Identity Platform tenant id; optional |
 * | `FIREBASE_AUTH_EMULATOR_HOST` | when set (e.g. `127.0.0.1:9099`), emulator mode is on, as in firebase-admin: unsigned tokens are accepted. Refused under `NODE_ENV=production` |
 *
 * Blank variables count as unset. Every problem is reported at once.
 *
 * @example
 * ```ts
 * const app = firebaseFromEnv()                                   // FIREBASE_PROJECT_ID
 * const cookies = firebaseFromEnv(process.env, { sessionCookie: true, groupClaim: 'roles' })
 * ```
 * @throws ConfigError whose `problems` lists every missing or invalid variable, one line each
 *   (`FIREBASE_PROJECT_ID: is required`), including `FIREBASE_AUTH_EMULATOR_HOST` set under
 *   `NODE_ENV=production`; and any error of {@link firebase} for the other options.
 */
export function firebaseFromEnv(
  env?: FirebaseEnv,
  options: FirebaseFromEnvOptions = {},
): Provider<FirebaseIdClaims> {
  const rest = options
  const vars = readEnv(env)
  const problems = new ConfigProblems()
  const projectId = vars.text('FIREBASE_PROJECT_ID')
  problems.add('FIREBASE_PROJECT_ID', projectIdProblem(projectId))
  const tenantId = vars.text('FIREBASE_TENANT_ID')
  if (tenantId !== undefined) problems.add('FIREBASE_TENANT_ID', tenantIdProblem(tenantId))
  const emulator = vars.text('FIREBASE_AUTH_EMULATOR_HOST') !== undefined
  if (emulator && vars.text('NODE_ENV') === 'production')
    problems.add(
      'FIREBASE_AUTH_EMULATOR_HOST',
      'is set while NODE_ENV=production: emulator mode (unsigned tokens) is refused in production',
    )
  problems.throwIfAny()
  return firebase({
    ...rest,
    projectId: projectId ?? '',
    ...(tenantId === undefined ? {} : { tenantId }),
    ...(emulator ? { emulator } : {}),
  })
}
