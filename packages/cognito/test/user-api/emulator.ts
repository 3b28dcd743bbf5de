/** cognito-local for the user API tests: `CODE=123456`, so every one-time code is known. */
import { startCognitoLocal, type CognitoLocal } from '@cloudauth/test-servers'

/** The code cognito-local sends for every sign-up and forgot password. */
export const FIXED_CODE = '123456'

export type Emulator = CognitoLocal

export function startEmulator(): Promise<Emulator> {
  return startCognitoLocal({ code: FIXED_CODE })
}
