import type { AuthErrorCode } from '@cloudauth/core'
import { b64url, defaultKey, forgeToken, hmacToken } from '@cloudauth/testing'
import { badEs256Signatures, otherSpelling } from './ecdsa.js'
import { keyEncodings } from './key-encodings.js'
import { mint, segments, type Target } from './target.js'

/** One attack: how to build it against a target, and the one way it must fail. */
export interface AttackRow {
  /** Stable id, unique in the corpus; targets override a row's code by it. */
  readonly id: string
  /** The family of attacks, with the RFC 8725 section or advisory it comes from. */
  readonly section: string
  readonly title: string
  /** The code it must fail with (a target may override it, see `Target.expected`). */
  readonly code: AuthErrorCode
  /** The HTTP status of that code, stated here so a change in core's mapping shows. */
  readonly status: 400 | 401 | 403 | 503
  /** Rows that need something of the target (an EC key, an `aud` claim, another target). */
  readonly applies?: (target: Target) => boolean
  readonly build: (target: Target) => string
}

/** A token the rules say must be accepted: the positive controls that keep the rejections honest. */
export interface AcceptedRow {
  readonly id: string
  readonly title: string
  /** Why it is accepted: the rule SECURITY.md states. */
  readonly rule: string
  readonly applies?: (target: Target) => boolean
  readonly build: (target: Target) => string
}

const now = () => Math.floor(Date.now() / 1000)

/** Replaces one base64url segment of a token. */
function withSegment(token: string, index: 0 | 1 | 2, value: string): string {
  const parts = segments(token)
  parts[index] = value
  return parts.join('.')
}

/** Signs raw JSON text (for duplicate members, which no JSON encoder writes). */
function signRaw(target: Target, headerJson: string, payloadJson: string): string {
  return forgeToken({ header: b64url(headerJson), payload: b64url(payloadJson), key: target.key })
}

/** The JSON text of an object with `extra` raw members spliced in before the closing brace. */
function jsonWith(value: Record<string, unknown>, extra: string): string {
  const json = JSON.stringify(value)
  return `${json.slice(0, -1)},${extra}}`
}

/** A valid token padded with a `pad` claim to the longest length that is at most `limit`. */
export function paddedToken(
  target: Target,
  limit: number,
  sign: (pad: string) => string,
): { readonly under: string; readonly over: string } {
  let low = 0
  let high = limit
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (sign('x'.repeat(mid)).length <= limit) low = mid
    else high = mid - 1
  }
  return { under: sign('x'.repeat(low)), over: sign('x'.repeat(low + 1)) }
}

const SECTIONS = {
  none: 'alg none (RFC 8725 §3.1, CVE-2015-9235)',
  hmac: 'HMAC with the public key (RFC 8725 §2.1, §3.2; CVE-2016-10555, CVE-2022-29217)',
  confusion: 'RS/PS/ES confusion (RFC 8725 §3.1, RFC 7518 §3)',
  ecdsa: 'ECDSA psychic signatures and lengths (CVE-2022-21449, RFC 7518 §3.4)',
  signature: 'signature integrity (RFC 7515 §5.2)',
  kid: 'kid (RFC 7515 §4.1.4, RFC 8725 §3.10)',
  embedded: 'embedded keys: jku, jwk, x5u, x5c (RFC 8725 §3.10, CVE-2018-0114)',
  crit: 'crit and b64 (RFC 7515 §4.1.11, RFC 7797)',
  structure: 'structure: JWE, nested JWT, segments (RFC 7515 §7.1, RFC 7519 §7.2, RFC 8725 §3.11)',
  duplicate: 'duplicate JSON members (RFC 7515 §4, RFC 7519 §4, RFC 8725 §3.4)',
  base64: 'base64url whitespace and padding (RFC 7515 §2, RFC 4648 §3.5)',
  times: 'exp, nbf, iat (RFC 7519 §4.1.4-§4.1.6, §2 NumericDate)',
  audience: 'aud (RFC 7519 §4.1.3, RFC 8725 §3.9)',
  issuer: 'iss (RFC 7519 §4.1.1, RFC 8725 §3.8)',
  size: 'size limit (maxTokenBytes)',
  cross: 'substitution across issuers (RFC 8725 §2.8, §3.8)',
} as const

/**
 * The attack corpus: every case of issue 6, each built against the target so that it fails for
 * exactly one reason. `targets` is the whole set, for the cross-issuer rows.
 */
