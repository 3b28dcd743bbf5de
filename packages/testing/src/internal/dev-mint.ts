import { randomUUID } from 'node:crypto'
import type { TestKey } from '../keys/generate-test-key.js'
import { DEV_DEFAULTS, DEV_GROUP_CLAIMS } from '../dev-issuer/dev-defaults.js'
import type { DevMintOptions, DevShape } from '../dev-issuer/start-dev-issuer.js'
import { signCompact } from './jws.js'
import {
  auth0AccessClaims,
  auth0IdClaims,
  auth0Sub,
  cognitoAccessClaims,
  cognitoIdClaims,
  firebaseClaims,
  firebaseUid,
  mergeClaims,
  type Claims,
} from './shapes.js'
import {
  FIREBASE_ID_TOKEN_ISSUER_PREFIX,
  FIREBASE_SESSION_COOKIE_ISSUER_PREFIX,
} from '../presets/provider-urls.js'

/** Per-issuer state the mint needs: its base URL, signing key and stable default users. */
export interface DevMintContext {
  readonly url: string
  readonly port: number
  readonly key: TestKey
  readonly subjects: Readonly<Record<DevShape, string>>
}

/** Default users of one dev issuer: stable for its lifetime, so repeated tokens name one user. */
export function devSubjects(): Record<DevShape, string> {
  return { cognito: randomUUID(), auth0: auth0Sub(), firebase: firebaseUid() }
}

/** The issuer a shape's tokens carry. */
export function devIssuer(
  url: string,
  shape: DevShape,
  options: {
    readonly userPoolId?: string | undefined
    readonly projectId?: string | undefined
    readonly tokenUse?: string | undefined
  } = {},
): string {
  switch (shape) {
    case 'cognito':
      return `${url}/${options.userPoolId ?? DEV_DEFAULTS.userPoolId}`
    case 'auth0':
      return `${url}/`
    case 'firebase': {
      const prefix =
        options.tokenUse === 'session'
          ? FIREBASE_SESSION_COOKIE_ISSUER_PREFIX
          : FIREBASE_ID_TOKEN_ISSUER_PREFIX
      return `${prefix}${options.projectId ?? DEV_DEFAULTS.projectId}`
    }
  }
}

/** Mints one dev token; `options` has been validated (by type or by {@link parseMintRequest}). */
export function mintDevToken(
  context: DevMintContext,
  options: DevMintOptions,
): { token: string; issuer: string; expiresIn: number } {
  const { shape } = options
  const tokenUse = options.tokenUse ?? (shape === 'firebase' ? 'id' : 'access')
  const issuer = devIssuer(context.url, shape, { ...options, tokenUse })
  const expiresIn = options.expiresIn ?? 3600
  const times = { now: options.now, expiresIn }
  const scope = options.scopes === undefined ? undefined : options.scopes.join(' ')
  const email = options.email ?? 'dev-user@example.com'
  const subject = options.subject ?? context.subjects[shape]
  const clientId = options.clientId ?? DEV_DEFAULTS.clientId
  let base: Claims
  let header: Record<string, unknown>
  switch (shape) {
    case 'cognito': {
      const input = {
        ...times,
        issuer,
        clientId,
        scope,
        groups: options.groups,
        user: { sub: subject, username: options.username ?? 'dev-user', email },
      }
      if (tokenUse !== 'access' && tokenUse !== 'id')
        throw new TypeError('tokenUse must be access or id for cognito')
      base = tokenUse === 'id' ? cognitoIdClaims(input) : cognitoAccessClaims(input)
      header = { kid: context.key.kid, alg: context.key.alg }
      break
    }
    case 'auth0': {
      const name = email
      const input = {
        ...times,
        issuer,
        clientId,
        audience: options.audience ?? DEV_DEFAULTS.audience,
        scope,
        user: {
          sub: subject,
          email,
          name,
          nickname: options.username ?? 'dev-user',
          picture: 'https://s.gravatar.com/avatar/00000000000000000000000000000000?d=mp',
        },
      }
      if (tokenUse !== 'access' && tokenUse !== 'id')
        throw new TypeError('tokenUse must be access or id for auth0')
      base = tokenUse === 'id' ? auth0IdClaims(input) : auth0AccessClaims(input)
      if (options.groups !== undefined) base[DEV_GROUP_CLAIMS.auth0] = [...options.groups]
      // Auth0 access tokens hold no profile claims; an Action adds one when the app needs it.
      if (tokenUse === 'access' && options.email !== undefined) base['email'] = options.email
      header = { alg: context.key.alg, typ: 'JWT', kid: context.key.kid }
      break
    }
    case 'firebase': {
      if (tokenUse !== 'id' && tokenUse !== 'session')
        throw new TypeError('tokenUse must be id or session for firebase')
      base = firebaseClaims({
        ...times,
        issuer,
        projectId: options.projectId ?? DEV_DEFAULTS.projectId,
        user: { uid: subject, email },
        tenantId: options.tenantId,
      })
      // Firebase has no scope claim: scopes and groups become top-level custom claims.
      if (scope !== undefined) base['scope'] = scope
      if (options.groups !== undefined) base[DEV_GROUP_CLAIMS.firebase] = [...options.groups]
      header = { alg: context.key.alg, kid: context.key.kid, typ: 'JWT' }
      break
    }
  }
  const omitted = new Set(options.omit)
  const claims = Object.fromEntries(
    Object.entries(mergeClaims(base, options.claims)).filter(([name]) => !omitted.has(name)),
  )
  const token = signCompact(context.key, context.key.alg, header, claims)
  return { token, issuer, expiresIn }
}

