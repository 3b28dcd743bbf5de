/**
 * The single list of test projects: one per package and example.
 * vitest 4 reads projects from `test.projects`; `vitest.config.ts` imports this list.
 */
import type { TestProjectInlineConfiguration } from 'vitest/config'

const project = (
  name: string,
  root: string,
  extra: Partial<TestProjectInlineConfiguration['test']> = {},
): TestProjectInlineConfiguration => ({
  extends: true,
  test: { name, root, include: ['test/**/*.test.ts'], ...extra },
})

export default [
  project('core', 'packages/core'),
  project('testing', 'packages/testing'),
  project('cognito', 'packages/cognito'),
  project('auth0', 'packages/auth0'),
  project('firebase', 'packages/firebase'),
  project('hono', 'packages/hono'),
  project('express', 'packages/express'),
  project('example-hono', 'examples/hono'),
  project('example-express', 'examples/express'),
] satisfies TestProjectInlineConfiguration[]
