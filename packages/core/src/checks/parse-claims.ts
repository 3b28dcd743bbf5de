import type { StandardSchemaV1 } from '@standard-schema/spec'
import { AuthError } from '../errors/auth-error.js'
import type { VerifiedToken } from '../verify/types.js'

function pathOf(issue: StandardSchemaV1.Issue): string {
  if (issue.path === undefined || issue.path.length === 0) return '(root)'
  return issue.path
    .map((segment) => {
      const key = typeof segment === 'object' ? segment.key : segment
      return typeof key === 'symbol' ? key.toString() : String(key)
    })
    .join('.')
}

/**
 * Validates the verified claims against any Standard Schema v1 (zod 4, valibot, arktype) and
 * resolves to the schema's output, typed.
 *
 * Failure is `invalid_claims` (401) naming the failing claim paths, never their values and never
 * the schema's messages (which may quote a value).
 *
 * @example
 * ```ts
 * const { sub, email } = await parseClaims(verified, z.object({ sub: z.string(), email: z.email() }))
 * ```
 * @throws AuthError `invalid_claims`
 */
export async function parseClaims<TSchema extends StandardSchemaV1>(
  verified: Pick<VerifiedToken, 'claims'>,
  schema: TSchema,
): Promise<StandardSchemaV1.InferOutput<TSchema>> {
  let result = schema['~standard'].validate(verified.claims)
  if (result instanceof Promise) result = await result
  if (result.issues !== undefined) {
    const paths = [...new Set(result.issues.map(pathOf))]
    throw new AuthError('invalid_claims', `claims failed validation at: ${paths.join(', ')}`)
  }
  return result.value
}
