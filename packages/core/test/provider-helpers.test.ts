import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import {
  ConfigError,
  type JwtClaims,
  type User,
  type VerifiedToken,
  type VerifierTuning,
} from '@cloudauth/core'
import {
  ConfigProblems,
  checkLifetime,
  claimNames,
  insecureUrlProblem,
  pickTuning,
  readEnv,
  requireUserId,
  tokenLifetime,
  unknownOptions,
  userFromClaims,
  userIdClaim,
} from '@cloudauth/core/provider'

afterEach(() => {
  vi.unstubAllEnvs()
})

function thrown(run: () => unknown): ConfigError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('pickTuning()', () => {
  it('copies every tuning option that is set, and nothing else', () => {
    const fetch = (() => Promise.reject(new Error('no network'))) as typeof globalThis.fetch
    const isRevoked = () => false
    const onEvent = () => undefined
    const now = () => 0
    const picked = pickTuning({
      clockTolerance: 0,
      maxTokenBytes: 4096,
      isRevoked,
      fetch,
      jwks: { timeoutMs: 1 },
      cache: false,
      onEvent,
      now,
      provider: 'not tuning',
      issuer: 'https://not.tuning/',
    } as VerifierTuning)
    expect(picked).toStrictEqual({
      clockTolerance: 0,
      maxTokenBytes: 4096,
      isRevoked,
      fetch,
      jwks: { timeoutMs: 1 },
      cache: false,
      onEvent,
      now,
    })
  })

  it('leaves unset and undefined members out', () => {
    // Plain JavaScript callers can pass undefined where the types say absent.
    const picked = pickTuning({
      clockTolerance: undefined,
      now: undefined,
    } as unknown as VerifierTuning)
    expect(picked).toStrictEqual({})
    expect(Object.keys(pickTuning({}))).toEqual([])
  })

  it('keeps the claims type of isRevoked', () => {
    interface MyClaims extends JwtClaims {
      readonly tenant: string
    }
    const picked = pickTuning<MyClaims>({ isRevoked: (verified) => verified.claims.tenant === '' })
    expectTypeOf(picked).toEqualTypeOf<VerifierTuning<MyClaims>>()
  })
})

describe('ConfigProblems', () => {
  it('does not throw without problems, and ignores undefined', () => {
    const problems = new ConfigProblems()
    problems.add('a', undefined)
    expect(problems.size).toBe(0)
    expect(() => problems.throwIfAny()).not.toThrow()
  })

  it('throws one problem as a plain ConfigError', () => {
    const problems = new ConfigProblems()
    problems.add('MY_TENANT', 'is required')
    const error = thrown(() => problems.throwIfAny())
    expect(error.option).toBe('MY_TENANT')
    expect(error.message).toBe('MY_TENANT: is required')
    expect(error.problems).toEqual(['MY_TENANT: is required'])
  })

  it('throws every problem at once, naming each option once', () => {
    const problems = new ConfigProblems()
    problems.add('A', 'is required')
    problems.add('B', 'must be a URL')
    problems.add('A', 'must be short')
    expect(problems.size).toBe(3)
    expect(problems.list.map((p) => p.option)).toEqual(['A', 'B', 'A'])
    const error = thrown(() => problems.throwIfAny())
    expect(error.option).toBe('A, B')
    expect(error.message).toBe(
      'A, B: 3 problems: A: is required; B: must be a URL; A: must be short',
    )
    expect(error.problems).toEqual(['A: is required', 'B: must be a URL', 'A: must be short'])
  })
})

