import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { cognito } from '@cloudauth/cognito'
import { cognitoHostedUi, type LoginIssuer } from '@cloudauth/login'
import type { AppUrls, ExampleIssuer } from './example-issuer.js'

const require = createRequire(import.meta.url)
const START = join(dirname(require.resolve('cognito-local/package.json')), 'lib/bin/start.js')
const USER = { username: 'alice@example.com', password: 'Passw0rd!local' }

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port)
        else reject(new Error('no free port'))
      })
    })
  })
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
  await exited
  clearTimeout(timer)
}

/** Spawns cognito-local in `dir` on a free port of 127.0.0.1; resolves once it answers `/health`. */
async function spawnEmulator(dir: string): Promise<{ child: ChildProcess; endpoint: string }> {
  // Another process may take the probed port before the emulator binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const endpoint = `http://127.0.0.1:${port}`
    await mkdir(join(dir, '.cognito'), { recursive: true })
    await writeFile(
      join(dir, '.cognito', 'config.json'),
      JSON.stringify({ TokenConfig: { IssuerDomain: endpoint } }),
    )
    const child = spawn(process.execPath, [START], {
      cwd: dir,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const output: string[] = []
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString())
      if (output.length > 50) output.shift()
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    let exited = false
    child.once('exit', () => (exited = true))
    const deadline = Date.now() + 15_000
    while (!exited && Date.now() < deadline) {
      try {
        if ((await fetch(`${endpoint}/health`, { redirect: 'manual' })).ok)
          return { child, endpoint }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await stopChild(child)
    if (!exited) throw new Error(`cognito-local did not start:\n${output.join('')}`)
  }
  throw new Error('cognito-local could not bind a free port')
}

/** One call of cognito-local's Cognito API (AWS JSON 1.1, which it does not sign-check). */
async function cognitoApi(
  endpoint: string,
  operation: string,
  body: object,
): Promise<Record<string, unknown>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  })
  const json = (await response.json()) as Record<string, unknown>
  if (response.status !== 200) throw new Error(`cognito-local ${operation}: ${response.status}`)
  return json
}

/**
 * cognito-local (an offline Cognito user pool emulator) with a pool, an app client whose callback
 * is the app's, and one confirmed user. Its Hosted UI is a user name and password form. It
 * implements authorize, token and refresh, but no `/logout`, `/oauth2/revoke` or
 * `/oauth2/userInfo`: the login issuer here leaves logout and revocation out (the app still
 * clears its session), and its ID tokens carry no `nonce`.
 */
export async function startCognitoLocalIssuer(app: AppUrls): Promise<ExampleIssuer> {
  const dir = await mkdtemp(join(tmpdir(), 'cloudauth-example-cognito-local-'))
  let running: { child: ChildProcess; endpoint: string } | undefined
  try {
    running = await spawnEmulator(dir)
    const { endpoint } = running
    const pool = await cognitoApi(endpoint, 'CreateUserPool', { PoolName: 'login-example' })
    const userPoolId = (pool['UserPool'] as { Id: string }).Id
    const client = await cognitoApi(endpoint, 'CreateUserPoolClient', {
      UserPoolId: userPoolId,
      ClientName: 'web',
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: [app.callback],
    })
    const clientId = (client['UserPoolClient'] as { ClientId: string }).ClientId
    await cognitoApi(endpoint, 'AdminCreateUser', {
      UserPoolId: userPoolId,
      Username: USER.username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: USER.username },
        { Name: 'email_verified', Value: 'true' },
      ],
    })
    await cognitoApi(endpoint, 'AdminSetUserPassword', {
      UserPoolId: userPoolId,
      Username: USER.username,
      Password: USER.password,
      Permanent: true,
    })
    const hosted = cognitoHostedUi({ domain: endpoint, issuer: `${endpoint}/${userPoolId}` })
    const login: LoginIssuer = {
      ...hosted,
      async metadata(http) {
        const metadata = { ...(await hosted.metadata(http)) }
        delete metadata.revocation_endpoint
        return metadata
      },
      logoutUrl: () => undefined,
    }
    const child = running.child
    return {
      name: 'cognito-local',
      url: endpoint,
      login,
      clientId,
      provider: cognito({ userPoolId, clientId, endpoint, tokenUse: 'access' }),
      idTokenNonce: 'if-present',
      user: USER,
      async stop() {
        await stopChild(child)
        await rm(dir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    if (running !== undefined) await stopChild(running.child)
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}
