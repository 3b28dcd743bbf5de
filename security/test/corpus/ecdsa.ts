/** The order n of the P-256 group (SEC 2 §2.4.2): signatures with r or s of 0 or >= n are invalid. */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551')

function toFixed(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16).padStart(length * 2, '0')
  return new Uint8Array(Buffer.from(hex, 'hex'))
}

function derInteger(bytes: Uint8Array): Buffer {
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  let body = Buffer.from(bytes.subarray(start))
  if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body])
  return Buffer.concat([Buffer.from([0x02, body.length]), body])
}

/** The ASN.1 DER form (SEQUENCE of two INTEGERs) of an R || S signature: what JOSE must refuse. */
export function toDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2
  const body = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))])
  return new Uint8Array(Buffer.concat([Buffer.from([0x30, body.length]), body]))
}

/**
 * ES256 signatures that must never verify, whatever the message: the "psychic signatures" class
 * (CVE-2022-21449: r = s = 0 passed Java's check) and its neighbours, plus malformed lengths and the
 * DER layout (RFC 7518 §3.4 requires exactly R || S, 64 bytes for P-256). `valid` is a real R || S
 * signature of the token, so the malformed-length variants carry the right bytes in the wrong shape.
 */
export function badEs256Signatures(
  valid: Uint8Array,
): readonly { name: string; bytes: Uint8Array }[] {
  const r = valid.subarray(0, 32)
  const s = valid.subarray(32)
  const n = toFixed(P256_ORDER, 32)
  const zero = new Uint8Array(32)
  const one = toFixed(1n, 32)
  const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts))
  return [
    { name: 'r = s = 0 (64 zero bytes)', bytes: new Uint8Array(64) },
    { name: 'r = 0, s valid', bytes: cat(zero, s) },
    { name: 'r valid, s = 0', bytes: cat(r, zero) },
    { name: 'r = s = n (the group order)', bytes: cat(n, n) },
    { name: 'r = n, s valid', bytes: cat(n, s) },
    { name: 'r = s = 1', bytes: cat(one, one) },
    { name: 'all bits set', bytes: new Uint8Array(64).fill(0xff) },
    {
      name: 'r = s = 0 in DER (30 06 02 01 00 02 01 00)',
      bytes: new Uint8Array([0x30, 6, 2, 1, 0, 2, 1, 0]),
    },
    { name: 'the valid signature in DER', bytes: toDer(valid) },
    { name: 'empty', bytes: new Uint8Array(0) },
    { name: 'r only (32 bytes)', bytes: cat(r) },
    { name: 'one byte short (63 bytes)', bytes: valid.subarray(0, 63) },
    { name: 'one byte long (65 bytes)', bytes: cat(valid, new Uint8Array(1)) },
    {
      name: 'zero-padded to the ES512 length (132 bytes)',
      bytes: cat(new Uint8Array(34), r, new Uint8Array(34), s),
    },
    { name: 'doubled (128 bytes)', bytes: cat(valid, valid) },
  ]
}

/**
 * The other valid spelling of an ES256 signature: (r, n - s). ECDSA is malleable and JOSE does not
 * require low S (RFC 7518 §3.4), so this verifies too: a token string is not a unique identifier.
 */
export function otherSpelling(valid: Uint8Array): Uint8Array {
  const s = BigInt(`0x${Buffer.from(valid.subarray(32)).toString('hex')}`)
  return new Uint8Array(Buffer.concat([valid.subarray(0, 32), toFixed(P256_ORDER - s, 32)]))
}
