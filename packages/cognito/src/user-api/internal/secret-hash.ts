const encoder = new TextEncoder()

/**
 * Cognito's `SECRET_HASH` for an app client that has a secret: Base64(HMAC-SHA256(key = client
 * secret, message = user name + client id)), as AWS documents it ("Computing secret hash
 * values"). WebCrypto, so it runs wherever the SDK does.
 */
export async function secretHash(
  clientSecret: string,
  username: string,
  clientId: string,
): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(clientSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, encoder.encode(username + clientId)),
  )
  let binary = ''
  for (const byte of mac) binary += String.fromCharCode(byte)
  return btoa(binary)
}