describe('readEnv()', () => {
  it('trims values and treats blank as unset', () => {
    const vars = readEnv({ SET: '  value ', BLANK: '   ', EMPTY: '' })
    expect(vars.text('SET')).toBe('value')
    expect(vars.text('BLANK')).toBeUndefined()
    expect(vars.text('EMPTY')).toBeUndefined()
    expect(vars.text('MISSING')).toBeUndefined()
  })

  it('splits lists on commas, dropping blank items', () => {
    const vars = readEnv({ LIST: ' a, b ,,c, ', COMMAS: ' , ,', ONE: 'x' })
    expect(vars.list('LIST')).toEqual(['a', 'b', 'c'])
    expect(vars.list('COMMAS')).toBeUndefined()
    expect(vars.list('ONE')).toEqual(['x'])
    expect(vars.list('MISSING')).toBeUndefined()
  })

  it('reads process.env by default', () => {
    vi.stubEnv('CLOUDAUTH_READ_ENV_TEST', ' on ')
    expect(readEnv().text('CLOUDAUTH_READ_ENV_TEST')).toBe('on')
    expect(readEnv(undefined).text('CLOUDAUTH_READ_ENV_TEST')).toBe('on')
  })
})

describe('claimNames()', () => {
  it('takes one name or a list, and the fallback when unset', () => {
    expect(claimNames('scopeClaim', 'scp', ['scope'])).toEqual(['scp'])
    expect(claimNames('scopeClaim', ['scope', 'permissions'], [])).toEqual(['scope', 'permissions'])
    expect(claimNames('scopeClaim', [], ['scope'])).toEqual([])
    expect(claimNames('scopeClaim', undefined, ['scope'])).toEqual(['scope'])
  })

  it.each([[''], [['scope', '']], [42], [null], [{ name: 'scope' }]])(
    'refuses %j, naming the option',
    (value) => {
      const error = thrown(() => claimNames('groupClaim', value, []))
      expect(error.option).toBe('groupClaim')
      expect(error.message).toBe('groupClaim: must be a claim name or a list of claim names')
    },
  )

  it('collects the problem instead of throwing when given a ConfigProblems', () => {
    const problems = new ConfigProblems()
    expect(claimNames('groupClaim', [''], ['x'], problems)).toEqual([])
    expect(problems.list).toEqual([
      { option: 'groupClaim', message: 'must be a claim name or a list of claim names' },
    ])
  })
})

describe('userFromClaims()', () => {
  function verified<TClaims extends JwtClaims>(claims: TClaims): VerifiedToken<TClaims> {
    return {
      token: 'x.y.z',
      header: { alg: 'RS256' },
      claims,
      issuer: 'https://i/',
      scopes: [],
      groups: ['admin'],
    }
  }

  it('maps the OIDC standard claims', () => {
    const input = verified({
      sub: 'u1',
      email: 'ada@example.com',
      email_verified: true,
      name: 'Ada Lovelace',
      picture: 'https://example.com/ada.png',
      nickname: 'ada',
    })
    const user = userFromClaims(input, { provider: 'my-idp' })
    expect(user).toStrictEqual({
      kind: 'user',
      id: 'u1',
      email: 'ada@example.com',
      emailVerified: true,
      name: 'Ada Lovelace',
      picture: 'https://example.com/ada.png',
      groups: ['admin'],
      provider: 'my-idp',
      claims: input.claims,
    })
    expect(Object.isFrozen(user)).toBe(true)
    expectTypeOf(user).toEqualTypeOf<User<typeof input.claims>>()
  })

  it('leaves out empty values and values of the wrong type', () => {
    // A hand-made token: a verifier's provider schema would refuse a numeric sub.
    const claims = { sub: 7, email: '', email_verified: 'true', name: ['Ada'], picture: null }
    const user = userFromClaims(verified(claims as unknown as JwtClaims), { provider: 'my-idp' })
    expect(user).toStrictEqual({
      kind: 'user',
      id: '',
      groups: ['admin'],
      provider: 'my-idp',
      claims,
    })
  })

  it('takes the first non-empty username claim', () => {
    const claims = { sub: 'u1', username: '', 'cognito:username': 'ada', nickname: 'lovelace' }
    const options = { provider: 'p', usernameClaims: ['username', 'cognito:username', 'nickname'] }
    expect(userFromClaims(verified(claims), options).username).toBe('ada')
    expect(userFromClaims(verified(claims), { provider: 'p' }).username).toBeUndefined()
  })

  it("takes the provider's emailVerified over the claim", () => {
    const claims = { sub: 'u1', email_verified: 'false' }
    expect(
      userFromClaims(verified(claims), { provider: 'p', emailVerified: false }).emailVerified,
    ).toBe(false)
    expect(
      userFromClaims(verified({ sub: 'u1', email_verified: true }), {
        provider: 'p',
        emailVerified: undefined,
      }).emailVerified,
    ).toBe(true)
  })
})

