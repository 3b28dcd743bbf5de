import { z } from 'zod'
import { grantStatementSchema, requiredStatementSchema } from '../statements/statement.js'

// eslint-disable-next-line no-control-regex
const NO_CONTROL = /^[^\u0000-\u001f\u007f]+$/

/** A role name: letters, digits, `_`, `-`, `.`, 1 to 64 characters. */
export const roleNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a role name is 1 to 64 letters, digits, _ - .')

/** A group name as IdPs spell them (Cognito allows most characters): 1 to 256, no control character. */
export const groupNameSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(NO_CONTROL, 'a group name has no control characters')

/** A principal id (`sub`, a service id): 1 to 256 characters, no control character. */
export const principalIdSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(NO_CONTROL, 'a principal id has no control characters')

const statements = z.array(grantStatementSchema).max(256)

/** Body of `POST /roles`. */
export const createRoleBody = z
  .object({
    name: roleNameSchema,
    description: z.string().max(1024).optional(),
    allow: statements.optional(),
    deny: statements.optional(),
  })
  .strict()

/** Body of `PATCH /roles/:role`: at least one field. */
export const patchRoleBody = z
  .object({
    name: roleNameSchema.optional(),
    description: z.string().max(1024).optional(),
    allow: statements.optional(),
    deny: statements.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: 'give at least one field to change' })

/** Body of the `PUT` routes that assign a role or a group: an optional expiry, in the future. */
export const assignmentBody = z
  .object({ expiresAt: z.iso.datetime({ offset: true }).nullable().optional() })
  .strict()

/** Query of every list route. */
export const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z
      .string()
      .max(1024)
      .regex(/^[A-Za-z0-9_-]*$/, 'the cursor is the `next` value of a previous page')
      .optional(),
  })
  .strict()

/** Query of `GET /users/:id/permissions`: the token groups to include, the statements to decide. */
export const effectiveQuery = z
  .object({
    group: z.array(groupNameSchema).max(256).default([]),
    check: z.array(requiredStatementSchema).max(64).default([]),
  })
  .strict()
