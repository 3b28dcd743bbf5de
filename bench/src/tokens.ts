import {
  createPrivateKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  type KeyObject,
} from 'node:crypto'
import { Worker } from 'node:worker_threads'
import type { JsonWebKeySet, PublicJwk } from '@cloudauth/core'

/** The two algorithms the bench measures. */
export type BenchAlg = 'RS256' | 'ES256'

export const ISSUER = 'https://issuer.bench.example/'
export const AUDIENCE = 'https://api.bench.example'

/** A signing key the bench minted for itself (never written to disk). */
export interface BenchKey {
  readonly alg: BenchAlg
  readonly kid: string
  readonly privateKey: KeyObject
  /** PKCS#8 PEM, so worker threads can sign with the same key. */
  readonly privatePem: string
  readonly publicJwk: PublicJwk
  readonly jwks: JsonWebKeySet
}

/** RS256 with a 2048-bit key (the size Cognito, Auth0 and Google use), ES256 on P-256. */
export function generateKey(alg: BenchAlg): BenchKey {
  const { privateKey, publicKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const kid = `bench-${alg.toLowerCase()}`
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } as PublicJwk
  return {
    alg,
    kid,
    privateKey,
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    publicJwk,
    jwks: { keys: [publicJwk] },
  }
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/**
 * Claims shaped like an Auth0 access token (about 300 bytes of payload), so parsing costs what
 * it costs in production. `n` makes each token distinct.
 */
export function claimsFor(n: number, nowSeconds: number): Record<string, unknown> {
  return {
    iss: ISSUER,
    sub: `auth0|${String(n).padStart(12, '0')}`,
    aud: [AUDIENCE, 'https://issuer.bench.example/userinfo'],
    iat: nowSeconds - 10,
    exp: nowSeconds + 3600,
    azp: 'bench-client-0123456789',
    jti: randomUUID(),
    scope: 'openid profile email read:users write:users',
    permissions: ['read:users', 'write:users'],
  }
}

/** Signs one compact JWS with node:crypto (RFC 7515 §5.1). */
export function mint(
  alg: BenchAlg,
  kid: string,
  key: KeyObject,
  claims: Record<string, unknown>,
): string {
  const input = `${b64({ alg, typ: 'JWT', kid })}.${b64(claims)}`
  const signature =
    alg === 'RS256'
      ? sign('sha256', Buffer.from(input), key)
      : sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
  return `${input}.${signature.toString('base64url')}`
}

/** What a mint worker is asked to do. */
export interface MintJob {
  readonly alg: BenchAlg
  readonly kid: string
  readonly privatePem: string
  readonly from: number
  readonly count: number
  readonly nowSeconds: number
}

const WORKER = new URL('./mint-worker.ts', import.meta.url)

/** Mints `count` distinct tokens on `threads` worker threads (RSA signing is the slow part). */
export async function mintMany(
  key: BenchKey,
  count: number,
  options: { readonly threads?: number; readonly from?: number; readonly nowSeconds?: number } = {},
): Promise<string[]> {
  const threads = Math.max(1, Math.min(options.threads ?? 2, count))
  const from = options.from ?? 0
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000)
  const per = Math.ceil(count / threads)
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, i) =>
      runMintJob({
        alg: key.alg,
        kid: key.kid,
        privatePem: key.privatePem,
        from: from + i * per,
        count: Math.max(0, Math.min(per, count - i * per)),
        nowSeconds,
      }),
    ),
  )
  return parts.flat()
}

/** Runs one job on a fresh worker thread. */
export async function runMintJob(job: MintJob): Promise<string[]> {
  const minter = new Minter()
  try {
    return await minter.mint(job)
  } finally {
    await minter.close()
  }
}

/** A worker thread that mints batches on request, so minting overlaps with verifying. */
export class Minter {
  private readonly worker = startTsWorker(WORKER, undefined)
  private queue: Promise<unknown> = Promise.resolve()

  mint(job: MintJob): Promise<string[]> {
    const next = this.queue.then(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const onError = (error: Error) => reject(error)
          this.worker.once('error', onError)
          this.worker.once('message', (tokens: string[]) => {
            this.worker.off('error', onError)
            resolve(tokens)
          })
          this.worker.postMessage(job)
        }),
    )
    this.queue = next.catch(() => undefined)
    return next
  }

  async close(): Promise<void> {
    await this.worker.terminate()
  }
}

/**
 * A worker thread running a TypeScript file. Node 20 does not hand tsx's loader hooks to workers, so
 * the worker loads tsx's API first and imports the file through it.
 */
export function startTsWorker(file: URL, workerData: unknown): Worker {
  const api = import.meta.resolve('tsx/esm/api')
  const target = JSON.stringify(file.href)
  return new Worker(
    `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${target}, ${target}))`,
    { eval: true, workerData },
  )
}

/** Mints in the calling thread (what the worker runs). */
export function mintRange(job: MintJob): string[] {
  const key = createPrivateKey(job.privatePem)
  const tokens: string[] = []
  for (let i = 0; i < job.count; i++) {
    tokens.push(mint(job.alg, job.kid, key, claimsFor(job.from + i, job.nowSeconds)))
  }
  return tokens
}
