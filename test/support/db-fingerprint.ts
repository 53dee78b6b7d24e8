import { type RawBuilder, sql } from 'kysely'
import type { Database } from '#db/database.ts'

/** A row as text; sessions without the time they were last seen (see below). */
function rowText(table: string): RawBuilder<string> {
  // Any request with a session cookie may note when the session was last seen (at most once a
  // minute, for the staff idle limit): a sign of use, not a change the request made.
  return table === 'sessions' ? sql`(to_jsonb(t) - 'last_seen_at')::text` : sql`t::text`
}

async function baseTables(db: Database): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db)
  return rows.map((row) => row.table_name)
}

/** `count:md5` of the rows of `table` that `where` (about alias `t`) lets through. */
async function digestOf(db: Database, table: string, where: RawBuilder<boolean>): Promise<string> {
  const row = rowText(table)
  const { rows } = await sql<{ n: number; digest: string | null }>`
    select count(*)::int as n, md5(string_agg(${row}, '|' order by ${row})) as digest
    from ${sql.table(table)} t where ${where}`.execute(db)
  return `${rows[0]?.n ?? 0}:${rows[0]?.digest ?? ''}`
}

/**
 * Row count and checksum of every table: equal fingerprints before and after a request prove
 * it changed nothing anywhere (not only in the table it aimed at).
 */
export async function databaseFingerprint(db: Database): Promise<Record<string, string>> {
  const fingerprint: Record<string, string> = {}
  for (const table of await baseTables(db)) {
    fingerprint[table] = await digestOf(db, table, sql<boolean>`true`)
  }
  return fingerprint
}

/**
 * Row count and checksum, per table, of one customer's rows: the customer, every row with their
 * `customer_id`, and every row that points (by a foreign key) at one of those, such as an
 * order's lines or a ticket's messages. Found from the schema, so a new table is covered without
 * a change here. Equal before and after proves a request changed nothing of that customer's,
 * while another customer's rows may change (an unsubscribe link acting for its own customer).
 * `except` leaves tables out, e.g. `sessions` where signing this browser in or out is expected.
 */
export async function customerFingerprint(
  db: Database,
  customerId: string,
  options: { except?: string[] } = {},
): Promise<Record<string, string>> {
  const { rows: columns } = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where table_schema = current_schema() and column_name = 'customer_id'`.execute(db)
  const owned = new Set(columns.map((column) => column.table_name))
  const { rows: keys } = await sql<{
    child: string
    column: string
    parent: string
    parent_column: string
  }>`
    select child.relname as child, a.attname as column, parent.relname as parent,
      pa.attname as parent_column
    from pg_constraint c
    join pg_class child on child.oid = c.conrelid
    join pg_class parent on parent.oid = c.confrelid
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    join pg_attribute pa on pa.attrelid = c.confrelid and pa.attnum = c.confkey[1]
    where c.contype = 'f' and cardinality(c.conkey) = 1
      and c.connamespace = (select oid from pg_namespace where nspname = current_schema())
    order by 1, 2`.execute(db)

  const isOwner = (table: string) => table === 'customers' || owned.has(table)
  const ownRows = (table: string) =>
    table === 'customers'
      ? sql<boolean>`${sql.ref(`${table}.id`)} = ${customerId}`
      : sql<boolean>`${sql.ref(`${table}.customer_id`)} = ${customerId}`

  const fingerprint: Record<string, string> = {}
  for (const table of await baseTables(db)) {
    if (options.except?.includes(table)) continue
    let where: RawBuilder<boolean> | null = null
    if (table === 'customers') where = sql<boolean>`t.id = ${customerId}`
    else if (owned.has(table)) where = sql<boolean>`t.customer_id = ${customerId}`
    else {
      const links = keys
        .filter((key) => key.child === table && isOwner(key.parent))
        .map(
          (key) =>
            sql<boolean>`${sql.ref(`t.${key.column}`)} in (select ${sql.ref(
              `${key.parent}.${key.parent_column}`,
            )} from ${sql.table(key.parent)} where ${ownRows(key.parent)})`,
        )
      if (links.length > 0) where = sql<boolean>`(${sql.join(links, sql` or `)})`
    }
    if (where) fingerprint[table] = await digestOf(db, table, where)
  }
  return fingerprint
}
