import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { getEnv } from '#app/lib/env.server.ts'

// Where attachment bytes live. Only this module knows it is a local folder: callers hold an
// opaque storage key, so moving to object storage later means rewriting these three functions.

export interface StoredAttachment {
  storageKey: string
  sha256: string
}

const keyPattern = /^[0-9a-f]{2}\/[0-9a-f]{32}$/

function uploadsDir(): string {
  return path.resolve(getEnv().DATA_DIR, 'uploads')
}

/** Keys come from our own database, but a path built from one is checked all the same. */
function pathFor(storageKey: string): string {
  if (!keyPattern.test(storageKey)) throw new Error('Malformed attachment storage key')
  return path.join(uploadsDir(), storageKey)
}

/**
 * Stores the bytes under a new random key; the uploader's file name never reaches the file
 * system. Written to a temporary name first, so a crash never leaves half a file under a key.
 */
export async function saveAttachment(bytes: Uint8Array): Promise<StoredAttachment> {
  const id = randomBytes(16).toString('hex')
  const storageKey = `${id.slice(0, 2)}/${id}`
  const target = pathFor(storageKey)
  await mkdir(path.dirname(target), { recursive: true })
  const temporary = `${target}.${process.pid}.partial`
  await writeFile(temporary, bytes, { flag: 'wx' })
  await rename(temporary, target)
  return { storageKey, sha256: createHash('sha256').update(bytes).digest('hex') }
}

export async function readAttachment(storageKey: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await readFile(pathFor(storageKey)))
}

/** For bytes whose database row was never committed (a refused or duplicate submission). */
export async function removeAttachment(storageKey: string): Promise<void> {
  await rm(pathFor(storageKey), { force: true })
}
