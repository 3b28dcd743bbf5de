/**
 * The AWS SDK is an optional peer dependency: only `@cloudauth/cognito/user-api` may load it, so
 * an app that only verifies tokens never needs it installed.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const PACKAGE = fileURLToPath(new URL('../../', import.meta.url))
const SRC = join(PACKAGE, 'src')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

describe('the SDK stays behind the user-api subpath', () => {
  it('no file outside src/user-api imports the SDK or the user API', () => {
    const offenders = files(SRC)
      .filter((path) => !relative(SRC, path).startsWith('user-api'))
      .filter((path) =>
        /from '(?:@aws-sdk\/|\.\/user-api|\.\.\/user-api)/.test(readFileSync(path, 'utf8')),
      )
      .map((path) => relative(PACKAGE, path))
    expect(offenders).toEqual([])
  })

  it("package.json: an optional peer, and the subpath exported with the root export's conditions", () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>
      peerDependencies: Record<string, string>
      peerDependenciesMeta: Record<string, { optional?: boolean }>
      dependencies: Record<string, string>
    }
    const sdk = '@aws-sdk/client-cognito-identity-provider'
    expect(pkg.peerDependencies[sdk]).toBeDefined()
    expect(pkg.peerDependenciesMeta[sdk]?.optional).toBe(true)
    expect(pkg.dependencies[sdk]).toBeUndefined()
    expect(Object.keys(pkg.exports['./user-api'] ?? {})).toEqual(
      Object.keys(pkg.exports['.'] ?? {}),
    )
    // The user API's own files import the SDK: the scan above would see a renamed import.
    expect(readFileSync(join(SRC, 'user-api/cognito-user-api.ts'), 'utf8')).toContain(
      `from '${sdk}'`,
    )
  })
})
