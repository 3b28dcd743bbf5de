import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// An app whose own tsconfig sets `customConditions: ["source"]` (a common monorepo setting) must
// not resolve our packages to their TypeScript sources and type-check them under its own flags:
// the condition that points tests at `src/` has a name no app uses.
const root = join(import.meta.dirname, '..', '..')
const packages = readdirSync(join(root, 'packages')).map((dir) => ({
  dir,
  pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >,
}))

function conditionNames(map: unknown, into: string[] = []): string[] {
  if (typeof map !== 'object' || map === null) return into
  for (const [key, value] of Object.entries(map)) {
    if (!key.startsWith('.') && !key.startsWith('#')) into.push(key)
    conditionNames(value, into)
  }
  return into
}

describe('published export conditions', () => {
  it.each(packages)(
    '$dir: no bare `source` condition; sources only under @cloudauth/source',
    ({ pkg }) => {
      const names = [...conditionNames(pkg['exports']), ...conditionNames(pkg['imports'])]
      expect(names).not.toContain('source')
      expect(names).toContain('@cloudauth/source')
      expect(names).toContain('types')
      expect(names).toContain('default')
    },
  )
})
