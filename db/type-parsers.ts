// Both engines must hand the app the same JavaScript values, or code would behave
// differently on PGlite and on the server. These are the types whose defaults differ.
const INT8 = 20
const DATE = 1082

/** bigint columns hold ids, counts and money in minor units: all far below 2^53. */
export function parseInt8(value: string): number {
  return Number(value)
}

/** A calendar date has no time zone; keep it as 'YYYY-MM-DD' rather than a local-midnight Date. */
export function parseDate(value: string): string {
  return value
}

export const typeParsers: Record<number, (value: string) => unknown> = {
  [INT8]: parseInt8,
  [DATE]: parseDate,
}
