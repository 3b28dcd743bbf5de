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

function outputOf<TOutput>(result: StandardSchemaV1.Result<TOutput>): TOutput {
  if (result.issues !== undefined) {
    const paths = [...new Set(result.issues.map(pathOf))]
    throw new AuthError('invalid_claims', `claims failed validation at: ${paths.join(', ')}`)
  }
  return result.value
}

/**
 * Validates the verified claims against any Standard Schema v1 (zod 4, valibot, arktype) and
 * returns the schema's output, typed.
 *
 * Synchronous when the schema is: when `~standard.validate` returns its result directly (a zod,
 * valibot or arktype schema without async refinements), so does `parseClaims`, and a failure is
 * thrown at once. Only a schema whose `validate` returns a promise gets a promise back (the async
 * path). `await parseClaims(...)` works for both; a provider's claim check can test for a promise
 * and stay synchronous, so it adds no promise to a verify.
 *
 * Failure is `invalid_claims` (401) naming the failing claim paths, never their values and never
 * the schema's messages (which may quote a value).
 *
 * @example
 * ```ts
 * const { sub, email } = await parseClaims(verified, z.object({ sub: z.string(), email: z.email() }))
 * const out = parseClaims(verified, schema)
 * if (out instanceof Promise) return out.then(use) // an async schema
 * use(out)                                         // a synchronous one: no promise
 * ```
 * @throws AuthError `invalid_claims` (thrown for a synchronous schema, a rejected promise for an
 *   async one)
 */
export function parseClaims<TSchema extends StandardSchemaV1>(
  verified: Pick<VerifiedToken, 'claims'>,
  schema: TSchema,
): StandardSchemaV1.InferOutput<TSchema> | Promise<StandardSchemaV1.InferOutput<TSchema>> {
  const result = schema['~standard'].validate(verified.claims)
  if (result instanceof Promise) return result.then(outputOf)
  return outputOf(result)
}
