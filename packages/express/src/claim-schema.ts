import type { parseClaims } from '@cloudauth/core'

/**
 * Any Standard Schema v1 (zod 4, valibot, arktype): what `claim(schema)` accepts. Taken from
 * core's `parseClaims`, so the binding needs no dependency of its own on `@standard-schema/spec`.
 *
 * @example
 * ```ts
 * const schema: ClaimSchema = z.object({ sub: z.string() })
 * ```
 */
export type ClaimSchema = Parameters<typeof parseClaims>[1]

/**
 * The output type of a {@link ClaimSchema}: what a handler sees after `claim(schema)`.
 *
 * @example
 * ```ts
 * type Me = ClaimOutput<typeof schema> // { sub: string }
 * ```
 */
export type ClaimOutput<TSchema extends ClaimSchema> = Awaited<
  ReturnType<typeof parseClaims<TSchema>>
>
