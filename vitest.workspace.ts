/**
 * The single list of test projects: one per package and example.
 * vitest 4 reads projects from `test.projects`; `vitest.config.ts` imports this list.
 */
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProjectInlineConfiguration } from 'vitest/config'

const project = (
  name: string,
  root: string,
  extra: Partial<TestProjectInlineConfiguration['test']> = {},
): TestProjectInlineConfiguration => ({
  extends: true,
  test: { name, root, include: ['test/**/*.test.ts'], ...extra },
})

// The WebCrypto signature backend, which runtimes without node:crypto get through the `#crypto`
// import condition: core's whole suite runs against it too, so both paths give the same verdicts.
const webCrypto = fileURLToPath(
  new URL('./packages/core/src/internal/crypto-web.ts', import.meta.url),
)

// Express 4, installed under the alias `express4` in packages/express: the express suite runs against
// it too, with `express` resolving to its folder (so `express/...` subpaths follow), since the peer
// range promises both majors. `EXPRESS_MAJOR` lets a test check which one it really loaded.
const express4 = dirname(
  createRequire(new URL('./packages/express/package.json', import.meta.url)).resolve(
    'express4/package.json',
  ),
)

const projects: TestProjectInlineConfiguration[] = [
  project('core', 'packages/core'),
  { ...project('core-web', 'packages/core'), resolve: { alias: { '#crypto': webCrypto } } },
  project('testing', 'packages/testing'),
  project('cognito', 'packages/cognito'),
  project('auth0', 'packages/auth0'),
  project('firebase', 'packages/firebase'),
  project('principals', 'packages/principals'),
  project('env', 'packages/env'),
  project('openapi', 'packages/openapi'),
  project('hono', 'packages/hono'),
  project('express', 'packages/express', { env: { EXPRESS_MAJOR: '5' } }),
  {
    ...project('express-4', 'packages/express', { env: { EXPRESS_MAJOR: '4' } }),
    resolve: { alias: { express: express4 } },
  },
  // Permissions: one real PostgreSQL server (Debian `postgresql`, see .ci/run) and one PGlite
  // snapshot per run, shared by every test file of the project.
  project('permissions', 'packages/permissions', {
    // Opening PGlite (about 1 s from the snapshot) and a database takes longer on a busy machine.
    hookTimeout: 60_000,
    globalSetup: [
      fileURLToPath(
        new URL('./packages/permissions/test/support/global-setup.ts', import.meta.url),
      ),
    ],
  }),
  project('login', 'packages/login'),
  // The examples start PGlite (seconds on a busy machine) for their permissions.
  project('example-hono', 'examples/hono', { hookTimeout: 60_000 }),
  project('example-express', 'examples/express', { hookTimeout: 60_000 }),
  project('example-login', 'examples/login'),
  project('example-services', 'examples/services'),
  // The top README's quick starts, extracted and run over HTTP against the dev issuer.
  project('docs', 'docs', { testTimeout: 20_000, hookTimeout: 45_000 }),
  project('security', 'security'),
  { ...project('security-web', 'security'), resolve: { alias: { '#crypto': webCrypto } } },
]

export default projects
