import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely'
import type { DB } from './schema.ts'

/** How one bucket counts: a free allowance, then a doubling delay up to a cap, never a lockout. */
export interface RateLimitPolicy {
  /** Attempts allowed before the first delay. */
  allowance: number
  /** The bucket is forgotten after this long without a counted attempt. */
  windowSeconds: number
  /** The delay after the last free attempt; it doubles with each further attempt. */
  baseDelaySeconds: number
  /** The longest delay, so a bucket never locks anyone out for good. */
  maxDelaySeconds: number
}

export type RateLimitHit =
  { allowed: true; hits: number; blockedUntil: Date | null } | { allowed: false; retryAt: Date }

/**
 * Counts one attempt in a bucket, atomically: a single upsert that both decides and counts, so
 * concurrent attempts (from several app instances too) are each counted and none slips past a
 * read-then-write gap. An attempt made while the bucket waits out its delay is refused and not
 * counted (the upsert's `where` leaves the row alone and returns nothing); otherwise the attempt
 * counts, and once the allowance is used up the bucket waits `base * 2^(hits - allowance)`
 * seconds, at most the cap. A bucket untouched for a whole window starts again from one.
 */
export async function hitRateLimit(
  db: Kysely<DB> | Transaction<DB>,
  options: { bucket: string; key: string; policy: RateLimitPolicy; now: Date },
): Promise<RateLimitHit> {
  const { bucket, key, policy, now } = options
  const window = sql<Date>`${now}::timestamptz + make_interval(secs => ${policy.windowSeconds})`
  // The row's hits after this attempt; written out again wherever it is needed, because the
  // expressions of one update all see the row as it was before.
  const hits = sql<number>`case when rate_limits.expires_at <= ${now}::timestamptz then 1
    else rate_limits.hits + 1 end`
  const blockedUntil = (count: RawBuilder<number>) =>
    sql<Date | null>`case when ${count} >= ${policy.allowance}
      then ${now}::timestamptz + make_interval(secs => least(
        ${policy.baseDelaySeconds}::float8
          * power(2::float8, least(${count} - ${policy.allowance}, 30)::float8),
        ${policy.maxDelaySeconds}::float8))
      end`
  const firstBlock = blockedUntil(sql<number>`1`)
  const row = await db
    .insertInto('rate_limits')
    .values({
      bucket,
      key,
      hits: 1,
      blocked_until: firstBlock,
      expires_at: sql<Date>`greatest(${window}, ${firstBlock})`,
    })
    .onConflict((conflict) =>
      conflict
        .columns(['bucket', 'key'])
        .doUpdateSet({
          hits,
          blocked_until: blockedUntil(hits),
          expires_at: sql<Date>`greatest(${window}, ${blockedUntil(hits)})`,
        })
        .where((eb) =>
          eb.or([
            eb('rate_limits.blocked_until', 'is', null),
            eb('rate_limits.blocked_until', '<=', now),
          ]),
        ),
    )
    .returning(['hits', 'blocked_until'])
    .executeTakeFirst()
  if (row) return { allowed: true, hits: row.hits, blockedUntil: row.blocked_until }

  // Refused: read when the wait ends, only to tell the client. If the row has gone or its
  // delay ended in the meantime, a second is as good an answer as any.
  const blocked = await db
    .selectFrom('rate_limits')
    .select('blocked_until')
    .where('bucket', '=', bucket)
    .where('key', '=', key)
    .executeTakeFirst()
  const soonest = new Date(now.getTime() + 1000)
  const retryAt = blocked?.blocked_until
  return { allowed: false, retryAt: retryAt && retryAt > soonest ? retryAt : soonest }
}

/** Forgets a bucket, e.g. an account's failed sign-ins once the right password arrives. */
export async function clearRateLimit(
  db: Kysely<DB> | Transaction<DB>,
  bucket: string,
  key: string,
): Promise<void> {
  await db.deleteFrom('rate_limits').where('bucket', '=', bucket).where('key', '=', key).execute()
}

/**
 * Takes back one counted attempt, e.g. a client's sign-in that turned out to be right: attempts
 * are counted before they are judged (so parallel ones cannot slip past the count), and this
 * makes the bucket count failures only. A delay already started stays.
 */
export async function refundRateLimit(
  db: Kysely<DB> | Transaction<DB>,
  bucket: string,
  key: string,
): Promise<void> {
  await db
    .updateTable('rate_limits')
    .set({ hits: sql<number>`greatest(hits - 1, 0)` })
    .where('bucket', '=', bucket)
    .where('key', '=', key)
    .execute()
}

/** Deletes the buckets whose window has ended; the number deleted. */
export async function deleteExpiredRateLimits(
  db: Kysely<DB> | Transaction<DB>,
  now: Date,
): Promise<number> {
  const result = await db
    .deleteFrom('rate_limits')
    .where('expires_at', '<=', now)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
