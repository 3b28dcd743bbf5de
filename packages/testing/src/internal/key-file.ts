import { createPrivateKey, createPublicKey } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Algorithm } from '@cloudauth/core'
import { generateTestKey, TEST_KEY_ALGORITHMS, type TestKey } from '../keys/generate-test-key.js'
import { assembleTestKey } from './assemble-test-key.js'

interface StoredKey {
  readonly kid: string
  readonly alg: Algorithm
  readonly jwk: Record<string, unknown>
}

function isStoredKey(value: unknown): value is StoredKey {
  if (typeof value !== 'object' || value === null) return false
  const entry = value as Record<string, unknown>
  return (
    typeof entry['kid'] === 'string' &&
    TEST_KEY_ALGORITHMS.includes(entry['alg'] as Algorithm) &&
    typeof entry['jwk'] === 'object' &&
    entry['jwk'] !== null
  )
}

/**
 * Reads the dev issuer's keys from `path`, or makes one key of `alg` and writes it there (mode
 * 0600), so restarts keep the same key and apps keep their cached JWKS. The file holds a private
 * key: keep it out of version control.
 *
 * @throws Error when the file exists but is not a key file this package wrote.
 */
export async function loadOrCreateKeyFile(path: string, alg: Algorithm): Promise<TestKey[]> {
  let text: string | undefined
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  if (text !== undefined) {
    const parsed = JSON.parse(text) as { keys?: unknown }
    if (
      !Array.isArray(parsed.keys) ||
      parsed.keys.length === 0 ||
      !parsed.keys.every(isStoredKey)
    ) {
      throw new Error(`${path} is not a cloudauth-dev key file`)
    }
    return parsed.keys.map((stored: StoredKey) => {
      const privateKey = createPrivateKey({ key: stored.jwk as never, format: 'jwk' })
      return assembleTestKey(stored.alg, privateKey, createPublicKey(privateKey), {
        kid: stored.kid,
        commonName: 'cloudauth-dev',
      })
    })
  }
  const key = generateTestKey(alg, { commonName: 'cloudauth-dev' })
  const stored: StoredKey[] = [
    {
      kid: key.kid,
      alg: key.alg,
      jwk: key.privateKey.export({ format: 'jwk' }),
    },
  ]
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, `${JSON.stringify({ keys: stored }, null, 2)}\n`, {
    mode: 0o600,
    flag: 'wx',
  })
  return [key]
}
