/**
 * The little of oidc-provider 9 (which ships no types) that the example uses. Not a published
 * declaration: it lives with the example.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface Configuration {
    [option: string]: unknown
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration)
    callback(): (req: IncomingMessage, res: ServerResponse) => void
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error
  }
}
