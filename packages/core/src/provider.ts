/**
 * `@cloudauth/core/provider`: helpers for authors of provider packages (`@cloudauth/cognito`,
 * `@cloudauth/auth0`, `@cloudauth/firebase`, or your own): option and environment checking that
 * reports every problem at once, the user mapping, lifetime ceilings and the defaults. Applications
 * use a provider package and `@cloudauth/core` instead.
 */
export { pickTuning } from './verify/pick-tuning.js'
export { userFromClaims } from './verify/user-from-claims.js'
export type { UserFromClaimsOptions } from './verify/user-from-claims.js'
export { ConfigProblems } from './config/config-problems.js'
export type { ConfigProblem } from './config/config-problems.js'
export { readEnv } from './config/read-env.js'
export type { EnvReader, EnvSource } from './config/read-env.js'
export { claimNames } from './config/claim-names.js'
export { unknownOptions } from './config/unknown-options.js'
export { userIdClaim } from './config/user-id-claim.js'
export { tokenLifetime } from './config/token-lifetime.js'
export { insecureUrlProblem } from './config/insecure-url-problem.js'
export { requireUserId } from './checks/require-user-id.js'
export { checkLifetime } from './checks/check-lifetime.js'
export { DEFAULTS } from './verify/resolve-options.js'
