import type { StandardSchemaV1 } from '@standard-schema/spec'
import { AuthError } from '../errors/auth-error.js'
import type { VerifiedToken } from '../verify/types.js'

// A path segment is named only when it looks like a claim name a schema would spell out; any other
// key (a `z.record` key the token chose: `'☃<script>'`, a quote, a long string) is written `*`, so
// what the token supplies never reaches the description or the WWW-Authenticate header.
// Namespaced claims (`https://example.com/tenant`, RFC 7519 §4.2 collision-resistant names) pass.
const CLAIM_NAME = /^[A-Za-z0-9_$:./#~+@-]{1,128}$/
const MAX_PATHS = 5

function segmentOf(segment: PropertyKey | StandardSchemaV1.PathSegment): string {
  const key = typeof segment === 'object' ? segment.key : segment
  if (typeof key === 'number') return Number.isSafeInteger(key) && key >= 0 ? String(key) : '*'
  return typeof key === 'string' && CLAIM_NAME.test(key) ? key : '*'
}

function pathOf(issue: StandardSchemaV1.Issue): string {
  if (issue.path === undefined || issue.path.length === 0) return '(root)'
  return issue.path.map(segmentOf).join('.')
}

function outputOf<TOutput>(result: StandardSchemaV1.Result<TOutput>): TOutput {
  if (result.issues !== undefined) {
    const paths = [...new Set(result.issues.map(pathOf))]
    const listed = paths.length > MAX_PATHS ? [...paths.slice(0, MAX_PATHS), '...'] : paths
    throw new AuthError('invalid_claims', `claims failed validation at: ${listed.join(', ')}`)
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
 * Failure is `invalid_claims` (401) naming the failing claim paths (at most five), never their
 * values and never the schema's messages (which may quote a value). A key that does not look like
 * a claim name (letters, digits and `_$:./#~+@-`, up to 128) is written `*`: keys a token supplies (those of
 * a `z.record`) are never echoed.
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
