// Google Authenticator's Key Uri Format, which every authenticator app reads from a QR code:
// otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30.
// Cognito's TOTP is RFC 6238 with HMAC-SHA1, six digits and a 30-second step.

/** Base32 (RFC 4648 §6), as Cognito's `SecretCode` is; padding allowed. */
const BASE32 = /^[A-Z2-7]+=*$/

/** Whether Cognito's secret is the base32 text an authenticator expects. */
export function isBase32Secret(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length >= 16 && value.length <= 512 && BASE32.test(value)
  )
}

/**
 * A label part (issuer or account name) an authenticator shows: printable, no colon (the Key Uri
 * Format's separator of issuer and account), at most 128 characters.
 */
export function labelProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 128)
    return 'must be a string of 1 to 128 characters'
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[:\u0000-\u001f\u007f]/.test(value)) return 'must not contain a colon or control characters'
  return undefined
}

/** The `otpauth://totp/...` URI to show as a QR code. */
export function otpauthUri(secret: string, account: string, issuer: string | undefined): string {
  const label =
    issuer === undefined
      ? encodeURIComponent(account)
      : `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`
  const params = new URLSearchParams({ secret: secret.replace(/=+$/, '') })
  if (issuer !== undefined) params.set('issuer', issuer)
  params.set('algorithm', 'SHA1')
  params.set('digits', '6')
  params.set('period', '30')
  return `otpauth://totp/${label}?${params.toString().replace(/\+/g, '%20')}`
}