describe('userFromClaims() with userId', () => {
  const verified = <TClaims extends JwtClaims>(claims: TClaims): VerifiedToken<TClaims> => ({
    token: 'x.y.z',
    header: { alg: 'RS256' },
    claims,
    issuer: 'https://i/',
    scopes: [],
    groups: [],
  })

  it('takes the id from the configured claim', () => {
    const claims = { sub: 'u1', email: 'ada@example.com' }
    expect(userFromClaims(verified(claims), { provider: 'p', userId: 'email' }).id).toBe(
      'ada@example.com',
    )
    expect(userFromClaims(verified(claims), { provider: 'p', userId: 'sub' }).id).toBe('u1')
    expect(userFromClaims(verified(claims), { provider: 'p' }).id).toBe('u1')
  })

  it('fails with invalid_claims naming the claim, never its value, when the claim is missing', () => {
    for (const claims of [{ sub: 'u1' }, { sub: 'u1', email: '' }, { sub: 'u1', email: 42 }]) {
      let error: unknown
      try {
        userFromClaims(verified(claims as JwtClaims), { provider: 'p', userId: 'email' })
      } catch (caught) {
        error = caught
      }
      expect(error).toMatchObject({ code: 'invalid_claims' })
      expect((error as Error).message).toContain('email')
      expect((error as Error).message).not.toContain('u1')
      expect((error as Error).message).not.toContain('42')
    }
  })
})

describe('requireUserId()', () => {
  it('passes a non-empty string and refuses anything else, naming the claim', () => {
    expect(() => requireUserId({ sub: 'u1' }, 'sub')).not.toThrow()
    for (const value of [undefined, '', 7, ['u1'], null]) {
      expect(() => requireUserId({ custom: value }, 'custom')).toThrow(
        /the custom claim, which identifies the user \(userId\)/,
      )
    }
  })
})

describe('userIdClaim()', () => {
  it("defaults to sub and takes a claim name; anything else is a ConfigError('userId')", () => {
    expect(userIdClaim(undefined)).toBe('sub')
    expect(userIdClaim('email')).toBe('email')
    for (const value of ['', 7, ['email'], null]) {
      expect(thrown(() => userIdClaim(value)).option).toBe('userId')
    }
    const problems = new ConfigProblems()
    expect(userIdClaim('', problems)).toBe('sub')
    expect(problems.list).toEqual([
      { option: 'userId', message: 'must be a claim name, such as sub or email' },
    ])
  })
})

describe('unknownOptions()', () => {
  it('names each unknown option and the nearest known one, never a value', () => {
    const problems = new ConfigProblems()
    unknownOptions(
      { domain: 'd', groupClaim: 'secret-value', Audience: 'a', clockTolerence: 5, zzzzzz: 1 },
      ['domain', 'audience', 'groupClaims', 'scopeClaims'],
      problems,
      'auth0()',
    )
    expect(problems.list).toEqual([
      { option: 'groupClaim', message: 'is not an option of auth0(); did you mean groupClaims?' },
      { option: 'Audience', message: 'is not an option of auth0(); did you mean audience?' },
      {
        option: 'clockTolerence',
        message: 'is not an option of auth0(); did you mean clockTolerance?',
      },
      { option: 'zzzzzz', message: 'is not an option of auth0()' },
    ])
    expect(JSON.stringify(problems.list)).not.toContain('secret-value')
  })

  it('knows every tuning option, lets undefined through, and prefixes nested names', () => {
    const problems = new ConfigProblems()
    unknownOptions(
      {
        clockTolerance: 1,
        maxTokenAge: 2,
        cache: false,
        jwks: {},
        now: Date.now,
        extra: undefined,
      },
      [],
      problems,
      'x()',
    )
    expect(problems.size).toBe(0)
    unknownOptions(
      { userPoolID: 'p' },
      ['userPoolId', 'clientId'],
      problems,
      'cognito()',
      'pools[1].',
    )
    expect(problems.list).toEqual([
      {
        option: 'pools[1].userPoolID',
        message: 'is not an option of cognito(); did you mean userPoolId?',
      },
    ])
  })
})

