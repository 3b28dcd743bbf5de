import type { StandardSchemaV1 } from '@standard-schema/spec'

/**
 * Any Standard Schema v1 (zod 4, valibot, arktype): what `claim(schema)` accepts.
 *
 * @example
 * ```ts
 * const schema: ClaimSchema = z.object({ sub: z.string() })
 * ```
 */
export type ClaimSchema = StandardSchemaV1

/**
 * The output type of a {@link ClaimSchema}: what a handler sees after `claim(schema)`.
 *
 * @example
 * ```ts
 * type Me = ClaimOutput<typeof schema> // { sub: string }
 * ```
 */
export type ClaimOutput<TSchema extends ClaimSchema> = StandardSchemaV1.InferOutput<TSchema>
