// Keyset pagination cursors: the (timestamp, id) of the last row shown, opaque to the browser.
// Lists order by `created_at desc, id desc`; the next page asks for rows before the cursor.

export interface Cursor {
  at: Date
  id: string
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.id}`).toString('base64url')
}

/** Null for anything malformed: a tampered cursor shows the first page, never an error. */
export function decodeCursor(value: string | null | undefined): Cursor | null {
  if (!value || value.length > 200) return null
  const [iso, id] = Buffer.from(value, 'base64url').toString('utf8').split('|')
  if (!iso || !id || !/^[0-9a-f-]{36}$/i.test(id)) return null
  const at = new Date(iso)
  return Number.isNaN(at.getTime()) ? null : { at, id }
}

/** Page size plus one row fetched to know whether an older page exists. */
export function pageOf<T>(rows: T[], size: number, cursorOf: (row: T) => Cursor) {
  const items = rows.slice(0, size)
  const last = items.at(-1)
  return {
    items,
    nextCursor: rows.length > size && last ? encodeCursor(cursorOf(last)) : null,
  }
}