export function attackRows(targets: readonly Target[]): readonly AttackRow[] {
  const rows: AttackRow[] = []
  const add = (
    section: string,
    id: string,
    title: string,
    code: AuthErrorCode,
    status: AttackRow['status'],
    build: AttackRow['build'],
    applies?: AttackRow['applies'],
  ) => {
    rows.push({
      section,
      id,
      title,
      code,
      status,
      build,
      ...(applies === undefined ? {} : { applies }),
    })
  }

  // alg none: the header says no signature is needed. The issuer and kid are right, so the only
  // thing wrong is the algorithm.
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    add(
      SECTIONS.none,
      `alg-${alg}`,
      `"alg": "${alg}" with an empty signature`,
      'unsupported_algorithm',
      401,
      (t) => mint(t, { header: { alg }, signature: '' }),
    )
  }
  add(
    SECTIONS.none,
    'alg-none-keeps-signature',
    '"alg": "none" keeping the original signature',
    'unsupported_algorithm',
    401,
    (t) => {
      const valid = mint(t)
      return withSegment(valid, 0, b64url(JSON.stringify({ ...t.header(), alg: 'none' })))
    },
  )
  add(
    SECTIONS.none,
    'alg-none-emulator-shape',
    '"alg": "none", no kid, empty signature (the Firebase emulator shape)',
    'unsupported_algorithm',
    401,
    (t) => mint(t, { header: { alg: 'none', kid: undefined, typ: 'JWT' }, signature: '' }),
  )
  add(SECTIONS.none, 'alg-empty', '"alg": ""', 'unsupported_algorithm', 401, (t) =>
    mint(t, { header: { alg: '' } }),
  )
  add(SECTIONS.none, 'alg-missing', 'no alg at all', 'malformed_token', 401, (t) =>
    mint(t, { header: { alg: undefined } }),
  )
  add(SECTIONS.none, 'alg-array', '"alg": ["RS256"] (not a string)', 'malformed_token', 401, (t) =>
    mint(t, { header: { alg: [t.key.alg] } }),
  )

  // HMAC signed with the public key, in every encoding, for each HS size.
  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    for (const kind of ['rsa', 'ec'] as const) {
      const sample = kind === 'rsa' ? 'RSA' : 'EC'
      const encodings = kind === 'rsa' ? RSA_ENCODING_NAMES : EC_ENCODING_NAMES
      for (const name of encodings) {
        add(
          SECTIONS.hmac,
          `${alg.toLowerCase()}-${kind}-${slug(name)}`,
          `${alg} keyed with the ${sample} public key, ${name}`,
          'unsupported_algorithm',
          401,
          (t) => {
            const key = kind === 'rsa' ? t.key : (t.ecKey as NonNullable<Target['ecKey']>)
            const encoding = keyEncodings(key).find((e) => e.name === name)
            if (encoding === undefined) throw new Error(`no encoding ${name}`)
            return hmacToken({
              alg,
              secret: encoding.secret,
              header: { ...t.header(key), alg },
              claims: t.claims(),
            })
          },
          kind === 'ec' ? (t) => t.ecKey !== undefined : undefined,
        )
      }
    }
  }
  add(
    SECTIONS.hmac,
    'hs256-kid-as-secret',
    'HS256 keyed with the kid',
    'unsupported_algorithm',
    401,
    (t) =>
      hmacToken({ secret: t.key.kid, header: { ...t.header(), alg: 'HS256' }, claims: t.claims() }),
  )
  add(
    SECTIONS.hmac,
    'hs256-empty-secret',
    'HS256 keyed with an empty secret',
    'unsupported_algorithm',
    401,
    (t) => hmacToken({ secret: '', header: { ...t.header(), alg: 'HS256' }, claims: t.claims() }),
  )

  // RS/PS/ES confusion.
  add(
    SECTIONS.confusion,
    'ps256-header-rs256-key',
    'header PS256 on the RS256 key (its JWK says RS256), signed PS256',
    'unsupported_algorithm',
    401,
    (t) => mint(t, { alg: 'PS256' }),
  )
  add(
    SECTIONS.confusion,
    'rs256-header-ps256-signature',
    'header RS256, signature made with PS256',
    'invalid_signature',
    401,
    (t) =>
      // forgeToken signs with `alg` but writes the header verbatim: it still says RS256.
      forgeToken({ header: t.header(), payload: t.claims(), key: t.key, alg: 'PS256' }),
  )
  add(
    SECTIONS.confusion,
    'es256-header-rsa-kid',
    'header ES256 naming the RSA key, signed by an EC key',
    'unsupported_algorithm',
    401,
    (t) =>
      forgeToken({
        header: { ...t.header(), alg: 'ES256' },
        payload: t.claims(),
        key: t.ecKey ?? defaultKey('ES256'),
        alg: 'ES256',
      }),
  )
  add(
    SECTIONS.confusion,
    'rs256-header-ec-kid',
    'header RS256 naming the EC key',
    'unsupported_algorithm',
    401,
    (t) => {
      const ec = t.ecKey as NonNullable<Target['ecKey']>
      return forgeToken({
        header: { ...t.header(ec), alg: 'RS256' },
        payload: t.claims(),
        key: t.key,
        alg: 'RS256',
      })
    },
    (t) => t.ecKey !== undefined,
  )
  add(
    SECTIONS.confusion,
    'es256-header-unbound-rsa',
    'header ES256 naming an RSA key published without alg',
    'unsupported_algorithm',
    401,
    (t) => {
      const rsa = t.unboundRsaKey as NonNullable<Target['unboundRsaKey']>
      const ec = t.ecKey as NonNullable<Target['ecKey']>
      return forgeToken({
        header: { alg: 'ES256', kid: rsa.kid },
        payload: t.claims(),
        key: ec,
        alg: 'ES256',
      })
    },
    (t) => t.unboundRsaKey !== undefined && t.ecKey !== undefined,
  )
  add(
    SECTIONS.confusion,
    'ps256-header-unbound-rsa-rs256-signature',
    'header PS256 naming an RSA key without alg, RS256 signature',
    'invalid_signature',
    401,
    (t) => {
      const rsa = t.unboundRsaKey as NonNullable<Target['unboundRsaKey']>
      const header = b64url(JSON.stringify({ alg: 'PS256', kid: rsa.kid }))
      return forgeToken({ header, payload: t.claims(), key: rsa, alg: 'RS256' })
    },
    (t) => t.unboundRsaKey !== undefined,
  )
  add(
    SECTIONS.confusion,
    'rs384-not-allowed',
    'header RS384 (not in the allow-list), signed RS384',
    'unsupported_algorithm',
    401,
    (t) => mint(t, { alg: 'RS384' }),
  )
  add(
    SECTIONS.confusion,
    'eddsa-not-allowed',
    'header EdDSA naming the RSA key',
    'unsupported_algorithm',
    401,
    (t) => mint(t, { header: { alg: 'EdDSA' } }),
  )
  add(
    SECTIONS.confusion,
    'alg-lower-case',
    '"alg": "rs256" (algorithm names are case-sensitive)',
    'unsupported_algorithm',
    401,
    (t) => mint(t, { header: { alg: t.key.alg.toLowerCase() } }),
  )
  add(
    SECTIONS.confusion,
    'alg-trailing-space',
    '"alg": "RS256 "',
    'unsupported_algorithm',
    401,
    (t) => mint(t, { header: { alg: `${t.key.alg} ` } }),
  )

  // ECDSA: signatures that verify nothing, and the right signature in the wrong shape.
  for (const name of ES256_SIGNATURE_NAMES) {
    add(
      SECTIONS.ecdsa,
      `es256-${slug(name)}`,
      `ES256 signature: ${name}`,
      'invalid_signature',
      401,
      (t) => {
        const ec = t.ecKey as NonNullable<Target['ecKey']>
        const valid = mint(t, { key: ec })
        const [header, payload, signature] = segments(valid)
        const bad = badEs256Signatures(Buffer.from(signature, 'base64url')).find(
          (s) => s.name === name,
        )
        if (bad === undefined) throw new Error(`no signature ${name}`)
        return `${header}.${payload}.${b64url(bad.bytes)}`
      },
      (t) => t.ecKey !== undefined,
    )
  }

  // Signature integrity: the claims changed after signing, or the signature is not the key's.
  add(
    SECTIONS.signature,
    'payload-changed',
    'payload changed after signing (sub: admin)',
    'invalid_signature',
    401,
    (t) => {
      const [header, , signature] = segments(mint(t))
      return `${header}.${b64url(JSON.stringify(t.claims({ sub: 'admin' })))}.${signature}`
    },
  )
  add(
    SECTIONS.signature,
    'header-changed',
    'header changed after signing (a member added)',
    'invalid_signature',
    401,
    (t) => {
      const [, payload, signature] = segments(mint(t))
      return `${b64url(JSON.stringify({ ...t.header(), 'x-extra': 1 }))}.${payload}.${signature}`
    },
  )
  add(
    SECTIONS.signature,
    'signature-empty',
    'signature removed (empty third segment)',
    'invalid_signature',
    401,
    (t) => withSegment(mint(t), 2, ''),
  )
  add(
    SECTIONS.signature,
    'signature-other-key-same-kid',
    'signed by another key under the right kid',
    'invalid_signature',
    401,
    (t) => mint(t, { key: t.otherIssuerKey, header: { kid: t.key.kid } }),
  )
  add(
    SECTIONS.signature,
    'signature-of-another-token',
    'the signature of another valid token',
    'invalid_signature',
    401,
    (t) => {
      const [, , signature] = segments(mint(t, { claims: { sub: 'someone-else' } }))
      return withSegment(mint(t), 2, signature)
    },
  )
  add(
    SECTIONS.signature,
    'signature-zero-bytes',
    'a signature of 256 zero bytes',
    'invalid_signature',
    401,
    (t) => mint(t, { signature: new Uint8Array(256) }),
  )

  // kid: only ever a lookup key in the issuer's own set.
  add(
    SECTIONS.kid,
    'kid-of-other-issuer',
    "kid naming another issuer's key, signed by that key",
    'unknown_key',
    401,
    (t) => mint(t, { key: t.otherIssuerKey }),
  )
  const strangeKids: readonly [string, string][] = [
    ['path-traversal', '../../../../../../etc/passwd'],
    ['path-traversal-windows', '..\\..\\..\\windows\\win.ini'],
    ['file-url', 'file:///dev/null'],
    ['sql-injection', "' OR '1'='1' --"],
    ['sql-union', "x' UNION SELECT 'AAAA' AS key --"],
    ['nul-byte', 'key\u0000'],
    ['crlf', 'key\r\nX-Injected: 1'],
    ['proto', '__proto__'],
    ['constructor', 'constructor'],
    ['to-string', 'toString'],
    ['very-long', 'k'.repeat(4000)],
    ['url', 'https://attacker.example/jwks.json'],
  ]
  for (const [id, kid] of strangeKids) {
    add(
      SECTIONS.kid,
      `kid-${id}`,
      `kid ${JSON.stringify(kid.length > 40 ? `${kid.slice(0, 12)}... (${kid.length} chars)` : kid)}`,
      'unknown_key',
      401,
      (t) => mint(t, { header: { kid } }),
    )
  }
  add(SECTIONS.kid, 'kid-case', 'kid with its case changed', 'unknown_key', 401, (t) =>
    mint(t, { header: { kid: swapCase(t.key.kid) } }),
  )
  add(SECTIONS.kid, 'kid-trailing-space', 'kid with a trailing space', 'unknown_key', 401, (t) =>
    mint(t, { header: { kid: `${t.key.kid} ` } }),
  )
  const badKids: readonly [string, unknown][] = [
    ['missing', undefined],
    ['empty', ''],
    ['number', 0],
    ['null', null],
    ['array', ['KID']],
    ['object', { $ne: '' }],
  ]
  for (const [id, kid] of badKids) {
    add(
      SECTIONS.kid,
      `kid-${id}`,
      `kid ${id === 'missing' ? 'missing' : JSON.stringify(kid)}`,
      'invalid_header',
      401,
      (t) =>
        mint(t, {
          header: { kid: kid === undefined ? undefined : Array.isArray(kid) ? [t.key.kid] : kid },
        }),
    )
  }

  // Embedded keys: never used to find a key, and refused outright.
  add(SECTIONS.embedded, 'jku', 'jku pointing at an attacker key set', 'invalid_header', 401, (t) =>
    mint(t, { header: { jku: 'https://attacker.example/jwks.json' } }),
  )
  add(
    SECTIONS.embedded,
    'jwk-attacker',
    "jwk carrying the attacker's key, signed by it",
    'invalid_header',
    401,
    (t) =>
      mint(t, {
        key: t.otherIssuerKey,
        header: { kid: t.otherIssuerKey.kid, jwk: t.otherIssuerKey.publicJwk },
      }),
  )
  add(
    SECTIONS.embedded,
    'jwk-own',
    "jwk carrying the issuer's own key",
    'invalid_header',
    401,
    (t) => mint(t, { header: { jwk: t.key.publicJwk } }),
  )
  add(
    SECTIONS.embedded,
    'x5u',
    'x5u pointing at an attacker certificate',
    'invalid_header',
    401,
    (t) => mint(t, { header: { x5u: 'https://attacker.example/cert.pem' } }),
  )
  add(
    SECTIONS.embedded,
    'x5c',
    "x5c carrying the attacker's self-signed certificate",
    'invalid_header',
    401,
    (t) =>
      mint(t, {
        key: t.otherIssuerKey,
        header: { kid: t.otherIssuerKey.kid, x5c: [pemBody(t.otherIssuerKey.x509Pem)] },
      }),
  )

  // crit and b64.
  add(
    SECTIONS.crit,
    'crit-unknown',
    'crit naming an unknown extension',
    'invalid_header',
    401,
    (t) =>
      mint(t, {
        header: { crit: ['https://attacker.example/ext'], 'https://attacker.example/ext': true },
      }),
  )
  add(
    SECTIONS.crit,
    'crit-registered',
    'crit naming a registered claim ("exp")',
    'invalid_header',
    401,
    (t) => mint(t, { header: { crit: ['exp'] } }),
  )
  add(SECTIONS.crit, 'crit-empty', 'crit as an empty list', 'invalid_header', 401, (t) =>
    mint(t, { header: { crit: [] } }),
  )
  add(
    SECTIONS.crit,
    'b64-false',
    '"b64": false with crit (RFC 7797 unencoded payload)',
    'invalid_header',
    401,
    (t) => mint(t, { header: { b64: false, crit: ['b64'] } }),
  )
  add(SECTIONS.crit, 'b64-false-no-crit', '"b64": false without crit', 'invalid_header', 401, (t) =>
    mint(t, { header: { b64: false } }),
  )

  // Structure.
  add(
    SECTIONS.structure,
    'jwe',
    'a JWE (five segments, RSA-OAEP / A256GCM)',
    'malformed_token',
    401,
    (t) =>
      [
        b64url(JSON.stringify({ alg: 'RSA-OAEP', enc: 'A256GCM', kid: t.key.kid })),
        b64url('k'.repeat(256)),
        b64url('iv-iv-iv-iv-'),
        b64url('ciphertext'),
        b64url('tag-tag-tag-tag-'),
      ].join('.'),
  )
  add(
    SECTIONS.structure,
    'jwe-dir',
    'a JWE with alg dir and an empty key segment',
    'malformed_token',
    401,
    () =>
      [
        b64url(JSON.stringify({ alg: 'dir', enc: 'A128CBC-HS256' })),
        '',
        b64url('iv'),
        b64url('ciphertext'),
        b64url('tag'),
      ].join('.'),
  )
  add(
    SECTIONS.structure,
    'nested-cty-jwt',
    '"cty": "JWT" (nested token) over ordinary claims',
    'invalid_header',
    401,
    (t) => mint(t, { header: { cty: 'JWT' } }),
  )
  add(SECTIONS.structure, 'nested-cty-jwt-lower', '"cty": "jwt"', 'invalid_header', 401, (t) =>
    mint(t, { header: { cty: 'jwt' } }),
  )
  // RFC 7515 §4.1.10: the "application/" prefix may be left out and case does not matter, so
  // every spelling of the media type names the same nested token.
  for (const [id, cty] of [
    ['nested-cty-application-jwt', 'application/jwt'],
    ['nested-cty-application-jwt-upper', 'APPLICATION/JWT'],
    ['nested-cty-jwt-parameter', 'application/jwt; charset=utf-8'],
    ['nested-cty-jwt-suffix', 'application/at+jwt'],
    ['nested-cty-jwt-space', ' JWT '],
  ] as const) {
    add(SECTIONS.structure, id, `"cty": ${JSON.stringify(cty)}`, 'invalid_header', 401, (t) =>
      mint(t, { header: { cty } }),
    )
  }
  add(SECTIONS.structure, 'cty-not-string', '"cty": ["JWT"]', 'invalid_header', 401, (t) =>
    mint(t, { header: { cty: ['JWT'] } }),
  )
  add(
    SECTIONS.structure,
    'nested-real',
    'a real nested JWT (payload is an inner signed token)',
    'malformed_token',
    401,
    (t) => {
      const inner = mint(t)
      return forgeToken({
        header: { ...t.header(), cty: 'JWT' },
        payload: b64url(inner),
        key: t.key,
      })
    },
  )
  add(SECTIONS.structure, 'two-segments', 'two segments', 'malformed_token', 401, (t) =>
    segments(mint(t)).slice(0, 2).join('.'),
  )
  add(
    SECTIONS.structure,
    'four-segments',
    'four segments',
    'malformed_token',
    401,
    (t) => `${mint(t)}.${b64url('x')}`,
  )
  add(SECTIONS.structure, 'only-dots', 'only dots', 'malformed_token', 401, () => '..')
  add(SECTIONS.structure, 'header-not-json', 'header is not JSON', 'malformed_token', 401, (t) =>
    withSegment(mint(t), 0, b64url('{alg:RS256}')),
  )
  add(SECTIONS.structure, 'header-array', 'header is a JSON array', 'malformed_token', 401, (t) =>
    withSegment(mint(t), 0, b64url(JSON.stringify([t.header()]))),
  )
  add(SECTIONS.structure, 'payload-null', 'payload is JSON null', 'malformed_token', 401, (t) =>
    forgeToken({ header: t.header(), payload: b64url('null'), key: t.key }),
  )
  add(
    SECTIONS.structure,
    'payload-string',
    'payload is a JSON string',
    'malformed_token',
    401,
    (t) =>
      forgeToken({
        header: t.header(),
        payload: b64url(JSON.stringify(JSON.stringify(t.claims()))),
        key: t.key,
      }),
  )
  add(
    SECTIONS.structure,
    'payload-not-utf8',
    'payload bytes are not UTF-8',
    'malformed_token',
    401,
    (t) =>
      forgeToken({
        header: t.header(),
        payload: b64url(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])),
        key: t.key,
      }),
  )
  add(
    SECTIONS.structure,
    'payload-bom',
    'payload JSON starts with a byte order mark',
    'malformed_token',
    401,
    (t) =>
      forgeToken({
        header: t.header(),
        payload: b64url(`\ufeff${JSON.stringify(t.claims())}`),
        key: t.key,
      }),
  )

  // Duplicate members: two parsers could read two different tokens.
  add(
    SECTIONS.duplicate,
    'dup-header-alg',
    'header with "alg" twice (RS256, then none)',
    'malformed_token',
    401,
    (t) => signRaw(t, jsonWith(t.header(), '"alg":"none"'), JSON.stringify(t.claims())),
  )
  add(
    SECTIONS.duplicate,
    'dup-header-kid',
    'header with "kid" twice',
    'malformed_token',
    401,
    (t) =>
      signRaw(
        t,
        jsonWith(t.header(), `"kid":"${t.otherIssuerKey.kid}"`),
        JSON.stringify(t.claims()),
      ),
  )
  add(
    SECTIONS.duplicate,
    'dup-payload-sub',
    'payload with "sub" twice (user, then admin)',
    'malformed_token',
    401,
    (t) => signRaw(t, JSON.stringify(t.header()), jsonWith(t.claims(), '"sub":"admin"')),
  )
  add(
    SECTIONS.duplicate,
    'dup-payload-exp',
    'payload with "exp" twice (valid, then expired)',
    'malformed_token',
    401,
    (t) => signRaw(t, JSON.stringify(t.header()), jsonWith(t.claims(), '"exp":1')),
  )
  add(
    SECTIONS.duplicate,
    'dup-payload-escaped',
    'payload with "iss" twice, once spelled "\\u0069ss"',
    'malformed_token',
    401,
    (t) =>
      signRaw(
        t,
        JSON.stringify(t.header()),
        jsonWith(t.claims(), '"\\u0069ss":"https://attacker.example/"'),
      ),
  )
  add(
    SECTIONS.duplicate,
    'dup-payload-proto',
    'payload with "__proto__" twice',
    'malformed_token',
    401,
    (t) =>
      signRaw(
        t,
        JSON.stringify(t.header()),
        jsonWith(t.claims(), '"__proto__":{"admin":true},"__proto__":{"admin":true}'),
      ),
  )

  // base64url: one canonical spelling only.
  add(
    SECTIONS.base64,
    'b64-padding-header',
    'header segment padded with "="',
    'malformed_token',
    401,
    (t) => {
      const [header, payload, signature] = segments(mint(t))
      return `${header}${'='.repeat((4 - (header.length % 4)) % 4 || 2)}.${payload}.${signature}`
    },
  )
  add(
    SECTIONS.base64,
    'b64-padding-signature',
    'signature segment padded with "="',
    'malformed_token',
    401,
    (t) => {
      const token = mint(t)
      return `${token}${'='.repeat((4 - (segments(token)[2].length % 4)) % 4 || 1)}`
    },
  )
  add(
    SECTIONS.base64,
    'b64-space-inside',
    'a space inside the payload',
    'malformed_token',
    401,
    (t) => {
      const [header, payload, signature] = segments(mint(t))
      return `${header}.${payload.slice(0, 10)} ${payload.slice(10)}.${signature}`
    },
  )
  add(
    SECTIONS.base64,
    'b64-newline-inside',
    'a line break inside the signature (MIME base64)',
    'malformed_token',
    401,
    (t) => {
      const [header, payload, signature] = segments(mint(t))
      return `${header}.${payload}.${signature.slice(0, 76)}\r\n${signature.slice(76)}`
    },
  )
  add(
    SECTIONS.base64,
    'b64-leading-space',
    'a leading space',
    'malformed_token',
    401,
    (t) => ` ${mint(t)}`,
  )
  add(
    SECTIONS.base64,
    'b64-trailing-newline',
    'a trailing newline',
    'malformed_token',
    401,
    (t) => `${mint(t)}\n`,
  )
  add(SECTIONS.base64, 'b64-tab', 'a tab between segments', 'malformed_token', 401, (t) =>
    mint(t).replace('.', '.\t'),
  )
  add(
    SECTIONS.base64,
    'b64-standard-alphabet',
    'signature in the standard alphabet (+ and /)',
    'malformed_token',
    401,
    (t) =>
      mint(t, {
        signature: Buffer.from(new Uint8Array(256).fill(0xfb))
          .toString('base64')
          .replace(/=+$/, ''),
      }),
  )
  add(
    SECTIONS.base64,
    'b64-non-canonical-bits',
    'last header character with non-zero pad bits (same bytes, other spelling)',
    'malformed_token',
    401,
    (t) => {
      // Pad the header until its segment has pad bits (a length that is not 0 mod 4).
      for (const x of ['', 'a', 'aa']) {
        const [header, payload, signature] = segments(mint(t, { header: { x } }))
        if (header.length % 4 !== 0) return `${nonCanonical(header)}.${payload}.${signature}`
      }
      throw new Error('unreachable: one of three paddings leaves pad bits')
    },
  )
  add(
    SECTIONS.base64,
    'b64-percent-encoded',
    'percent-encoded characters',
    'malformed_token',
    401,
    (t) => mint(t).replace('.', '%2E'),
  )
  add(
    SECTIONS.base64,
    'b64-unicode',
    'a non-ASCII look-alike character in the payload',
    'malformed_token',
    401,
    (t) => {
      const [header, payload, signature] = segments(mint(t))
      return `${header}.${payload.slice(0, 5)}\u0410${payload.slice(6)}.${signature}`
    },
  )

  // Times. Tolerance is a few seconds; these are far outside it.
  const time = (
    id: string,
    title: string,
    code: AuthErrorCode,
    claims: () => Record<string, unknown>,
  ) => add(SECTIONS.times, id, title, code, 401, (t) => mint(t, { claims: claims() }))
  time('exp-missing', 'no exp', 'invalid_claims', () => ({ exp: undefined }))
  time('exp-string', 'exp as a string of digits', 'invalid_claims', () => ({
    exp: String(now() + 600),
  }))
  time('exp-bool', 'exp true', 'invalid_claims', () => ({ exp: true }))
  time('exp-null', 'exp null', 'invalid_claims', () => ({ exp: null }))
  time('exp-array', 'exp as an array', 'invalid_claims', () => ({ exp: [now() + 600] }))
  time('exp-object', 'exp as an object', 'invalid_claims', () => ({ exp: { $gt: 0 } }))
  // A NumericDate is 0..2^53-1 seconds (SECURITY.md): outside it the claim is invalid, not a date.
  time('exp-negative', 'exp -1', 'invalid_claims', () => ({ exp: -1 }))
  time('exp-zero', 'exp 0', 'token_expired', () => ({ exp: 0 }))
  time('exp-huge-negative', 'exp -1e308', 'invalid_claims', () => ({ exp: -1e308 }))
  time('exp-1e300', 'exp 1e300', 'invalid_claims', () => ({ exp: 1e300 }))
  time('exp-unsafe-integer', 'exp 2^53 + 1', 'invalid_claims', () => ({ exp: 2 ** 53 + 1 }))
  time('exp-max-value', 'exp Number.MAX_VALUE', 'invalid_claims', () => ({
    exp: Number.MAX_VALUE,
  }))
  time('nbf-negative', 'nbf -1e15', 'invalid_claims', () => ({ nbf: -1e15 }))
  time('auth-time-huge', 'auth_time 1e300', 'invalid_claims', () => ({ auth_time: 1e300 }))
  time('auth-time-negative', 'auth_time -1', 'invalid_claims', () => ({ auth_time: -1 }))
  time('auth-time-string', 'auth_time as a string', 'invalid_claims', () => ({
    auth_time: String(now()),
  }))
  time('exp-expired', 'exp 10 minutes ago', 'token_expired', () => ({
    exp: now() - 600,
    iat: now() - 1200,
  }))
  time('exp-float-expired', 'exp a float, 30.5 s ago', 'token_expired', () => ({
    exp: now() - 30.5,
  }))
  time('exp-tiny', 'exp 1e-300', 'token_expired', () => ({ exp: 1e-300 }))
  time('nbf-future', 'nbf 10 minutes ahead', 'token_not_yet_valid', () => ({ nbf: now() + 600 }))
  time('nbf-future-float', 'nbf a float, 60.5 s ahead', 'token_not_yet_valid', () => ({
    nbf: now() + 60.5,
  }))
  time('nbf-huge', 'nbf 1e300', 'invalid_claims', () => ({ nbf: 1e300 }))
  time('nbf-string', 'nbf as a string', 'invalid_claims', () => ({ nbf: String(now()) }))
  time('iat-future', 'iat 10 minutes ahead', 'token_not_yet_valid', () => ({ iat: now() + 600 }))
  time('iat-huge', 'iat 1e300', 'invalid_claims', () => ({ iat: 1e300 }))
  time('iat-string', 'iat as a string', 'invalid_claims', () => ({ iat: String(now()) }))
  // JSON has no Infinity or NaN; a number too large for a double parses to Infinity.
  const raw = (id: string, title: string, code: AuthErrorCode, member: string) =>
    add(SECTIONS.times, id, title, code, 401, (t) => {
      const claims = t.claims({ [member.split('"')[1] ?? '']: undefined })
      return signRaw(t, JSON.stringify(t.header()), jsonWith(claims, member))
    })
  raw('exp-overflow', 'exp 1e400 (parses to Infinity)', 'invalid_claims', '"exp":1e400')
  raw('exp-negative-overflow', 'exp -1e400 (parses to -Infinity)', 'invalid_claims', '"exp":-1e400')
  raw('nbf-overflow', 'nbf 1e400', 'invalid_claims', '"nbf":1e400')
  raw('iat-negative-overflow', 'iat -1e400', 'invalid_claims', '"iat":-1e400')
  raw(
    'exp-huge-digits',
    'exp as 400 digits (parses to Infinity)',
    'invalid_claims',
    `"exp":${'9'.repeat(400)}`,
  )

  // aud: for targets whose audience is the aud claim.
  const audRow = (id: string, title: string, aud: (t: Target) => unknown) =>
    add(
      SECTIONS.audience,
      id,
      title,
      'invalid_audience',
      401,
      (t) => mint(t, { claims: { aud: aud(t) } }),
      (t) => t.audience.claim === 'aud',
    )
  audRow('aud-empty-array', 'aud []', () => [])
  audRow('aud-other', 'aud another API', () => 'https://attacker.example/api')
  audRow('aud-other-array', 'aud [another API]', () => ['https://attacker.example/api'])
  audRow('aud-missing', 'no aud', () => undefined)
  audRow('aud-case', 'aud in another letter case', (t) => t.audience.value.toUpperCase())
  audRow('aud-trailing-slash', 'aud with a trailing slash', (t) => `${t.audience.value}/`)
  audRow('aud-null', 'aud null', () => null)
  audRow('aud-object', 'aud as an object', (t) => ({ [t.audience.value]: true }))
  audRow('aud-nested-array', 'aud [[right]]', (t) => [[t.audience.value]])
  audRow('aud-right-and-number', 'aud [right, 42] (an entry that is not a string)', (t) => [
    t.audience.value,
    42,
  ])
  audRow(
    'aud-prefix',
    'aud with the right value as a prefix',
    (t) => `${t.audience.value}.attacker.example`,
  )
  audRow(
    'aud-joined',
    'aud as the right value and another joined by a space',
    (t) => `${t.audience.value} https://attacker.example/api`,
  )
  // client_id: Cognito access tokens carry no aud; the app client is in client_id.
  const clientRow = (id: string, title: string, clientId: (t: Target) => unknown) =>
    add(
      SECTIONS.audience,
      id,
      title,
      'invalid_audience',
      401,
      (t) => mint(t, { claims: { client_id: clientId(t) } }),
      (t) => t.audience.claim === 'client_id',
    )
  clientRow(
    'client-id-other',
    'client_id of another app client',
    () => 'anotherappclient1234567890',
  )
  clientRow('client-id-missing', 'no client_id', () => undefined)
  clientRow('client-id-array', 'client_id as [right]', (t) => [t.audience.value])
  clientRow('client-id-case', 'client_id in another letter case', (t) => swapCase(t.audience.value))

  // iss: an exact, case-sensitive string match.
  const issRow = (id: string, title: string, iss: (t: Target) => unknown) =>
    add(SECTIONS.issuer, id, title, 'invalid_issuer', 401, (t) =>
      mint(t, { claims: { iss: iss(t) } }),
    )
  issRow('iss-upper-case', 'iss with the host upper-cased', (t) =>
    t.issuer.replace(/^https:\/\/([^/]+)/, (_, host: string) => `https://${host.toUpperCase()}`),
  )
  issRow('iss-scheme-case', 'iss with "HTTPS://"', (t) => t.issuer.replace(/^https:/, 'HTTPS:'))
  issRow('iss-trailing-slash', 'iss with a trailing slash added or removed', (t) =>
    t.issuer.endsWith('/') ? t.issuer.slice(0, -1) : `${t.issuer}/`,
  )
  issRow(
    'iss-double-slash',
    'iss with a doubled trailing slash',
    (t) => `${t.issuer.replace(/\/$/, '')}//`,
  )
  issRow('iss-http', 'iss over http', (t) => t.issuer.replace(/^https:/, 'http:'))
  issRow('iss-port', 'iss with an explicit :443', (t) =>
    t.issuer.replace(/^(https:\/\/[^/]+)/, '$1:443'),
  )
  issRow('iss-cyrillic', 'iss with a Cyrillic look-alike letter', (t) =>
    lookalike(t.issuer, 'o', '\u043e'),
  )
  issRow('iss-fullwidth', 'iss with a fullwidth look-alike letter', (t) =>
    lookalike(t.issuer, 'e', '\uff45'),
  )
  issRow('iss-punycode', 'iss with the look-alike host in punycode', (t) =>
    t.issuer.replace(/^https:\/\/[^.]+/, 'https://xn--80ak6aa92e'),
  )
  issRow('iss-zero-width', 'iss with a zero-width space', (t) =>
    t.issuer.replace('://', '://\u200b'),
  )
  issRow('iss-whitespace', 'iss with a trailing space', (t) => `${t.issuer} `)
  issRow('iss-nul', 'iss with a trailing NUL', (t) => `${t.issuer}\u0000`)
  issRow('iss-percent', 'iss with a percent-encoded character', (t) =>
    t.issuer.replace(/\.(?=[^.]*$)/, '%2E'),
  )
  issRow('iss-array', 'iss as [right]', (t) => [t.issuer])
  issRow('iss-missing', 'no iss', () => undefined)
  issRow(
    'iss-suffix',
    'iss with the right value as a prefix',
    (t) => `${t.issuer.replace(/\/$/, '')}.attacker.example/`,
  )

  // Size: the limit is checked before anything is parsed.
  add(
    SECTIONS.size,
    'size-just-over',
    'a valid token 1-2 bytes over maxTokenBytes',
    'malformed_token',
    401,
    (t) => paddedToken(t, t.maxTokenBytes, (pad) => mint(t, { claims: { pad } })).over,
  )
  add(
    SECTIONS.size,
    'size-just-under-bad-signature',
    'a token just under maxTokenBytes with a bad signature (parsed, then refused)',
    'invalid_signature',
    401,
    (t) =>
      paddedToken(t, t.maxTokenBytes, (pad) =>
        mint(t, { claims: { pad }, key: t.otherIssuerKey, header: { kid: t.key.kid } }),
      ).under,
  )
  add(SECTIONS.size, 'size-huge', 'a 1 MiB token', 'malformed_token', 401, (t) =>
    mint(t, { claims: { pad: 'x'.repeat(1 << 20) } }),
  )
  add(SECTIONS.size, 'size-many-dots', '100,000 dots', 'malformed_token', 401, () =>
    '.'.repeat(100_000),
  )

  // Substitution: a valid token of another target's issuer.
  for (const other of targets) {
    add(
      SECTIONS.cross,
      `from-${other.name}`,
      `a valid ${other.name} token`,
      'invalid_issuer',
      401,
      () => mint(other),
      (t) => t.issuer !== other.issuer,
    )
  }
  return rows
}

