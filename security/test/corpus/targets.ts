import { coreTarget } from './core-target.js'
import type { Target } from './target.js'

/** Every target the corpus runs against: core directly, then each provider. */
export function allTargets(): readonly Target[] {
  return [coreTarget()]
}
