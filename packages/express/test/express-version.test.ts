import { describe, it, expect } from 'vitest'
import express from 'express'

// The suite runs once per Express major (projects `express` and `express-4` in
// vitest.workspace.ts). This pins that the alias really took effect: without it both runs would
// test Express 5 and pass, and Express 4 would go untested while looking covered.
describe('the Express under test', () => {
  it('is the major its project names', async () => {
    const expected = process.env['EXPRESS_MAJOR']
    expect(expected, 'EXPRESS_MAJOR is set by the project in vitest.workspace.ts').toMatch(/^[45]$/)
    const { default: pkg } = (await import('express/package.json')) as {
      default: { version: string }
    }
    expect(pkg.version.split('.')[0]).toBe(expected)
    // The same module the other tests build their apps with, not only the manifest: Express 5
    // dropped `req.param()` (removed in 5.0), so its presence tells the majors apart.
    expect('param' in express.request).toBe(expected === '4')
  })
})
