/**
 * A minimal DER (ITU-T X.690 §10) encoder: just the ASN.1 types an X.509 certificate needs
 * (RFC 5280 §4.1). node:crypto parses certificates but cannot make one, and no installed package
 * may be added for it, so test certificates are assembled by hand from these pieces.
 *
 * Every function returns the complete TLV (tag, length, value) as a Buffer, so the builders nest
 * the way the ASN.1 module reads: `sequence(integer(2n), sequence(oid('2.5.4.3')))`.
 *
 * Only encoding is provided. Decoding is left to `new crypto.X509Certificate(pem)`, which is how
 * the tests check that the output is well formed.
 */

/** Universal tag numbers (X.680 §8.4 Table 1) with the constructed bit where it applies. */
const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OBJECT_IDENTIFIER: 0x06,
  UTF8_STRING: 0x0c,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30, // 0x10 | constructed (0x20)
  SET: 0x31, // 0x11 | constructed
} as const

/**
 * The length octets (X.690 §8.1.3): short form below 128, otherwise long form, i.e. 0x80 | count
 * followed by the length in big-endian bytes. DER requires the shortest form (§10.1).
 */
function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length])
  const bytes: number[] = []
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

/** One TLV with any tag byte. */
export function tlv(tag: number, value: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value])
}

/** SEQUENCE of already encoded elements, in order. */
export function sequence(...elements: readonly Uint8Array[]): Buffer {
  return tlv(TAG.SEQUENCE, Buffer.concat(elements))
}

/**
 * SET OF already encoded elements. DER sorts SET OF by encoding (X.690 §11.6); every set built
 * here has one element, so no sorting is done and more than one element is refused.
 */
export function set(...elements: readonly Uint8Array[]): Buffer {
  if (elements.length > 1) throw new Error('der.set: only single-element sets are supported')
  return tlv(TAG.SET, Buffer.concat(elements))
}

/**
 * INTEGER from a non-negative bigint or from big-endian magnitude bytes. Two's complement in the
 * fewest octets (X.690 §8.3.2): leading zero bytes are dropped, and one zero byte is put back
 * when the top bit is set, so that the number stays positive.
 */
export function integer(value: bigint | Uint8Array): Buffer {
  let bytes: Buffer
  if (typeof value === 'bigint') {
    if (value < 0n) throw new Error('der.integer: negative numbers are not supported')
    const hex = value.toString(16)
    bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex')
  } else {
    bytes = Buffer.from(value)
  }
  let start = 0
  while (start < bytes.length - 1 && bytes[start] === 0) start++
  bytes = bytes.subarray(start)
  if (bytes.length === 0) bytes = Buffer.from([0])
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes])
  return tlv(TAG.INTEGER, bytes)
}

/** BOOLEAN: DER writes TRUE as 0xff (X.690 §11.1). */
export function boolean(value: boolean): Buffer {
  return tlv(TAG.BOOLEAN, Buffer.from([value ? 0xff : 0x00]))
}

/** NULL, the parameters of RSA AlgorithmIdentifiers (RFC 4055 §5). */
export function nullValue(): Buffer {
  return tlv(TAG.NULL, Buffer.alloc(0))
}

/**
 * OBJECT IDENTIFIER from dotted text (X.690 §8.19): the first two arcs share one subidentifier
 * (40 * first + second); each subidentifier is base 128, high bit set on all but its last octet.
 */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((arc) => {
    if (!/^\d+$/.test(arc)) throw new Error(`der.oid: not an object identifier: ${dotted}`)
    return BigInt(arc)
  })
  const [first, second, ...rest] = arcs
  if (first === undefined || second === undefined || first > 2n) {
    throw new Error(`der.oid: not an object identifier: ${dotted}`)
  }
  const out: number[] = []
  for (const arc of [first * 40n + second, ...rest]) {
    const groups: number[] = [Number(arc & 0x7fn)]
    for (let v = arc >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80)
    out.push(...groups)
  }
  return tlv(TAG.OBJECT_IDENTIFIER, Buffer.from(out))
}

/** BIT STRING of whole bytes: the first content octet counts the unused bits, here 0 (X.690 §8.6.2). */
export function bitString(bytes: Uint8Array): Buffer {
  return tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), bytes]))
}

/** OCTET STRING, which wraps each X.509 extension's value (RFC 5280 §4.1). */
export function octetString(bytes: Uint8Array): Buffer {
  return tlv(TAG.OCTET_STRING, bytes)
}

/** UTF8String, the directory string RFC 5280 §4.1.2.6 recommends for new certificates. */
export function utf8String(text: string): Buffer {
  return tlv(TAG.UTF8_STRING, Buffer.from(text, 'utf8'))
}

/**
 * A certificate validity time (RFC 5280 §4.1.2.5): UTCTime `YYMMDDHHMMSSZ` for the years 1950 to
 * 2049, GeneralizedTime `YYYYMMDDHHMMSSZ` outside them; always UTC, seconds, no fractions.
 */
export function time(date: Date): Buffer {
  const iso = date.toISOString() // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') // YYYYMMDDHHMMSS
  const year = date.getUTCFullYear()
  if (year >= 1950 && year <= 2049)
    return tlv(TAG.UTC_TIME, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(`${digits}Z`, 'ascii'))
}

/** A context-specific, constructed, EXPLICIT tag `[n]` around one encoded element (X.690 §8.14). */
export function explicit(tagNumber: number, element: Uint8Array): Buffer {
  if (tagNumber < 0 || tagNumber > 30) throw new Error('der.explicit: tag number out of range')
  return tlv(0xa0 | tagNumber, element)
}

/** Wraps DER bytes in PEM armour (RFC 7468 §2): base64 in lines of 64 characters. */
export function toPem(label: string, der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}
