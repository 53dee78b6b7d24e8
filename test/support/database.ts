import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, inject } from 'vitest'
import { type Database, type OpenDatabase, openDatabase, setProcessDatabase } from '#db/database.ts'
import { adminQuery, databaseUrlFor, type TestDatabaseSource } from './database-source.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: TestDatabaseSource
  }
}

let pgliteDump: Blob | undefined

/** A fresh, migrated database of the engine this run tests, private to the caller. */
export async function createTestDatabase(): Promise<OpenDatabase> {
  const source = inject('testDatabase')
  if (source.engine === 'pglite') {
    pgliteDump ??= new Blob([readFileSync(source.dumpPath)])
    return openDatabase({ engine: 'pglite', dataDir: null, loadDataDir: pgliteDump })
  }
  const name = `${source.prefix}_${randomBytes(6).toString('hex')}`
  // Cloning fails while anything else is connected to the template; a concurrent clone by
  // another worker counts, so retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(source.serverUrl, `create database ${name} template ${source.template}`)
      break
    } catch (error) {
      if (attempt >= 20 || !String(error).includes('being accessed by other users')) throw error
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200))
    }
  }
  const open = await openDatabase({
    engine: 'postgres',
    url: databaseUrlFor(source.serverUrl, name),
    poolSize: 4,
  })
  return {
    ...open,
    close: async () => {
      await open.close()
      await adminQuery(source.serverUrl, `drop database if exists ${name} with (force)`)
    },
  }
}

/**
 * One database for the calling test file, opened before its tests and dropped after them. It
 * is also made the process's database, so loaders and actions called in the file use it.
 */
export function useTestDatabase(): {
  readonly db: Database
  readonly engine: OpenDatabase['engine']
} {
  let open: OpenDatabase | undefined
  beforeAll(async () => {
    open = await createTestDatabase()
    setProcessDatabase(open)
  })
  afterAll(async () => {
    setProcessDatabase(null)
    await open?.close()
  })
  return {
    get db() {
      if (!open) throw new Error('useTestDatabase(): the database is opened in beforeAll')
      return open.db
    },
    get engine() {
      if (!open) throw new Error('useTestDatabase(): the database is opened in beforeAll')
      return open.engine
    },
  }
}