/** Tokens the rules accept: each pins a rule that SECURITY.md states. */
export function acceptedRows(): readonly AcceptedRow[] {
  return [
    { id: 'valid', title: 'a valid token', rule: 'the baseline', build: (t) => mint(t) },
    {
      id: 'aud-array-with-right-value',
      title: 'aud [another API, right, another]',
      rule: 'aud arrays: accepted when any entry is an accepted audience (RFC 7519 §4.1.3)',
      applies: (t) => t.audience.claim === 'aud',
      build: (t) =>
        mint(t, {
          claims: {
            aud: ['https://other.example/api', t.audience.value, 'https://third.example/'],
          },
        }),
    },
    {
      id: 'size-at-limit',
      title: 'a valid token just under maxTokenBytes',
      rule: 'maxTokenBytes is inclusive',
      build: (t) => paddedToken(t, t.maxTokenBytes, (pad) => mint(t, { claims: { pad } })).under,
    },
    {
      id: 'exp-float',
      title: 'exp a float in the future',
      rule: 'NumericDate may be non-integer (RFC 7519 §2)',
      build: (t) => mint(t, { claims: { exp: now() + 600.25 } }),
    },
    {
      id: 'exp-within-tolerance',
      title: 'exp 2 s ago (within the 5 s tolerance)',
      rule: 'clockTolerance applies to exp, nbf and iat',
      build: (t) => mint(t, { claims: { exp: now() - 2 } }),
    },
    {
      id: 'proto-claim',
      title: 'a "__proto__" claim',
      rule: 'claims are data: a __proto__ member is an own property and pollutes nothing',
      build: (t) =>
        signRaw(
          t,
          JSON.stringify(t.header()),
          jsonWith(t.claims(), '"__proto__":{"polluted":true}'),
        ),
    },
    {
      id: 'ps256-unbound-key',
      title: 'PS256 on an RSA key published without alg',
      rule: 'a key without alg serves every allowed algorithm its type fits',
      applies: (t) => t.unboundRsaKey !== undefined,
      build: (t) => {
        const rsa = t.unboundRsaKey as NonNullable<Target['unboundRsaKey']>
        return forgeToken({
          header: { alg: 'PS256', kid: rsa.kid },
          payload: t.claims(),
          key: rsa,
          alg: 'PS256',
        })
      },
    },
    {
      id: 'exp-far-future',
      title: 'exp 100 years ahead, signed by the issuer',
      rule: 'core does not cap token lifetime (the providers do: maxTokenLifetime); cap it with validate if needed',
      build: (t) => mint(t, { claims: { exp: now() + 100 * 365 * 86_400 } }),
    },
    {
      id: 'unknown-header-parameters',
      title: 'header parameters cloudauth does not know (x5t, a private one)',
      rule: 'unknown header parameters are ignored (RFC 7515 §4); only crit could make them binding',
      build: (t) => mint(t, { header: { x5t: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA', 'x-trace': 1 } }),
    },
    {
      id: 'ecdsa-other-spelling',
      title: 'ES256 signature (r, n - s)',
      rule: 'ECDSA is malleable: never use the token string as a replay key',
      applies: (t) => t.ecKey !== undefined,
      build: (t) => {
        const [header, payload, signature] = segments(
          mint(t, { key: t.ecKey as NonNullable<Target['ecKey']> }),
        )
        return `${header}.${payload}.${b64url(otherSpelling(Buffer.from(signature, 'base64url')))}`
      },
    },
    {
      id: 'es256',
      title: 'ES256 with the EC key',
      rule: 'the baseline for the ECDSA rows',
      applies: (t) => t.ecKey !== undefined,
      build: (t) => mint(t, { key: t.ecKey as NonNullable<Target['ecKey']> }),
    },
  ]
}

const RSA_ENCODING_NAMES = [
  'PEM (SPKI)',
  'PEM (SPKI) without the final newline',
  'DER (SPKI)',
  'JWK JSON as published',
  'X.509 certificate PEM',
  'PEM (PKCS#1)',
  'DER (PKCS#1)',
  'JWK JSON, required members only',
  'n only (base64url text)',
  'n only (bytes)',
] as const
const EC_ENCODING_NAMES = [
  'PEM (SPKI)',
  'PEM (SPKI) without the final newline',
  'DER (SPKI)',
  'JWK JSON as published',
  'X.509 certificate PEM',
  'JWK JSON, required members only',
  'x only (base64url text)',
  'uncompressed point (0x04 || x || y)',
] as const
const ES256_SIGNATURE_NAMES = badEs256Signatures(new Uint8Array(64)).map((s) => s.name)

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

function swapCase(text: string): string {
  // ASCII only: kids and client ids are ASCII.
  return text.replace(/[a-z]/gi, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()))
}

/** Replaces the last `letter` of the host with a look-alike. */
function lookalike(issuer: string, letter: string, replacement: string): string {
  const host = /^https:\/\/([^/]+)/.exec(issuer)?.[1] ?? ''
  const at = host.lastIndexOf(letter)
  if (at === -1) return `${issuer}${replacement}`
  const spoofed = `${host.slice(0, at)}${replacement}${host.slice(at + 1)}`
  return issuer.replace(host, spoofed)
}

function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')
}

/** The same bytes spelled with non-zero pad bits in the last character (RFC 4648 §3.5). */
function nonCanonical(segment: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const rest = segment.length % 4
  if (rest === 0) throw new Error('segment has no pad bits')
  const last = alphabet.indexOf(segment.charAt(segment.length - 1))
  // Bit 0 of the last character is a pad bit whether 2 or 4 bits pad (length 3 or 2 mod 4).
  return `${segment.slice(0, -1)}${alphabet.charAt(last | 1)}`
}
