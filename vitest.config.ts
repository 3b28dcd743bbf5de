import { defineConfig } from 'vitest/config'
import projects from './vitest.workspace.js'

// `source` points workspace packages at their TypeScript sources, so tests need no build.
// Vitest also hands these to Node as `--conditions` for external CJS packages: with `import` among
// them, Node 20.19+ resolves `require('is-promise')` (Express 5's router) to its ESM build and
// `require(esm)` returns a namespace, breaking Express. Vite adds `import`/`require` by itself.
const conditions = ['@cloudauth/source', 'node', 'default']

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
