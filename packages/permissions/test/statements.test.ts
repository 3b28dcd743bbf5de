import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decide,
  grantStatementSchema,
  isGrantStatement,
  isRequiredStatement,
  statementCovers,
  type Grant,
} from '../src/index.js'

describe('statement grammar', () => {
  it.each(['orders:read', 'orders:*', '*', 'user.profile:read-all', 'a_b:c-d', 'X:Y'])(
    'accepts the grant %s',
    (statement) => expect(isGrantStatement(statement)).toBe(true),
  )

  it.each([
    '',
    'orders',
    'orders:',
    ':read',
    '*:read',
    'orders:read*',
    'orders*',
    'ord*rs:read',
    '**',
    'orders:read:extra',
    'orders: read',
    "orders:read'; drop table x; --",
    'orders:r\u0000',
    `${'a'.repeat(65)}:read`,
  ])('refuses the grant %j', (statement) => {
    expect(isGrantStatement(statement)).toBe(false)
    expect(grantStatementSchema.safeParse(statement).success).toBe(false)
  })

  it('requires concrete statements: no wildcard in what a route asks for', () => {
    expect(isRequiredStatement('orders:read')).toBe(true)
    expect(isRequiredStatement('orders:*')).toBe(false)
    expect(isRequiredStatement('*')).toBe(false)
    expect(isRequiredStatement('orders')).toBe(false)
  })
})

describe('statementCovers: segment by segment, never by substring (fastauth bug 3)', () => {
  it.each([
    ['*', 'orders:read', true],
    ['orders:*', 'orders:read', true],
    ['orders:read', 'orders:read', true],
    ['user:read', 'user:readAll', false],
    ['user:read', 'users:read', false],
    ['users:read', 'user:read', false],
    ['user:*', 'users:read', false],
    ['user:*', 'userx:read', false],
    ['orders:read', 'Orders:read', false],
    ['orders:rea', 'orders:read', false],
    ['rders:read', 'orders:read', false],
    ['orders:*', 'orders2:read', false],
  ] as const)('%s covers %s: %s', (pattern, required, expected) => {
    expect(statementCovers(pattern, required)).toBe(expected)
  })

  it('a malformed pattern or requirement covers nothing', () => {
    expect(statementCovers('orders*', 'orders:read')).toBe(false)
    expect(statementCovers('*', 'orders')).toBe(false)
    expect(statementCovers('*', 'orders:*')).toBe(false)
  })
})

// The reference model: a second, deliberately naive formulation of the README's rules.
function modelCovers(pattern: string, required: string): boolean {
  if (!/^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$/.test(required)) return false
  if (pattern === '*') return true
  if (pattern === required) return /^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$/.test(pattern)
  return /^[A-Za-z0-9_.-]+:\*$/.test(pattern) && required.startsWith(pattern.slice(0, -1))
}

function modelAllowed(grants: readonly Grant[], required: string, now: number): boolean {
  const active = grants.filter((g) => g.expiresAt === null || g.expiresAt.getTime() > now)
  if (active.some((g) => g.effect === 'deny' && modelCovers(g.statement, required))) return false
  return active.some((g) => g.effect === 'allow' && modelCovers(g.statement, required))
}

const resource = fc.constantFrom('user', 'users', 'userx', 'use', 'orders', 'Orders')
const action = fc.constantFrom('read', 'readAll', 'rea', 'write', 'delete')
const required = fc.tuple(resource, action).map(([r, a]) => `${r}:${a}`)
const pattern = fc.oneof(
  required,
  resource.map((r) => `${r}:*`),
  fc.constant('*'),
  fc.constantFrom('user*', '*:read', 'user:read*', 'user:re*d'),
)
const NOW = Date.UTC(2026, 0, 1)
const grant = fc.record({
  statement: pattern,
  effect: fc.constantFrom('allow' as const, 'deny' as const),
  role: fc.constantFrom('a', 'b'),
  via: fc.constant({ kind: 'user' as const }),
  expiresAt: fc.oneof(
    fc.constant(null),
    fc.integer({ min: -3_600_000, max: 3_600_000 }).map((d) => new Date(NOW + d)),
  ),
})

