import { CognitoApiError } from '../cognito-api-error.js'
import type { CognitoUserRoute } from '../cognito-user-routes.js'
import type { NextStep } from '../next-step.js'

/** Which operation failed: some of Cognito's exceptions mean different things in each. */
export type Operation = CognitoUserRoute

/** Seconds to wait after each throttling exception. */
export interface RetryAfterSeconds {
  /** `TooManyRequestsException`: the request rate; short. */
  readonly tooManyRequests: number
  /** `LimitExceededException`, `TooManyFailedAttemptsException`: per-user limits; longer. */
  readonly limitExceeded: number
  /** Cognito unreachable or failing. */
  readonly unavailable: number
}

interface SdkError {
  readonly name?: unknown
  readonly message?: unknown
  readonly $fault?: unknown
  readonly $metadata?: { readonly httpStatusCode?: unknown }
}

const NOT_AUTHORIZED: Readonly<Partial<Record<Operation, string>>> = {
  signIn: 'Incorrect user name or password.',
  refresh: 'The refresh token is invalid, expired or revoked.',
  signOut: 'The access token is invalid, expired or revoked.',
  respondToChallenge: 'The challenge session is invalid or expired, or the answer is wrong.',
  setUpSoftwareToken: 'The sign-in session is invalid or expired: sign in again.',
  associateSoftwareToken: 'The access token is invalid, expired or revoked.',
  verifySoftwareToken: 'The access token is invalid, expired or revoked.',
  setMfaPreference: 'The access token is invalid, expired or revoked.',
}

// A challenge session Cognito refuses cannot be answered again: the way out is a new sign-in.
const SESSION_OPERATIONS: ReadonlySet<Operation> = new Set([
  'respondToChallenge',
  'setUpSoftwareToken',
])

