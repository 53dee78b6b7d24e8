import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { generateSchemaTypes } from '../codegen.ts'
import { openDatabase } from '../database.ts'
import { migrateToLatest } from '../migrate.ts'

// Migrates a throwaway in-memory database and writes the types that match it.
const { db, close } = await openDatabase({ engine: 'pglite', dataDir: null })
try {
  await migrateToLatest(db)
  const file = fileURLToPath(new URL('../schema.ts', import.meta.url))
  writeFileSync(file, await generateSchemaTypes(db))
  console.log(`Wrote ${file}`)
} finally {
  await close()
}
