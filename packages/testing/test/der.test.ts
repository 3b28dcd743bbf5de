import { describe, expect, it } from 'vitest'
import {
  bitString,
  boolean,
  explicit,
  integer,
  nullValue,
  oid,
  sequence,
  set,
  time,
  tlv,
  toPem,
  utf8String,
} from '../src/internal/der.js'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

describe('DER encoder (X.690)', () => {
  it('encodes lengths in short and long form', () => {
    expect(hex(tlv(0x04, Buffer.alloc(0)))).toBe('0400')
    expect(hex(tlv(0x04, Buffer.alloc(127))).slice(0, 4)).toBe('047f')
    expect(hex(tlv(0x04, Buffer.alloc(128))).slice(0, 6)).toBe('048180')
    expect(hex(tlv(0x04, Buffer.alloc(300))).slice(0, 8)).toBe('0482012c')
  })

  it('encodes integers in the fewest octets, positive', () => {
    expect(hex(integer(0n))).toBe('020100')
    expect(hex(integer(127n))).toBe('02017f')
    expect(hex(integer(128n))).toBe('02020080')
    expect(hex(integer(256n))).toBe('02020100')
    expect(hex(integer(2n))).toBe('020102')
    expect(hex(integer(Buffer.from([0, 0, 0x80])))).toBe('02020080')
    expect(hex(integer(Buffer.from([0, 0, 0x01])))).toBe('020101')
    expect(() => integer(-1n)).toThrow()
  })

  it('encodes object identifiers (X.690 §8.19)', () => {
    expect(hex(oid('1.2.840.113549.1.1.11'))).toBe('06092a864886f70d01010b')
    expect(hex(oid('2.5.4.3'))).toBe('0603550403')
    expect(hex(oid('1.3.101.112'))).toBe('06032b6570')
    expect(hex(oid('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302')
    expect(() => oid('1')).toThrow()
    expect(() => oid('3.1')).toThrow()
    expect(() => oid('1.a')).toThrow()
  })

  it('encodes the simple types', () => {
    expect(hex(nullValue())).toBe('0500')
    expect(hex(boolean(true))).toBe('0101ff')
    expect(hex(boolean(false))).toBe('010100')
    expect(hex(bitString(Buffer.from([0xab])))).toBe('030200ab')
    expect(hex(utf8String('é'))).toBe('0c02c3a9')
    expect(hex(sequence(nullValue(), nullValue()))).toBe('300405000500')
    expect(hex(sequence())).toBe('3000')
    expect(hex(set(nullValue()))).toBe('31020500')
    expect(() => set(nullValue(), nullValue())).toThrow()
    expect(hex(explicit(3, nullValue()))).toBe('a3020500')
  })

  it('writes UTCTime up to 2049 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)', () => {
    expect(time(new Date('2024-02-29T13:05:09.999Z')).toString('latin1')).toBe(
      '\x17\x0d240229130509Z',
    )
    expect(time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe(
      '\x18\x0f20500101000000Z',
    )
    expect(time(new Date('1949-12-31T23:59:59Z'))[0]).toBe(0x18)
  })

  it('wraps PEM at 64 characters', () => {
    const pem = toPem('CERTIFICATE', Buffer.alloc(100, 1))
    const lines = pem.trim().split('\n')
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----')
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----')
    expect(lines[1]).toHaveLength(64)
    expect(Buffer.from(lines.slice(1, -1).join(''), 'base64')).toEqual(Buffer.alloc(100, 1))
  })
})