describe('tokenLifetime() and checkLifetime()', () => {
  it('defaults to the ceiling, takes a positive whole number, and switches off only with null', () => {
    expect(tokenLifetime(undefined, 3600)).toBe(3600)
    expect(tokenLifetime(60, 3600)).toBe(60)
    expect(tokenLifetime(null, 3600)).toBeNull()
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '60', false, 2 ** 53]) {
      expect(thrown(() => tokenLifetime(bad, 3600)).option).toBe('maxTokenLifetime')
    }
    const problems = new ConfigProblems()
    expect(tokenLifetime(false, 3600, problems)).toBe(3600)
    expect(problems.size).toBe(1)
  })

  it('refuses exp - iat over the ceiling, or exp - now without iat, and nothing else', () => {
    const now = 1_700_000_000
    expect(() => checkLifetime({ iat: now - 10, exp: now - 10 + 3600 }, 3600, now)).not.toThrow()
    expect(() => checkLifetime({ iat: now - 10, exp: now - 10 + 3601 }, 3600, now)).toThrow(
      /lives longer \(exp - iat\) than the 3600 s/,
    )
    expect(() => checkLifetime({ exp: now + 3600 }, 3600, now)).not.toThrow()
    expect(() => checkLifetime({ exp: now + 3601 }, 3600, now)).toThrow(/maxTokenLifetime/)
    expect(() => checkLifetime({ exp: now + 1e12, iat: now }, null, now)).not.toThrow()
    expect(() => checkLifetime({}, 3600, now)).toThrow(/exp claim is missing/)
    let error: unknown
    try {
      checkLifetime({ iat: 1, exp: now + 60 }, 3600, now)
    } catch (caught) {
      error = caught
    }
    expect(error).toMatchObject({ code: 'invalid_claims' })
    expect((error as Error).message).not.toContain(String(now + 60))
  })
})

describe('ConfigProblems.collect()', () => {
  it("records every problem of another factory's ConfigError, and rethrows anything else", () => {
    const problems = new ConfigProblems()
    problems.add('MY_IDP_TENANT', 'is required')
    problems.collect(() => {
      const inner = new ConfigProblems()
      inner.add('groupClaim', 'is not an option of x(); did you mean groupClaims?')
      inner.add('userId', 'must be a claim name')
      inner.throwIfAny()
    })
    problems.collect(() => {
      throw new ConfigError('audience', 'is required')
    })
    problems.collect(() => 'built')
    expect(problems.list).toEqual([
      { option: 'MY_IDP_TENANT', message: 'is required' },
      { option: 'groupClaim', message: 'is not an option of x(); did you mean groupClaims?' },
      { option: 'userId', message: 'must be a claim name' },
      { option: 'audience', message: 'is required' },
    ])
    expect(() =>
      problems.collect(() => {
        throw new TypeError('a bug')
      }),
    ).toThrow(TypeError)
  })
})

describe('insecureUrlProblem()', () => {
  it('accepts https and loopback http, as a URL or a string; a string that is no URL is named', () => {
    for (const ok of ['https://keys.example.com/jwks.json', 'http://127.0.0.1:9229/x'])
      for (const value of [ok, new URL(ok)]) expect(insecureUrlProblem(value)).toBeUndefined()
    for (const value of ['http://cognito:9229', new URL('http://example.com')])
      expect(insecureUrlProblem(value)).toMatch(/^must use https/)
    expect(insecureUrlProblem('keys.json')).toBe('must be an absolute URL')
  })
})
