import { randomBytes, sign, type KeyObject } from 'node:crypto'
import {
  bitString,
  boolean,
  explicit,
  integer,
  nullValue,
  octetString,
  oid,
  sequence,
  set,
  time,
  toPem,
  utf8String,
} from './der.js'

/** Digest used to sign the certificate itself (independent of the JWS algorithm of the key). */
export type CertificateDigest = 'sha256' | 'sha384' | 'sha512'

/** Inputs of {@link selfSignedCertificate}. */
export interface SelfSignedCertificateOptions {
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
  /** Subject and issuer common name (the two are equal: the certificate is self-signed). */
  readonly commonName: string
  readonly digest?: CertificateDigest
  readonly notBefore: Date
  readonly notAfter: Date
}

/** Object identifiers used below, with where they are defined. */
const OID = {
  commonName: '2.5.4.3', // X.520, RFC 5280 §4.1.2.4
  basicConstraints: '2.5.29.19', // RFC 5280 §4.2.1.9
  keyUsage: '2.5.29.15', // RFC 5280 §4.2.1.3
  // RSA PKCS #1 v1.5 signatures (RFC 4055 §5)
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  // ECDSA signatures (RFC 5758 §3.2)
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  // EdDSA (RFC 8410 §3)
  ed25519: '1.3.101.112',
} as const

/**
 * The certificate's signature AlgorithmIdentifier for a key type and digest, and how
 * node:crypto must be called to produce that signature.
 */
function signatureAlgorithm(
  keyType: string | undefined,
  digest: CertificateDigest,
): { identifier: Buffer; nodeDigest: string | null } {
  switch (keyType) {
    case 'rsa': {
      // RSA AlgorithmIdentifiers carry an explicit NULL parameter (RFC 4055 §5).
      const byDigest = {
        sha256: OID.sha256WithRSAEncryption,
        sha384: OID.sha384WithRSAEncryption,
        sha512: OID.sha512WithRSAEncryption,
      }
      return { identifier: sequence(oid(byDigest[digest]), nullValue()), nodeDigest: digest }
    }
    case 'ec': {
      // ECDSA AlgorithmIdentifiers omit the parameters field entirely (RFC 5758 §3.2).
      const byDigest = {
        sha256: OID.ecdsaWithSHA256,
        sha384: OID.ecdsaWithSHA384,
        sha512: OID.ecdsaWithSHA512,
      }
      return { identifier: sequence(oid(byDigest[digest])), nodeDigest: digest }
    }
    case 'ed25519':
      // Ed25519 hashes internally: node:crypto takes a null digest (RFC 8410 §3: no parameters).
      return { identifier: sequence(oid(OID.ed25519)), nodeDigest: null }
    default:
      throw new Error(`selfSignedCertificate: unsupported key type ${String(keyType)}`)
  }
}

/** Name ::= SEQUENCE OF RelativeDistinguishedName, here one RDN holding one CN (RFC 5280 §4.1.2.4). */
function name(commonName: string): Buffer {
  return sequence(set(sequence(oid(OID.commonName), utf8String(commonName))))
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } (RFC 5280 §4.1). */
function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? sequence(oid(id), boolean(true), octetString(value))
    : sequence(oid(id), octetString(value))
}

/**
 * A positive serial number of at most 20 octets (RFC 5280 §4.1.2.2): 16 random bytes with the top
 * bit cleared, and the first byte made non-zero so the encoding keeps all 16 bytes.
 */
function serialNumber(): Buffer {
  const bytes = randomBytes(16)
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01
  return integer(bytes)
}

/**
 * Builds a self-signed X.509 v3 certificate (RFC 5280 §4.1) in PEM for a key pair, like the
 * certificates Google serves for its `{ kid: pem }` key maps (Firebase session cookies).
 *
 * ```
 * Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
 * TBSCertificate ::= SEQUENCE {
 *   version [0] EXPLICIT INTEGER (2 = v3), serialNumber, signature AlgorithmIdentifier,
 *   issuer Name, validity SEQUENCE { notBefore, notAfter }, subject Name,
 *   subjectPublicKeyInfo, extensions [3] EXPLICIT SEQUENCE OF Extension }
 * ```
 *
 * The SubjectPublicKeyInfo comes straight from node:crypto's SPKI export, so only the envelope
 * is hand-made. Extensions mark the certificate as an end entity for signatures only
 * (basicConstraints cA FALSE, keyUsage digitalSignature), as Google's are.
 */
export function selfSignedCertificate(options: SelfSignedCertificateOptions): string {
  const { privateKey, publicKey, commonName, notBefore, notAfter } = options
  const { identifier, nodeDigest } = signatureAlgorithm(
    privateKey.asymmetricKeyType,
    options.digest ?? 'sha256',
  )
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  // KeyUsage is a named BIT STRING; digitalSignature is bit 0, so the single content byte is
  // 0x80 with 7 unused trailing bits (X.690 §11.2.2: trailing zero bits are dropped).
  const keyUsage = Buffer.from([0x03, 0x02, 0x07, 0x80])
  const extensions = sequence(
    extension(OID.basicConstraints, true, sequence()), // cA defaults to FALSE: empty SEQUENCE
    extension(OID.keyUsage, true, keyUsage),
  )
  const tbs = sequence(
    explicit(0, integer(2n)),
    serialNumber(),
    identifier,
    name(commonName),
    sequence(time(notBefore), time(notAfter)),
    name(commonName),
    spki,
    explicit(3, extensions),
  )
  const signature = sign(nodeDigest, tbs, privateKey)
  return toPem('CERTIFICATE', sequence(tbs, identifier, bitString(signature)))
}
