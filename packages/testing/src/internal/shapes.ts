import { randomBytes, randomUUID } from 'node:crypto'
import type { Auth0User, CognitoUser, FirebaseUser } from '../presets/preset-users.js'
import { DEFAULT_EXPIRES_IN, nowSeconds } from './time.js'

/**
 * Claim sets laid out exactly as each identity provider issues them (member order included),
 * shared by the msw presets and the dev issuer. Overrides are merged over them afterwards.
 */

/** Claims as a plain object; `undefined` members disappear when the token is encoded. */
export type Claims = Record<string, unknown>

/** Time inputs common to every shape. */
export interface TimeInput {
  readonly now?: number | undefined
  readonly expiresIn?: number | undefined
}

function times(input: TimeInput): { iat: number; exp: number } {
  const iat = nowSeconds(input.now)
  return { iat, exp: iat + (input.expiresIn ?? DEFAULT_EXPIRES_IN) }
}

/** Merges overrides over a base claim set: base members keep their place, new ones come last. */
export function mergeClaims(
  base: Claims,
  overrides: Readonly<Record<string, unknown>> | undefined,
): Claims {
  return { ...base, ...overrides }
}

/** Inputs of the Cognito shapes. */
export interface CognitoShapeInput extends TimeInput {
  readonly issuer: string
  readonly clientId: string
  readonly user: CognitoUser
  readonly groups?: readonly string[] | undefined
  readonly scope?: string | undefined
}

/**
 * A Cognito access token's claims, in AWS's order. `aud` is absent (the client is in
 * `client_id`); `cognito:groups` only when the user is in a group; `scope` is what the app
 * client was granted (`aws.cognito.signin.user.admin` for direct sign-in).
 */
export function cognitoAccessClaims(input: CognitoShapeInput): Claims {
  const { iat, exp } = times(input)
  const groups =
    input.groups !== undefined && input.groups.length > 0 ? [...input.groups] : undefined
  return {
    sub: input.user.sub,
    'cognito:groups': groups,
    iss: input.issuer,
    version: 2,
    client_id: input.clientId,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: 'access',
    scope: input.scope ?? 'aws.cognito.signin.user.admin',
    auth_time: iat,
    exp,
    iat,
    jti: randomUUID(),
    username: input.user.username,
  }
}

/** A Cognito ID token's claims, in AWS's order: `aud` is the app client id. */
export function cognitoIdClaims(input: CognitoShapeInput): Claims {
  const { iat, exp } = times(input)
  const groups =
    input.groups !== undefined && input.groups.length > 0 ? [...input.groups] : undefined
  return {
    sub: input.user.sub,
    'cognito:groups': groups,
    email_verified: true,
    iss: input.issuer,
    'cognito:username': input.user.username,
    origin_jti: randomUUID(),
    aud: input.clientId,
    event_id: randomUUID(),
    token_use: 'id',
    auth_time: iat,
    exp,
    iat,
    jti: randomUUID(),
    email: input.user.email,
  }
}

/** Inputs of the Auth0 shapes. */
export interface Auth0ShapeInput extends TimeInput {
  readonly issuer: string
  readonly audience: string
  readonly clientId: string
  readonly user: Auth0User
  readonly scope?: string | undefined
}

/**
 * An Auth0 access token's claims for an API: `aud` lists the API and, because `openid` was
 * requested, the tenant's `/userinfo`; `azp` is the client. `permissions` appears only with RBAC.
 */
export function auth0AccessClaims(input: Auth0ShapeInput): Claims {
  const { iat, exp } = times(input)
  return {
    iss: input.issuer,
    sub: input.user.sub,
    aud: [input.audience, `${input.issuer}userinfo`],
    iat,
    exp,
    scope: input.scope ?? 'openid profile email',
    azp: input.clientId,
  }
}

/** An Auth0 ID token's claims: profile claims first, then the registered ones; `aud` is the client. */
export function auth0IdClaims(input: Auth0ShapeInput): Claims {
  const { iat, exp } = times(input)
  return {
    nickname: input.user.nickname,
    name: input.user.name,
    picture: input.user.picture,
    updated_at: new Date(iat * 1000).toISOString(),
    email: input.user.email,
    email_verified: true,
    iss: input.issuer,
    aud: input.clientId,
    sub: input.user.sub,
    iat,
    exp,
    sid: randomBytes(16).toString('base64url'),
  }
}

/** Inputs of the Firebase shape. */
export interface FirebaseShapeInput extends TimeInput {
  /** `https://securetoken.google.com/{projectId}` or the session cookie issuer. */
  readonly issuer: string
  readonly projectId: string
  readonly user: FirebaseUser
  readonly tenantId?: string | undefined
}

/**
 * A Firebase ID token's (or session cookie's) claims for an email/password user: `aud` is the
 * project id, `user_id` repeats `sub`, `firebase` names the sign-in provider and identities.
 */
export function firebaseClaims(input: FirebaseShapeInput): Claims {
  const { iat, exp } = times(input)
  return {
    iss: input.issuer,
    aud: input.projectId,
    auth_time: iat,
    user_id: input.user.uid,
    sub: input.user.uid,
    iat,
    exp,
    email: input.user.email,
    email_verified: false,
    firebase: {
      identities: { email: [input.user.email] },
      sign_in_provider: 'password',
      ...(input.tenantId === undefined ? {} : { tenant: input.tenantId }),
    },
  }
}

/** A Firebase-style uid: 28 alphanumeric characters. */
export function firebaseUid(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  return Array.from(randomBytes(28), (byte) => alphabet[byte % alphabet.length]).join('')
}

/** An Auth0-style database-connection subject: `auth0|` and 24 hex digits. */
export function auth0Sub(): string {
  return `auth0|${randomBytes(12).toString('hex')}`
}
