import { type RawBuilder, sql } from 'kysely'

// Keyset pagination: a page ends at its last row, and the next page asks for the rows after it
// in the list's order (`time desc, id desc`). Unlike OFFSET it stays fast deep into a list and
// never repeats or skips rows while new ones arrive.
//
// The cursor carries the row's time exactly as stored, to the microsecond. A JavaScript Date
// keeps only milliseconds; comparing with a rounded time would show a row twice or skip one.

export interface Cursor {
  /** The row's time as exact UTC text with microseconds, e.g. 2026-11-23T10:00:00.123456Z */
  at: string
  /** The row's id: a uuid, or a bigint as text. */
  id: string
}

const EXACT_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/
const ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{1,19})$/i

/** Select this next to a list's rows, so each row can become the cursor of the next page. */
export function exactTime(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
}

/**
 * Rows that come after the cursor in `time desc, id desc` order. A row comparison, so a
 * (customer_id, time desc, id desc) index serves it.
 */
export function afterCursor(
  timeColumn: string,
  idColumn: string,
  cursor: Cursor,
): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(timeColumn)}, ${sql.ref(idColumn)}) < (${cursor.at}::timestamptz, ${cursor.id})`
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at}|${cursor.id}`).toString('base64url')
}

/** Null for anything malformed: a tampered cursor shows the first page, never an error. */
export function decodeCursor(value: string | null | undefined): Cursor | null {
  if (!value || value.length > 200) return null
  const [at, id, extra] = Buffer.from(value, 'base64url').toString('utf8').split('|')
  if (extra !== undefined || !at || !id || !EXACT_UTC.test(at) || !ID.test(id)) return null
  return Number.isNaN(Date.parse(at)) ? null : { at, id }
}

/**
 * A page from `size + 1` rows (the extra one tells whether a next page exists). Rows carry
 * `cursorAt` (select `exactTime(column).as('cursorAt')`); the items come back without it.
 */
export function pageOf<T extends { cursorAt: string; id: string | number }>(
  rows: T[],
  size: number,
) {
  const shown = rows.slice(0, size)
  const last = shown.at(-1)
  return {
    items: shown.map(({ cursorAt: _cursorAt, ...item }) => item),
    nextCursor:
      rows.length > size && last ? encodeCursor({ at: last.cursorAt, id: String(last.id) }) : null,
  }
}
