/** Where Cognito sent a one-time code (masked by Cognito, e.g. `a***@e***`). */
export interface CodeDelivery {
  readonly destination: string | undefined
  /** `EMAIL` or `SMS`. */
  readonly medium: string | undefined
  /** The attribute the code went to, such as `email`. */
  readonly attribute: string | undefined
}

/**
 * A second factor Cognito can ask for, as Cognito names it in `MFAS_CAN_SETUP`,
 * `MFAS_CAN_CHOOSE` and the `ANSWER` of `SELECT_MFA_TYPE`: a texted code, an authenticator app
 * (TOTP, RFC 6238), or a code by e-mail.
 */
export type MfaType = 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP'

/**
 * A Cognito authentication challenge the client must answer through `respondToChallenge()`
 * (`POST {prefix}/respond-to-challenge`), passing back `session` and `username` unchanged.
 *
 * - `new_password_required`: an administrator created the user with a temporary password; send
 *   `newPassword` and a value for each of `requiredAttributes`.
 * - `sms_mfa`: send the `code` texted to `codeDelivery.destination`.
 * - `software_token_mfa`: send the `code` from the user's authenticator app.
 * - `email_otp`: send the `code` e-mailed to `codeDelivery.destination`.
 * - `select_mfa_type`: the user has several second factors; send the chosen one of `mfaTypes` as
 *   `mfaType`. The answer is that factor's challenge.
 * - `mfa_setup`: the pool requires MFA and the user has none. If `mfaTypes` holds
 *   `SOFTWARE_TOKEN_MFA`, call `setUpSoftwareToken()` (`POST {prefix}/mfa-setup/software-token`)
 *   with `session` and `username`: it returns the secret to show and a `verify_software_token`
 *   step. SMS and e-mail MFA cannot be set up inside a sign-in (Cognito needs a verified
 *   `phone_number` or `email` attribute, then a new sign-in).
 * - `custom_challenge`: the pool's Lambda triggers ask their own question; `parameters` are its
 *   public challenge parameters; send the user's `answer`.
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
      readonly step: 'sms_mfa' | 'email_otp'
      readonly session: string
      readonly username: string
      readonly codeDelivery: CodeDelivery
    }
  | { readonly step: 'software_token_mfa'; readonly session: string; readonly username: string }
  | {
      readonly step: 'select_mfa_type' | 'mfa_setup'
      readonly session: string
      readonly username: string
      /** The factors Cognito offers (`MFAS_CAN_CHOOSE`) or lets the user set up (`MFAS_CAN_SETUP`). */
      readonly mfaTypes: readonly MfaType[]
    }
  | {
      readonly step: 'custom_challenge'
      readonly session: string
      readonly username: string
      /** The public challenge parameters the pool's Create Auth Challenge trigger set. */
      readonly parameters: Readonly<Record<string, string>>
    }

/**
 * The step after `setUpSoftwareToken()` in an `mfa_setup` sign-in: send the first `code` of the
 * authenticator app (and an optional `deviceName`) to `respondToChallenge()`, which verifies it
 * (`VerifySoftwareToken`) and finishes the sign-in (`RespondToAuthChallenge` `MFA_SETUP`).
 */
export interface VerifySoftwareTokenStep {
  readonly step: 'verify_software_token'
  /** The session `AssociateSoftwareToken` returned: send it back unchanged. */
  readonly session: string
  /** Cognito's user name for the user: send it back unchanged. */
  readonly username: string
}

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
  | VerifySoftwareTokenStep

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
