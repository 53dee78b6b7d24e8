import { describeTarget, openDatabase, targetFromEnv } from '../database.ts'
import { migrateToLatest } from '../migrate.ts'

const target = targetFromEnv()
const { db, close } = await openDatabase(target)
try {
  const { results = [] } = await migrateToLatest(db)
  for (const result of results) console.log(`${result.status}: ${result.migrationName}`)
  console.log(
    `${describeTarget(target)}: ${results.length === 0 ? 'already up to date' : `${results.length} migration(s) applied`}`,
  )
} finally {
  await close()
}