// Cognito's password policy message names the rule the password broke, never the password.
const POLICY_MESSAGE =
  /^Password (?:did not|does not) conform (?:with|to) policy: [\w .,'-]{1,160}$/

/**
 * Turns whatever the Cognito SDK threw into a {@link CognitoApiError}: Cognito's exceptions by
 * their name, an answer with no known name by its status, and an error with no HTTP answer at
 * all (refused connection, DNS, timeout) as `cognito_unavailable`.
 *
 * User enumeration: `UserNotFoundException` (which Cognito sends only when the app client's
 * PreventUserExistenceErrors is off) is folded into the answer a wrong password or a wrong code
 * gives, except in forgot-password and resend-code, where it is `user_not_found` (404): Cognito
 * has then told the caller anyway, and with PreventUserExistenceErrors on it simulates a delivery.
 */
export function mapCognitoError(
  operation: Operation,
  error: unknown,
  username: string | undefined,
  retry: RetryAfterSeconds,
): CognitoApiError {
  if (error instanceof CognitoApiError) return error
  const sdk = (typeof error === 'object' && error !== null ? error : {}) as SdkError
  const name = typeof sdk.name === 'string' ? sdk.name : ''
  const status = sdk.$metadata?.httpStatusCode
  const answered = typeof status === 'number'
  const cause = { cause: error }
  const confirmNext: NextStep | undefined =
    username === undefined ? undefined : { step: 'confirm_sign_up', username }

  switch (name) {
    case 'NotAuthorizedException':
      return new CognitoApiError(
        'not_authorized',
        NOT_AUTHORIZED[operation] ?? 'Cognito refused the request as not authorized.',
        SESSION_OPERATIONS.has(operation) ? { ...cause, next: { step: 'sign_in' } } : cause,
      )
    case 'UserNotFoundException':
      if (operation === 'forgotPassword' || operation === 'resendCode')
        return new CognitoApiError('user_not_found', 'There is no such user.', cause)
      if (operation === 'confirmSignUp' || operation === 'confirmForgotPassword')
        return new CognitoApiError('code_mismatch', 'The code is wrong.', cause)
      return new CognitoApiError(
        'not_authorized',
        NOT_AUTHORIZED[operation] ?? 'Incorrect user name or password.',
        cause,
      )
    case 'InvalidPasswordException':
      // cognito-local answers a wrong password at sign-in with this; AWS with NotAuthorized.
      if (operation === 'signIn')
        return new CognitoApiError('not_authorized', NOT_AUTHORIZED.signIn ?? '', cause)
      return new CognitoApiError(
        'invalid_password',
        typeof sdk.message === 'string' && POLICY_MESSAGE.test(sdk.message)
          ? sdk.message
          : "The password does not meet the user pool's password policy.",
        cause,
      )
    case 'UserNotConfirmedException':
      return new CognitoApiError(
        'user_not_confirmed',
        'The user has not confirmed the sign-up: send the code Cognito delivered.',
        confirmNext === undefined ? cause : { ...cause, next: confirmNext },
      )
    case 'PasswordResetRequiredException':
      return new CognitoApiError(
        'password_reset_required',
        'The password must be reset: ask for a code through forgot-password.',
        username === undefined
          ? cause
          : { ...cause, next: { step: 'confirm_forgot_password', username } },
      )
    case 'UsernameExistsException':
      return new CognitoApiError('user_exists', 'A user with this user name already exists.', cause)
    case 'AliasExistsException':
      return new CognitoApiError(
        'alias_exists',
        'Another user already has this e-mail address or phone number.',
        cause,
      )
    case 'PasswordHistoryPolicyViolationException':
      return new CognitoApiError(
        'invalid_password',
        'The password was used recently: choose another one.',
        cause,
      )
    // EnableSoftwareTokenMFAException: VerifySoftwareToken's first code did not match the secret.
    case 'CodeMismatchException':
    case 'EnableSoftwareTokenMFAException':
      return new CognitoApiError('code_mismatch', 'The code is wrong.', cause)
    case 'SoftwareTokenMFANotFoundException':
      return new CognitoApiError(
        'mfa_not_enabled',
        'Authenticator-app (TOTP) MFA is not enabled for this user pool or this user.',
        cause,
      )
    case 'MFAMethodNotFoundException':
      return new CognitoApiError(
        'mfa_not_enabled',
        'The user has no such second factor set up.',
        cause,
      )
    case 'ConcurrentModificationException':
      return new CognitoApiError(
        'concurrent_modification',
        'Another change to this user is in progress: try again.',
        cause,
      )
    case 'ExpiredCodeException':
      return new CognitoApiError('code_expired', 'The code has expired: ask for a new one.', cause)
    case 'InvalidParameterException':
      return new CognitoApiError(
        'invalid_parameter',
        'Cognito refused a parameter of the request.',
        cause,
      )
    case 'UserLambdaValidationException':
      return new CognitoApiError(
        'rejected_by_trigger',
        "The user pool's Lambda trigger refused the request.",
        cause,
      )
    case 'TooManyRequestsException':
      return new CognitoApiError('too_many_requests', 'Too many requests: try again later.', {
        ...cause,
        retryAfter: retry.tooManyRequests,
      })
    case 'LimitExceededException':
    case 'TooManyFailedAttemptsException':
      return new CognitoApiError('too_many_requests', 'Too many attempts: try again later.', {
        ...cause,
        retryAfter: retry.limitExceeded,
      })
    case 'FeatureUnavailableInTierException':
      return new CognitoApiError(
        'mfa_not_enabled',
        "The user pool's feature plan does not include this (e-mail MFA needs Essentials or Plus).",
        cause,
      )
    // The pool cannot send the code: its SNS or SES role is wrong. Not the request's fault.
    case 'InvalidSmsRoleAccessPolicyException':
    case 'InvalidSmsRoleTrustRelationshipException':
    case 'InvalidEmailRoleAccessPolicyException':
    case 'CodeDeliveryFailureException':
      return new CognitoApiError(
        'code_delivery_failed',
        'Cognito could not deliver the code.',
        cause,
      )
    case 'InternalErrorException':
      return unavailable(retry, cause)
    default:
      break
  }
  if (!answered) return unavailable(retry, cause)
  if (status >= 500) return unavailable(retry, cause)
  if (status === 429) {
    return new CognitoApiError('too_many_requests', 'Too many requests: try again later.', {
      ...cause,
      retryAfter: retry.tooManyRequests,
    })
  }
  // A redirect (never followed), a missing pool or client, an unknown exception: Cognito or the
  // configuration is wrong, not the request.
  return new CognitoApiError('cognito_error', 'Cognito gave an unexpected answer.', cause)
}

function unavailable(retry: RetryAfterSeconds, cause: { cause: unknown }): CognitoApiError {
  return new CognitoApiError('cognito_unavailable', 'Cognito cannot be reached: try again later.', {
    ...cause,
    retryAfter: retry.unavailable,
  })
}
