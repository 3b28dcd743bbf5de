/**
 * The little of oidc-provider 9 (which ships no types) that the integration test uses.
 * Not a published declaration: it lives with the test.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface ResourceServer {
    scope: string
    audience?: string
    accessTokenTTL?: number
    accessTokenFormat?: 'jwt' | 'opaque'
    jwt?: { sign?: { alg?: string } }
  }

  export interface OidcToken {
    readonly kind: string
    readonly clientId?: string
    readonly resourceServer?: ResourceServer
  }

  export interface Configuration {
    clients?: readonly Record<string, unknown>[]
    jwks?: { keys: readonly Record<string, unknown>[] }
    routes?: Record<string, string>
    scopes?: readonly string[]
    features?: Record<string, unknown>
    extraTokenClaims?: (
      ctx: unknown,
      token: OidcToken,
    ) => Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>
    [option: string]: unknown
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration)
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    on(event: string, listener: (...args: unknown[]) => void): this
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error
  }
}
