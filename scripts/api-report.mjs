#!/usr/bin/env node
// The API report: one file per published entry point (`api/<package>[-<subpath>].api.md`), made by
// API Extractor from the built declarations, so every change of the public surface shows up in
// review as a diff. `node scripts/api-report.mjs` fails when a report differs from the checked-in
// one (CI); `--update` rewrites them. Run after `pnpm build`.
/* global process, console -- Node globals; the root ESLint config defines none for .mjs */
import { readdirSync, readFileSync, existsSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const update = process.argv.includes('--update')
const reportFolder = join(root, 'api')
const tempFolder = join(root, 'node_modules', '.cache', 'api-report')
mkdirSync(reportFolder, { recursive: true })
mkdirSync(tempFolder, { recursive: true })

/** Every published package's entry points, from its `exports` map. */
function entryPoints() {
  const entries = []
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const packageJsonPath = join(root, 'packages', dir, 'package.json')
    if (!existsSync(packageJsonPath)) continue
    const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8'))
    if (pkg.private) continue
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      if (typeof target !== 'object' || target === null || typeof target.types !== 'string')
        continue
      const suffix = subpath === '.' ? '' : `-${subpath.slice(2).replaceAll('/', '-')}`
      entries.push({
        dir,
        name: pkg.name,
        subpath,
        types: target.types,
        report: `${dir}${suffix}.api.md`,
      })
    }
  }
  return entries
}

/** `@cloudauth/core`, `@cloudauth/core/binding`. */
const label = (entry) => entry.name + (entry.subpath === '.' ? '' : entry.subpath.slice(1))

let changed = 0
for (const entry of entryPoints()) {
  const projectFolder = join(root, 'packages', entry.dir)
  const config = ExtractorConfig.prepare({
    configObjectFullPath: join(projectFolder, 'api-extractor.json'),
    packageJsonFullPath: join(projectFolder, 'package.json'),
    configObject: {
      projectFolder,
      mainEntryPointFilePath: join(projectFolder, entry.types),
      compiler: { tsconfigFilePath: join(projectFolder, 'tsconfig.build.json') },
      apiReport: {
        enabled: true,
        reportFileName: entry.report,
        reportFolder,
        reportTempFolder: tempFolder,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // The report itself carries the findings worth reviewing (forgotten exports); TSDoc and
        // release-tag lint are not what this gate is for.
        extractorMessageReporting: { default: { logLevel: 'none' } },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
        compilerMessageReporting: { default: { logLevel: 'error' } },
      },
    },
  })
  const result = Extractor.invoke(config, { localBuild: update })
  if (!result.succeeded || result.apiReportChanged) {
    changed++
    const what = update ? 'updated' : 'differs from (run `pnpm api:update` and review the diff)'
    console.error(`api: ${label(entry)} ${what} api/${entry.report}`)
  } else {
    console.log(`api: ${label(entry)} matches api/${entry.report}`)
  }
}
if (changed > 0 && !update) process.exit(1)
