import { type Database, getDatabase } from '#db/database.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { seedDemoIfNeeded } from '#db/seed/demo.ts'

/**
 * Runs before the server listens, so no request ever meets an unmigrated database. Migrating on
 * start suits one app process per database; with several replicas, run `npm run db:migrate`
 * as a release step instead.
 */
export async function prepareDatabase(): Promise<Database> {
  const db = await getDatabase()
  await migrateToLatest(db)
  await seedDemoIfNeeded(db)
  return db
}