describe('property: decide agrees with the reference model', () => {
  it('covers exactly as the model does', () => {
    fc.assert(
      fc.property(pattern, required, (p, r) => statementCovers(p, r) === modelCovers(p, r)),
      { seed: 20261203, numRuns: 2000 },
    )
  })

  it('allows, denies (deny wins) and expires as the model does, in both modes', () => {
    fc.assert(
      fc.property(
        fc.array(grant, { maxLength: 8 }),
        fc.array(required, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('all' as const, 'any' as const),
        (grants, needed, mode) => {
          const result = decide(grants, needed, mode, NOW)
          const each = needed.map((r) => modelAllowed(grants, r, NOW))
          const expected = mode === 'all' ? each.every(Boolean) : each.some(Boolean)
          expect(result.allowed).toBe(expected)
          expect(result.decisions.map((d) => d.allowed)).toEqual(each)
          for (const d of result.decisions) {
            // The reason names a grant that really covers the statement, with the right effect.
            if (d.reason !== 'none') {
              expect(d.grant?.effect).toBe(d.reason)
              expect(statementCovers(d.grant!.statement, d.statement)).toBe(true)
            }
            for (const e of d.expired) expect(e.expiresAt!.getTime()).toBeLessThanOrEqual(NOW)
          }
        },
      ),
      { seed: 20261203, numRuns: 1000 },
    )
  })

  it('never lets a segment that merely contains another grant it', () => {
    const segment = fc.stringMatching(/^[a-z]{1,6}$/)
    fc.assert(
      fc.property(segment, segment, segment, (a, b, act) => {
        fc.pre(a !== b)
        expect(statementCovers(`${a}:${act}`, `${b}:${act}`)).toBe(false)
        expect(statementCovers(`${a}:*`, `${b}:${act}`)).toBe(false)
        expect(statementCovers(`${act}:${a}`, `${act}:${b}`)).toBe(false)
      }),
      { seed: 20261203, numRuns: 500 },
    )
  })
})

describe('decide', () => {
  const at = (
    statement: string,
    effect: 'allow' | 'deny',
    expiresAt: Date | null = null,
  ): Grant => ({
    statement,
    effect,
    role: 'r',
    via: { kind: 'user' },
    expiresAt,
  })

  it('refuses an empty requirement', () => {
    expect(decide([at('*', 'allow')], [], 'all', NOW).allowed).toBe(false)
    expect(decide([at('*', 'allow')], [], 'any', NOW).allowed).toBe(false)
  })

  it('names the deny that overrides an allow', () => {
    const result = decide(
      [at('*', 'allow'), at('orders:delete', 'deny')],
      ['orders:delete'],
      'all',
      NOW,
    )
    expect(result).toMatchObject({ allowed: false, missing: ['orders:delete'] })
    expect(result.decisions[0]).toMatchObject({
      reason: 'deny',
      grant: { statement: 'orders:delete' },
    })
  })

  it('names an expired grant, which grants nothing', () => {
    const expired = at('orders:read', 'allow', new Date(NOW - 1))
    const result = decide([expired], ['orders:read'], 'all', NOW)
    expect(result.decisions[0]).toEqual({
      statement: 'orders:read',
      allowed: false,
      reason: 'none',
      expired: [expired],
    })
  })

  it('an expired deny no longer refuses', () => {
    const result = decide(
      [at('orders:*', 'allow'), at('orders:read', 'deny', new Date(NOW))],
      ['orders:read'],
      'all',
      NOW,
    )
    expect(result.allowed).toBe(true)
  })

  it('any: allowed with one, missing is empty; all: lists what is missing', () => {
    const grants = [at('orders:read', 'allow')]
    expect(decide(grants, ['orders:read', 'orders:write'], 'any', NOW)).toMatchObject({
      allowed: true,
      missing: [],
    })
    expect(decide(grants, ['orders:read', 'orders:write'], 'all', NOW)).toMatchObject({
      allowed: false,
      missing: ['orders:write'],
    })
  })
})
