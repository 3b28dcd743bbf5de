import { createRequestView, type RequestView, type StepResult } from '@cloudauth/core/binding'
import type { PermissionPrincipal } from '../types.js'

/** What the admin API needs of a pipeline (a binding's `auth.pipeline`): its `principal()` step. */
export interface PrincipalPipeline {
  principal(): { run(view: RequestView): Promise<StepResult<PermissionPrincipal>> }
}

/**
 * The caller of a Fetch `Request`, as the pipeline's `principal()` step decides it: a user from a
 * verified token, or a service from its credential. Throws the step's `AuthError` (401, 400, 503).
 *
 * @example
 * ```ts
 * const authorize = principalFromPipeline(auth.pipeline)
 * const caller = await authorize(request)
 * ```
 */
export function principalFromPipeline(
  pipeline: PrincipalPipeline,
): (request: Request) => Promise<PermissionPrincipal> {
  const step = pipeline.principal()
  return async (request) => {
    const url = new URL(request.url)
    const view = createRequestView({
      method: request.method,
      url: `${url.pathname}${url.search}`,
      header: (name) => request.headers.get(name) ?? undefined,
      // The admin API answers JSON itself; nothing the pipeline adds (a refreshed session cookie)
      // has a response to go on here.
      appendResponseHeader: () => undefined,
    })
    const result = await step.run(view)
    if (!result.ok) throw result.error
    return result.value
  }
}
