import { z } from 'zod'

// Every message here is ours and names what is expected, never the value: a variable may hold a
// secret pasted in the wrong place.
const TOKEN_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

const text = z.string()
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(values, { error: `must be one of ${values.join(', ')}` }))
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
)
const headerName = z.string().regex(TOKEN_NAME, { error: 'must be a valid HTTP header name' })
const cookieName = z.string().regex(TOKEN_NAME, { error: 'must be a valid cookie name' })
const claimName = z
  .string()
  .regex(/^[\x21-\x7e]+$/, { error: 'must be a claim name (visible ASCII, no spaces)' })
const seconds = z
  .string()
  .regex(/^\d{1,9}$/, { error: 'must be a whole number of seconds' })
  .transform(Number)

const pool = z.strictObject({
  USER_POOL_ID: text,
  CLIENT_ID: list,
  REGION: text.optional(),
  DOMAIN: text.optional(),
})

const tenant = z.strictObject({
  DOMAIN: text.optional(),
  ISSUER: text.optional(),
  AUDIENCE: list.optional(),
  CLIENT_ID: list.optional(),
})

/** The names `cloudauthFromEnv` knows under its prefix, as a tree of `__`-separated segments. */
export const envSchema = z.strictObject({
  PROVIDER: oneOf(['cognito', 'auth0', 'firebase']).optional(),
  USER_ID: claimName.optional(),
  REALM: z
    .string()
    .regex(/^[\x20-\x7e]+$/, { error: 'must be printable ASCII' })
    .optional(),
  TOKEN: z
    .strictObject({
      HEADER: z
        .strictObject({
          NAME: headerName.optional(),
          PREFIX: z
            .string()
            .regex(TOKEN_NAME, { error: 'must be one word (an auth-scheme such as Bearer)' })
            .optional(),
        })
        .optional(),
      COOKIE: cookieName.optional(),
    })
    .optional(),
  COGNITO: z
    .strictObject({
      TOKEN_USE: oneOf(['access', 'id', 'any']),
      ENDPOINT: text.optional(),
      SCOPE_CLAIM: list.optional(),
      GROUP_CLAIM: list.optional(),
      POOLS: z.record(z.string(), pool).optional(),
    })
    .optional(),
  AUTH0: z
    .strictObject({
      TOKEN_USE: oneOf(['access', 'id']).optional(),
      SCOPE_CLAIM: list.optional(),
      GROUP_CLAIM: list.optional(),
      TENANTS: z.record(z.string(), tenant).optional(),
    })
    .optional(),
  FIREBASE: z
    .strictObject({
      PROJECT_ID: text,
      TENANT_ID: text.optional(),
    })
    .optional(),
  SERVICES: z
    .strictObject({
      ID_HEADER: headerName,
      TOKEN_HEADER: headerName,
      SOURCE: oneOf(['secrets-manager', 'static']),
      SECRETS_MANAGER: z
        .strictObject({
          REGION: text.optional(),
          PROFILE: text.optional(),
          PREFIX: text.optional(),
          TTL_SECONDS: seconds.optional(),
          NEGATIVE_TTL_SECONDS: seconds.optional(),
          REFRESH_AFTER_SECONDS: seconds.optional(),
        })
        .optional(),
      // Read by envSource() from @cloudauth/principals, which reports its own names.
      STATIC: z.unknown().optional(),
    })
    .optional(),
})

/** The parsed configuration. */
export type EnvConfig = z.output<typeof envSchema>

type Def = {
  type: string
  shape?: Record<string, { _zod: { def: Def } }>
  valueType?: { _zod: { def: Def } }
  innerType?: { _zod: { def: Def } }
}

function walk(def: Def, at: readonly string[], out: string[]): void {
  if (def.type === 'optional' && def.innerType !== undefined)
    return walk(def.innerType._zod.def, at, out)
  if (def.type === 'object' && def.shape !== undefined) {
    for (const [key, value] of Object.entries(def.shape)) walk(value._zod.def, [...at, key], out)
    return
  }
  if (def.type === 'record' && def.valueType !== undefined)
    return walk(def.valueType._zod.def, [...at, '*'], out)
  out.push(at.join('__'))
}

/** Every known name as a pattern (`*` for a pool's, tenant's or service's own name). */
export const KNOWN_NAMES: readonly string[] = (() => {
  const out: string[] = []
  walk(envSchema._zod.def, [], out)
  const statics = out.indexOf('SERVICES__STATIC')
  out.splice(
    statics,
    1,
    ...['NAME', 'ID', 'TOKEN_HASH', 'GROUPS', 'SCOPES'].map((f) => `SERVICES__STATIC__*__${f}`),
  )
  return Object.freeze(out)
})()
