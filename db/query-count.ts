import { AsyncLocalStorage } from 'node:async_hooks'
import type { LogEvent } from 'kysely'

// Counts the SQL statements run on behalf of one unit of work (a request, a benchmark step),
// so "how many queries does this page make" is measured, not guessed. Outside a counting
// context nothing is recorded.

interface QueryTally {
  queries: number
}

// server.ts (through tsx) and the Remix server build each load their own copy of this module;
// one storage on globalThis makes the server's tally see the queries the build's code runs.
const storageKey = Symbol.for('cmr-portal.query-tally')
const tallies = ((globalThis as Record<symbol, unknown>)[storageKey] ??=
  new AsyncLocalStorage<QueryTally>()) as AsyncLocalStorage<QueryTally>

// Transaction control is logged on the server but not on PGlite; counting statements only keeps
// the figures equal on both engines.
const TRANSACTION_CONTROL = /^\s*(begin|start transaction|commit|rollback|savepoint|release)\b/i

/** Kysely's `log` hook: one call per executed statement (and per failed one). */
export function tallyQuery(event: LogEvent): void {
  const tally = tallies.getStore()
  if (tally && !TRANSACTION_CONTROL.test(event.query.sql)) tally.queries += 1
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
