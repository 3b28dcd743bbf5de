#!/usr/bin/env node
// The `cloudauth-dev` command. It runs the built CLI (dist/cli.js) when the package has been
// built, as it is once published. Inside the cloudauth workspace, before any build, it runs the
// TypeScript source instead, through tsx and the `source` export condition, so that pnpm can link
// this file at install time and the command works straight from a clean clone.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import process from 'node:process'
import { URL, fileURLToPath } from 'node:url'

const args = process.argv.slice(2)
const built = new URL('../dist/cli.js', import.meta.url)

if (existsSync(fileURLToPath(built))) {
  const { runCli } = await import(built.href)
  process.exitCode = await runCli(args)
} else {
  let tsx
  try {
    tsx = import.meta.resolve('tsx')
  } catch {
    process.stderr.write(
      'cloudauth-dev: dist/ is missing; build @cloudauth/testing first (pnpm build)\n',
    )
    process.exit(1)
  }
  const source = new URL('../src/cli.ts', import.meta.url).href
  const program = `const { runCli } = await import(${JSON.stringify(source)}); process.exitCode = await runCli(process.argv.slice(1))`
  const child = spawn(
    process.execPath,
    [
      '--conditions=@cloudauth/source',
      '--import',
      tsx,
      '--input-type=module',
      '-e',
      program,
      '--',
      ...args,
    ],
    { stdio: 'inherit' },
  )
  // Ctrl-C reaches the child too (same process group): let it stop the server, then exit with it.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === null ? 1 : 128)
  })
}
