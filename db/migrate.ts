import { sql } from 'kysely'
import { Migrator, type MigrationResultSet } from 'kysely/migration'
import type { Database } from './database.ts'
import { migrations } from './migrations/index.ts'

function migrator(db: Database): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } })
}

export async function migrateToLatest(db: Database): Promise<MigrationResultSet> {
  const result = await migrator(db).migrateToLatest()
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed`, {
      cause: result.error,
    })
  }
  return result
}

/** Reachable and fully migrated: what /readyz reports. */
export async function checkDatabaseReady(db: Database): Promise<{ ok: boolean; reason?: string }> {
  try {
    await sql`select 1`.execute(db)
    const known = await migrator(db).getMigrations()
    const pending = known.filter((m) => !m.executedAt)
    if (pending.length > 0) return { ok: false, reason: `${pending.length} migration(s) pending` }
    return { ok: true }
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'database unreachable' }
  }
}
