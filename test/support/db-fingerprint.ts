import { sql } from 'kysely'
import type { Database } from '#db/database.ts'

/**
 * Row count and checksum of every table: equal fingerprints before and after a request prove
 * it changed nothing anywhere (not only in the table it aimed at).
 */
export async function databaseFingerprint(db: Database): Promise<Record<string, string>> {
  const { rows: tables } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db)
  const fingerprint: Record<string, string> = {}
  for (const { table_name } of tables) {
    // Any request with a session cookie may note when the session was last seen (at most once a
    // minute, for the staff idle limit): a sign of use, not a change the request made.
    const row = table_name === 'sessions' ? sql`(to_jsonb(t) - 'last_seen_at')::text` : sql`t::text`
    const { rows } = await sql<{ n: number; digest: string | null }>`
      select count(*)::int as n, md5(string_agg(${row}, '|' order by ${row})) as digest
      from ${sql.table(table_name)} t`.execute(db)
    fingerprint[table_name] = `${rows[0]?.n ?? 0}:${rows[0]?.digest ?? ''}`
  }
  return fingerprint
}
