import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { beforeAll, describe, expect, it } from 'vitest'

// @cloudauth/express and express-oauth2-jwt-bearer both declare `Express.Request.auth`, with
// different types. This type test compiles an app that uses both, as one migrating route by route
// does, against @cloudauth/express's declaration files as published (emitted here from its
// sources), and checks the migration path packages/express/README.md documents.

const root = fileURLToPath(new URL('../../../', import.meta.url))
const here = fileURLToPath(new URL('.', import.meta.url))
const published = join(root, 'packages/express/.types-under-test')

/** The app: the old middleware on one route, cloudauth on the next. */
function app(firstImport: 'cloudauth' | 'jwt-bearer'): string {
  const cloudauth = "import { cloudauth } from '@cloudauth/express'"
  const bearer = "import { auth as jwtBearer, type AuthResult } from 'express-oauth2-jwt-bearer'"
  return `
${firstImport === 'cloudauth' ? `${cloudauth}\n${bearer}` : `${bearer}\n${cloudauth}`}
import express, { type Request } from 'express'
import { auth0 } from '@cloudauth/auth0'

const auth = cloudauth(auth0({ domain: 'acme.eu.auth0.com', audience: 'https://api.acme.test' }))
const users = auth.scope(['read:users'])
const legacy = jwtBearer({ issuerBaseURL: 'https://acme.eu.auth0.com/', audience: 'https://api.acme.test' })
// Routes still on express-oauth2-jwt-bearer read its result through this, whichever library
// TypeScript took req.auth's type from.
const legacyAuth = (req: Request): AuthResult | undefined =>
  (req as { auth?: unknown }).auth as AuthResult | undefined

const app = express()
app.get('/old', legacy, (req, res) => {
  const sub: string | undefined = legacyAuth(req)?.payload.sub
  res.json({ sub })
})
app.get('/new', users, (req, res) => {
  // The middleware's own accessor: typed with the provider's claims, never through req.auth.
  const claims = users.get(req).claims
  const azp: string | undefined = claims.azp
  res.json({ sub: claims.sub, azp })
})
`
}

const baseOptions = (): ts.CompilerOptions => {
  const file = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path))
  const parsed = ts.parseJsonConfigFileContent(file.config, ts.sys, root)
  return { ...parsed.options, noEmit: true, types: ['node'] }
}

/** @cloudauth/express's .d.ts files, as `pnpm build` would publish them: path -> text. */
const declarations = new Map<string, string>()

function emitDeclarations(): void {
  const options: ts.CompilerOptions = {
    ...baseOptions(),
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    // The sources are type-checked by the repository's typecheck; here only their declarations.
    noCheck: true,
    declarationMap: false,
    sourceMap: false,
    rootDir: join(root, 'packages/express/src'),
    outDir: published,
  }
  const program = ts.createProgram([join(root, 'packages/express/src/index.ts')], options)
  const result = program.emit(undefined, (path, text) => declarations.set(path, text))
  expect(result.diagnostics).toEqual([])
  expect(declarations.has(join(published, 'index.d.ts'))).toBe(true)
}

const parsed = new Map<string, ts.SourceFile>()

/**
 * Builds one program with the apps (named file -> source) against the published declarations, and
 * returns the diagnostics of the apps and of the two libraries' declaration files only (checking
 * every other library's declarations would only make it slow). Parsed files are shared between
 * programs.
 */
function check(apps: Readonly<Record<string, string>>): string[] {
  const files = new Map(Object.entries(apps).map(([name, text]) => [join(here, name), text]))
  const options: ts.CompilerOptions = {
    ...baseOptions(),
    skipLibCheck: false,
    // The package as an app installs it: its declaration files, not its sources.
    paths: { '@cloudauth/express': [join(published, 'index.d.ts')] },
  }
  const host = ts.createCompilerHost(options)
  const virtual = (path: string) => files.get(path) ?? declarations.get(path)
  const fileExists = host.fileExists.bind(host)
  const readFile = host.readFile.bind(host)
  const getSourceFile = host.getSourceFile.bind(host)
  const directoryExists =
    host.directoryExists?.bind(host) ?? ((path: string) => ts.sys.directoryExists(path))
  host.fileExists = (path) => virtual(path) !== undefined || fileExists(path)
  host.readFile = (path) => virtual(path) ?? readFile(path)
  host.directoryExists = (path) => path === published || directoryExists(path)
  host.getSourceFile = (path, language, ...rest) => {
    const text = files.get(path)
    if (text !== undefined) return ts.createSourceFile(path, text, language)
    const cached = parsed.get(path)
    if (cached !== undefined) return cached
    const declaration = declarations.get(path)
    const file =
      declaration === undefined
        ? getSourceFile(path, language, ...rest)
        : ts.createSourceFile(path, declaration, language)
    if (file !== undefined) parsed.set(path, file)
    return file
  }
  const program = ts.createProgram([...files.keys()], options, host)
  const watched = program
    .getSourceFiles()
    .filter(
      (file) =>
        files.has(file.fileName) ||
        file.fileName.startsWith(published) ||
        file.fileName.includes('/express-oauth2-jwt-bearer/'),
    )
  return watched.flatMap((file) =>
    [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map(
      (diagnostic) =>
        `TS${diagnostic.code} ${file.fileName.startsWith(published) ? '@cloudauth/express' : files.has(file.fileName) ? file.fileName.slice(here.length) : 'express-oauth2-jwt-bearer'}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`,
    ),
  )
}

describe('@cloudauth/express beside express-oauth2-jwt-bearer (both declare Request.auth)', () => {
  beforeAll(() => emitDeclarations(), 60_000)

  it('the app compiles; the clash is one TS2717 in a declaration file, which skipLibCheck skips', () => {
    const wrong = app('cloudauth').replace('legacyAuth(req)?.payload.sub', 'req.auth?.payload.sub')
    const diagnostics = check({ 'app.ts': app('cloudauth'), 'wrong.ts': wrong })
    expect(diagnostics).toHaveLength(2)
    // The second declaration loaded (here express-oauth2-jwt-bearer's) carries the clash.
    expect(diagnostics).toContainEqual(
      expect.stringMatching(
        /^TS2717 express-oauth2-jwt-bearer: Subsequent property declarations must have the same type\. {2}Property 'auth' must be of type 'VerifiedToken/,
      ),
    )
    // Reading the old library's result through req.auth is caught; its accessor is the path.
    expect(diagnostics).toContainEqual(
      expect.stringMatching(/^TS2339 wrong\.ts: Property 'payload' does not exist/),
    )
  }, 60_000)

  it('imported the other way round, the clash moves to our declaration file; the app still compiles', () => {
    const diagnostics = check({ 'app.ts': app('jwt-bearer') })
    expect(diagnostics).toHaveLength(1)
    expect(diagnostics[0]).toMatch(
      /^TS2717 @cloudauth\/express: Subsequent property declarations must have the same type\. {2}Property 'auth' must be of type 'VerifyJwtResult/,
    )
  }, 60_000)
})
