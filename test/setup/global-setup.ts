import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '#db/database.ts'
import { migrateToLatest } from '#db/migrate.ts'
import {
  adminQuery,
  databaseUrlFor,
  type TestDatabaseSource,
} from '#test/support/database-source.ts'

// Migrates once per run; every test file then starts from a copy of the migrated database, so
// files never see each other's rows and no file pays for migrations.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.TEST_DATABASE_URL
  if (serverUrl) {
    const prefix = `cmr_test_${process.pid}_${Date.now().toString(36)}`
    const template = `${prefix}_template`
    await adminQuery(serverUrl, `create database ${template}`)
    const { db, close } = await openDatabase({
      engine: 'postgres',
      url: databaseUrlFor(serverUrl, template),
    })
    await migrateToLatest(db)
    await close()
    const source: TestDatabaseSource = { engine: 'postgres', serverUrl, template, prefix }
    project.provide('testDatabase', source)
    return async () => {
      const rows = await adminQuery<{ datname: string }>(
        serverUrl,
        `select datname from pg_database where datname like '${prefix}%'`,
      )
      for (const { datname } of rows) {
        await adminQuery(serverUrl, `drop database if exists ${datname} with (force)`)
      }
    }
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'cmr-test-'))
  const dumpPath = path.join(dir, 'migrated.tar')
  const { db, pglite, close } = await openDatabase({ engine: 'pglite', dataDir: null })
  await migrateToLatest(db)
  const dump = await pglite!.dumpDataDir('none')
  writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()))
  await close()
  const source: TestDatabaseSource = { engine: 'pglite', dumpPath }
  project.provide('testDatabase', source)
  return async () => rmSync(dir, { recursive: true, force: true })
}
