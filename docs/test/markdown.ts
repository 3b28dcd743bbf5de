/** A fenced code block of a markdown document. */
export interface CodeBlock {
  /** The info string's first word: `ts`, `sh`, ... */
  readonly lang: string
  readonly code: string
}

/**
 * The fenced code blocks under one heading of a markdown document, up to the next heading of the
 * same or a higher level.
 *
 * @example
 * ```ts
 * const [install, server] = sectionBlocks(readme, '### Hono + Cognito')
 * ```
 * @throws Error when the heading is not in the document
 */
export function sectionBlocks(markdown: string, heading: string): CodeBlock[] {
  const lines = markdown.split('\n')
  const start = lines.indexOf(heading)
  if (start === -1) throw new Error(`no heading ${JSON.stringify(heading)}`)
  const level = /^#+/.exec(heading)?.[0].length ?? 1
  const blocks: CodeBlock[] = []
  let fence: { lang: string; lines: string[] } | undefined
  for (const line of lines.slice(start + 1)) {
    if (fence !== undefined) {
      if (line === '```') {
        blocks.push({ lang: fence.lang, code: `${fence.lines.join('\n')}\n` })
        fence = undefined
      } else fence.lines.push(line)
      continue
    }
    const heading = /^(#+) /.exec(line)
    if (heading?.[1] !== undefined && heading[1].length <= level) break
    const open = /^```(\w*)/.exec(line)
    if (open !== null) fence = { lang: open[1] ?? '', lines: [] }
  }
  return blocks
}

/**
 * The npm packages a TypeScript module imports (bare specifiers, by package name; `node:` and
 * relative imports left out).
 *
 * @example
 * ```ts
 * importedPackages("import { z } from 'zod'\nimport x from '@a/b/c'") // ['zod', '@a/b']
 * ```
 */
export function importedPackages(code: string): string[] {
  const names = new Set<string>()
  for (const match of code.matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)) {
    const specifier = match[1] ?? ''
    if (specifier.startsWith('.') || specifier.startsWith('node:')) continue
    const parts = specifier.split('/')
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? ''))
  }
  return [...names]
}
