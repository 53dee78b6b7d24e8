const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Ids come from URLs; PostgreSQL rejects a malformed uuid with an error. Checking first lets a
 * malformed id answer like an unknown one (404) instead of a database error (500).
 */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value)
}
