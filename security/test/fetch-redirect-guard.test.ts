/**
 * Every `fetch` the packages make passes `redirect: 'manual'` (SECURITY.md, issue 10 #1): a scan of
 * packages/*\/src, so code added later (login, discovery, userinfo, token endpoints) cannot forget
 * it. Each fetch site also has a behaviour test of its own (core, testing, firebase).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The source text with comments and string contents blanked (lengths kept), so only code matches. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
    .replace(
      /(^|[^:'"`\\])\/\/[^\n]*/g,
      (line, before: string) => before + ' '.repeat(line.length - before.length),
    )
}

/** The argument text of the call whose `(` is at `open`, up to its balanced `)`. */
function argumentsAt(code: string, open: number): string {
  let depth = 0
  for (let i = open; i < code.length; i++) {
    const ch = code[i]
    if (ch === '(') depth++
    else if (ch === ')' && --depth === 0) return code.slice(open + 1, i)
  }
  return code.slice(open + 1)
}

interface FetchCall {
  readonly line: number
  readonly call: string
  readonly manual: boolean
}

/** Every `fetch(` / `.fetch(` call in `text`, and whether its arguments pass `redirect: 'manual'`. */
function fetchCalls(text: string): FetchCall[] {
  const code = codeOnly(text)
  const calls: FetchCall[] = []
  for (const match of code.matchAll(/\bfetch\s*\(/g)) {
    const open = match.index + match[0].length - 1
    const args = argumentsAt(code, open)
    calls.push({
      line: code.slice(0, match.index).split('\n').length,
      call: `fetch(${args.replace(/\s+/g, ' ').slice(0, 120)})`,
      manual: /\bredirect\s*:\s*['"]manual['"]/.test(args),
    })
  }
  return calls
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(?:ts|mts|cts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : []
  })
}

describe('the redirect guard', () => {
  it('finds a fetch without redirect: manual, and accepts one with it', () => {
    const calls = fetchCalls(
      [
        `const a = await fetch(url, { headers: { accept: 'x' } })`,
        `const b = await this.io.fetch(url, {`,
        `  redirect: 'manual',`,
        `})`,
        `// fetch(url) in a comment is not a call`,
        `const c = globalThis.fetch(input, { ...init, redirect: "manual" })`,
        `const d = fetch(url, { redirect: 'follow' })`,
      ].join('\n'),
    )
    expect(calls.map((call) => [call.line, call.manual])).toEqual([
      [1, false],
      [2, true],
      [6, true],
      [7, false],
    ])
  })

  const packages = join(ROOT, 'packages')
  const files = readdirSync(packages).flatMap((name) => {
    const src = join(packages, name, 'src')
    try {
      return statSync(src).isDirectory() ? sourceFiles(src) : []
    } catch {
      return []
    }
  })

  it('scans the sources of every package', () => {
    expect(files.length).toBeGreaterThan(20)
    // The known fetch sites: the key set fetch, the default fetch wrapper, the dev CLI.
    const sites = files.filter((file) => fetchCalls(readFileSync(file, 'utf8')).length > 0)
    expect(sites.map((file) => relative(ROOT, file)).sort()).toEqual(
      expect.arrayContaining([
        'packages/core/src/keys/jwks-cache.ts',
        'packages/core/src/verify/resolve-options.ts',
        'packages/testing/src/cli.ts',
      ]),
    )
  })

  it("every fetch( in packages/*/src passes redirect: 'manual'", () => {
    const missing = files.flatMap((file) =>
      fetchCalls(readFileSync(file, 'utf8'))
        .filter((call) => !call.manual)
        .map((call) => `${relative(ROOT, file)}:${call.line}: ${call.call}`),
    )
    expect(missing).toEqual([])
  })
})
