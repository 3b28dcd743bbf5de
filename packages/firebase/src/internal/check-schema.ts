import { AuthError } from '@cloudauth/core'
import type { z } from 'zod'

/**
 * Holds the claims to the provider's schema, so the claims type the provider promises is true at
 * run time. Names the failing claims, never their values (which could be personal data).
 *
 * @throws AuthError `invalid_claims`
 */
export function checkSchema(schema: z.ZodType, claims: unknown): void {
  const result = schema.safeParse(claims)
  if (result.success) return
  const paths = [...new Set(result.error.issues.map((issue) => issue.path.map(String).join('.')))]
  throw new AuthError('invalid_claims', `claims failed validation at: ${paths.join(', ')}`)
}
