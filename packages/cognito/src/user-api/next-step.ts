/** Where Cognito sent a one-time code (masked by Cognito, e.g. `a***@e***`). */
export interface CodeDelivery {
  readonly destination: string | undefined
  /** `EMAIL` or `SMS`. */
  readonly medium: string | undefined
  /** The attribute the code went to, such as `email`. */
  readonly attribute: string | undefined
}

/**
 * A Cognito authentication challenge the client must answer through `respondToChallenge()`
 * (`POST {prefix}/respond-to-challenge`), passing back `session` and `username` unchanged.
 *
 * - `new_password_required`: an administrator created the user with a temporary password; send
 *   `newPassword` and a value for each of `requiredAttributes`.
 * - `sms_mfa`: send the `code` texted to `codeDelivery.destination`.
 * - `software_token_mfa`: send the `code` from the user's authenticator app.
 */
export type ChallengeStep =
  | {
      readonly step: 'new_password_required'
      readonly session: string
      readonly username: string
      /** Attributes Cognito requires with the new password, without the `userAttributes.` prefix. */
      readonly requiredAttributes: readonly string[]
    }
  | {
      readonly step: 'sms_mfa'
      readonly session: string
      readonly username: string
      readonly codeDelivery: CodeDelivery
    }
  | { readonly step: 'software_token_mfa'; readonly session: string; readonly username: string }

/**
 * What the client should do next, in every result and in the errors that have a way out
 * (`user_not_confirmed`, `password_reset_required`).
 *
 * @example
 * ```ts
 * const result = await users.signIn({ username, password })
 * if (result.status === 'challenge' && result.next.step === 'software_token_mfa') {
 *   await users.respondToChallenge({ ...result.next, code: '123456' })
 * }
 * ```
 */
export type NextStep =
  | { readonly step: 'sign_in' }
  | {
      readonly step: 'confirm_sign_up'
      readonly username: string
      readonly codeDelivery?: CodeDelivery
    }
  | {
      readonly step: 'confirm_forgot_password'
      readonly username: string
      readonly codeDelivery?: CodeDelivery
    }
  | ChallengeStep

/** Tokens from a successful sign-in or refresh. */
export interface CognitoTokens {
  readonly accessToken: string
  readonly idToken: string
  /** Absent after a refresh unless the app client rotates refresh tokens. */
  readonly refreshToken?: string
  /** Seconds the access token lives. */
  readonly expiresIn: number
  readonly tokenType: string
}

/**
 * The result of a sign-in, a refresh or a challenge answer: tokens, or the next challenge.
 *
 * @example
 * ```ts
 * const result = await users.signIn({ username, password })
 * if (result.status === 'signed_in') console.log(result.tokens.expiresIn)
 * ```
 */
export type SignInResult =
  | {
      readonly status: 'signed_in'
      /** Cognito's user name for the user (the `username` claim: a UUID in e-mail pools). */
      readonly username: string | undefined
      readonly tokens: CognitoTokens
    }
  | { readonly status: 'challenge'; readonly next: ChallengeStep }
