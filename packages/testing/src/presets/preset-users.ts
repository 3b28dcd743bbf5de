/** The user a preset's tokens describe; every field can be set through the preset's `user` option. */

/** A Cognito user: `sub`, `username` (`username` / `cognito:username`) and `email`. */
export interface CognitoUser {
  readonly sub: string
  readonly username: string
  readonly email: string
}

/** An Auth0 user: `sub` (`auth0|...`) and profile claims of the ID token. */
export interface Auth0User {
  readonly sub: string
  readonly email: string
  readonly name: string
  readonly nickname: string
  readonly picture: string
}

/** A Firebase user: `uid` (`sub` and `user_id`) and `email`. */
export interface FirebaseUser {
  readonly uid: string
  readonly email: string
}
