import { defineConfig } from 'vitest/config'
import projects from './vitest.workspace.js'

// `source` points workspace packages at their TypeScript sources, so tests need no build.
const conditions = ['source', 'node', 'import', 'module', 'default']

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['node'] } },
  test: {
    projects,
    typecheck: { enabled: false },
    sequence: { shuffle: false },
    testTimeout: 20_000,
  },
})
