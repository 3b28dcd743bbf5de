/**
 * Configuration rules shared by `firebase()` and `firebaseFromEnv()`. Each returns why a value is
 * wrong, or `undefined`, so `firebaseFromEnv()` can gather every problem before it throws.
 */

// Google Cloud project ids: 6 to 30 characters, lowercase letters, digits and hyphens, starting
// with a letter and not ending with a hyphen.
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/
// Identity Platform tenant ids, such as `tenant-2-a1b2c`.
const TENANT_ID = /^[A-Za-z0-9-]{1,128}$/

/** A Firebase (Google Cloud) project id. */
export function projectIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return 'is required'
  if (!PROJECT_ID.test(value))
    return 'must be a Firebase project id: 6 to 30 lowercase letters, digits or hyphens, starting with a letter'
  return undefined
}

/** An Identity Platform tenant id. */
export function tenantIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !TENANT_ID.test(value))
    return 'must be an Identity Platform tenant id (letters, digits and hyphens)'
  return undefined
}
