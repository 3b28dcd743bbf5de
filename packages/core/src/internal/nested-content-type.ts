/**
 * Whether a JOSE `cty` header value names a nested JWT (RFC 7519 §5.2, §7.2 step 8).
 *
 * RFC 7515 §4.1.10: `cty` is a media type whose `application/` prefix may be left out, compared
 * case-insensitively (RFC 2045 §5.1), so `JWT`, `jwt`, `application/jwt` and `Application/JWT` are
 * one value. Media type parameters (`; charset=...`) and surrounding whitespace do not change the
 * type, and a structured `+jwt` suffix (`application/at+jwt`, RFC 6838 §4.2.8) still names a JWT.
 */
export function namesNestedJwt(cty: string): boolean {
  const semicolon = cty.indexOf(';')
  let type = (semicolon === -1 ? cty : cty.slice(0, semicolon)).trim().toLowerCase()
  if (type.startsWith('application/')) type = type.slice('application/'.length)
  return type === 'jwt' || type.endsWith('+jwt')
}