const SHAPES: readonly DevShape[] = ['cognito', 'auth0', 'firebase']
const STRING_FIELDS = [
  'tokenUse',
  'subject',
  'username',
  'email',
  'userPoolId',
  'clientId',
  'audience',
  'projectId',
  'tenantId',
] as const
const MAX_EXPIRES_IN = 10 * 365 * 86_400

/**
 * Validates the JSON body of `POST /token` into mint options, or throws a TypeError whose message
 * names the field at fault (it is sent back as the 400's `error_description`).
 */
export function parseMintRequest(body: unknown): DevMintOptions {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new TypeError('the body must be a JSON object')
  const input = body as Record<string, unknown>
  const known = new Set<string>([
    'shape',
    'scopes',
    'groups',
    'claims',
    'omit',
    'expiresIn',
    ...STRING_FIELDS,
  ])
  for (const field of Object.keys(input)) {
    if (!known.has(field))
      throw new TypeError(`unknown field ${JSON.stringify(field.slice(0, 40))}`)
  }
  const shape = input['shape']
  if (!SHAPES.includes(shape as DevShape))
    throw new TypeError('shape must be one of cognito, auth0, firebase')
  const options: Record<string, unknown> = { shape }
  for (const field of ['scopes', 'groups', 'omit'] as const) {
    const value = input[field]
    if (value === undefined) continue
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
      throw new TypeError(`${field} must be an array of strings`)
    options[field] = value
  }
  if (input['claims'] !== undefined) {
    const claims = input['claims']
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
      throw new TypeError('claims must be a JSON object')
    options['claims'] = claims
  }
  if (input['expiresIn'] !== undefined) {
    const expiresIn = input['expiresIn']
    if (
      typeof expiresIn !== 'number' ||
      !Number.isInteger(expiresIn) ||
      Math.abs(expiresIn) > MAX_EXPIRES_IN
    ) {
      throw new TypeError(
        'expiresIn must be an integer number of seconds (negative for an expired token)',
      )
    }
    options['expiresIn'] = expiresIn
  }
  for (const field of STRING_FIELDS) {
    const value = input[field]
    if (value === undefined) continue
    if (typeof value !== 'string' || value === '')
      throw new TypeError(`${field} must be a non-empty string`)
    options[field] = value
  }
  return options as unknown as DevMintOptions
}
