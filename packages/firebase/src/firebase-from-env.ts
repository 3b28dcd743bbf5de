import { type EnvSource, type Provider } from '@cloudauth/core'
import { ConfigProblems, insecureUrlProblem, readEnv } from '@cloudauth/core/provider'
import type { FirebaseOptions } from './firebase.js'
import type { FirebaseIdClaims } from './firebase-id-claims.js'
import { createFirebase } from './internal/create-firebase.js'

/** Options of {@link firebaseFromEnv}: everything but what the environment gives. */
export type FirebaseFromEnvOptions = Omit<FirebaseOptions, 'projectId' | 'tenantId'>

/** Environment variables, as `process.env` holds them. */
export type FirebaseEnv = EnvSource

/** Options the environment gives, and the variable that gives each. */
const FROM_ENV: Readonly<Record<string, string>> = {
  projectId: 'FIREBASE_PROJECT_ID',
  tenantId: 'FIREBASE_TENANT_ID',
}

/**
 * {@link firebase} configured from the environment (`env`, default `process.env`); `options` takes
 * the code-side options of {@link firebase} (`sessionCookie`, `groupClaims`, `emulator`, ...).
 * Each variable is `FIREBASE_` and the option's name in upper snake case, as in every provider:
 *
 * | variable | |
 * |---|---|
 * | `FIREBASE_PROJECT_ID` | the project id; required |
 * | `FIREBASE_TENANT_ID` | an Identity Platform tenant id; optional |
 * | `FIREBASE_JWKS_URI` | optional: where the keys are (`jwksUri`), for a local issuer such as `cloudauth-dev serve` (`http://127.0.0.1:9400/firebase/jwks.json`) |
 * | `FIREBASE_AUTH_EMULATOR_HOST` | firebase-admin's name. Never turns emulator mode on by itself: set without `emulator: true` in `options` it is a problem; with it, it must be a loopback `host:port` and `NODE_ENV` must be `development` or `test` |
 *
 * Blank variables count as unset. Every problem is reported at once, values never echoed.
 *
 * @example
 * ```ts
 * const app = firebaseFromEnv()                                   // FIREBASE_PROJECT_ID
 * const cookies = firebaseFromEnv(process.env, { sessionCookie: true, groupClaims: 'roles' })
 * const local = firebaseFromEnv(process.env, { emulator: true })  // unsigned: tests only
 * ```
 * @throws ConfigError whose `problems` lists every missing or invalid variable and option, one
 *   line each (`FIREBASE_PROJECT_ID: is required`), including `FIREBASE_AUTH_EMULATOR_HOST` set
 *   without `emulator: true`, and emulator mode outside a loopback host or a development or test
 *   `NODE_ENV`; and any error of {@link firebase} for the other options.
 */
export function firebaseFromEnv(
  env?: FirebaseEnv,
  options: FirebaseFromEnvOptions = {},
): Provider<FirebaseIdClaims> {
  const source = env ?? readEnvSource()
  const vars = readEnv(source)
  const problems = new ConfigProblems()
  for (const [option, variable] of Object.entries(FROM_ENV)) {
    if ((options as Record<string, unknown>)[option] !== undefined)
      problems.add(option, `is read from ${variable}, not from options`)
  }
  // Checked by createFirebase, reported under these names.
  const projectId = vars.text('FIREBASE_PROJECT_ID')
  const tenantId = vars.text('FIREBASE_TENANT_ID')
  const jwksUri = vars.text('FIREBASE_JWKS_URI')
  if (jwksUri !== undefined) {
    problems.add('FIREBASE_JWKS_URI', insecureUrlProblem(jwksUri))
    if (options.jwksUri !== undefined)
      problems.add('FIREBASE_JWKS_URI', 'is set while jwksUri is given in code: keep one')
  }
  // A stray variable must never turn unsigned tokens on: only the code can ask for them.
  if (vars.text('FIREBASE_AUTH_EMULATOR_HOST') !== undefined && options.emulator !== true)
    problems.add(
      'FIREBASE_AUTH_EMULATOR_HOST',
      'is set, but emulator mode (unsigned tokens) is only on with emulator: true in code; unset it outside local tests',
    )
  return createFirebase(
    {
      ...options,
      projectId: projectId ?? '',
      ...(tenantId === undefined ? {} : { tenantId }),
      ...(jwksUri === undefined ? {} : { jwksUri }),
    },
    source,
    problems,
    { projectId: 'FIREBASE_PROJECT_ID', tenantId: 'FIREBASE_TENANT_ID' },
  )
}

/** `process.env` where there is one, else nothing. */
function readEnvSource(): EnvSource {
  const proc = (globalThis as { process?: { env?: EnvSource } }).process
  return proc?.env ?? {}
}
