import { createHmac } from 'node:crypto'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** Decodes base32 (RFC 4648 §6), as Cognito's TOTP secrets are. */
function base32(text: string): Buffer {
  let bits = ''
  for (const char of text.replace(/=+$/, '')) {
    const value = ALPHABET.indexOf(char)
    if (value < 0) throw new Error('not base32')
    bits += value.toString(2).padStart(5, '0')
  }
  const bytes: number[] = []
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(bytes)
}

/**
 * The code an authenticator app shows for `secret` at `time` (RFC 6238 with RFC 4226's dynamic
 * truncation: HMAC-SHA1, 30-second steps, six digits), as a user would type it.
 */
export function totp(secret: string, time = Date.now()): string {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(time / 1000 / 30)))
  const mac = createHmac('sha1', base32(secret)).update(counter).digest()
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f
  const value = mac.readUInt32BE(offset) & 0x7fffffff
  return String(value % 1_000_000).padStart(6, '0')
}
