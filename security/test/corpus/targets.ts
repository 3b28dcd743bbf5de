import { coreTarget } from './core-target.js'
import { auth0Target, cognitoTargets, firebaseTargets } from './provider-targets.js'
import type { Target } from './target.js'

/** Every target the corpus runs against: core directly, then each provider. */
export function allTargets(): readonly Target[] {
  return [coreTarget(), ...cognitoTargets(), auth0Target(), ...firebaseTargets()]
}
