import { AsyncLocalStorage } from 'node:async_hooks'
import type { LogEvent } from 'kysely'

// Counts the SQL statements run on behalf of one unit of work (a request, a benchmark step),
// so "how many queries does this page make" is measured, not guessed. Outside a counting
// context nothing is recorded.

interface QueryTally {
  queries: number
}

const tallies = new AsyncLocalStorage<QueryTally>()

/** Kysely's `log` hook: one call per executed query (and per failed one). */
export function tallyQuery(_event: LogEvent): void {
  const tally = tallies.getStore()
  if (tally) tally.queries += 1
}

/** Runs `work` with a fresh tally; everything it awaits counts towards it. */
export function withQueryCount<T>(work: () => T): { result: T; queries: () => number } {
  const tally: QueryTally = { queries: 0 }
  const result = tallies.run(tally, work)
  return { result, queries: () => tally.queries }
}

export async function countQueries<T>(
  work: () => Promise<T>,
): Promise<{ result: T; queries: number }> {
  const counted = withQueryCount(work)
  const result = await counted.result
  return { result, queries: counted.queries() }
}
