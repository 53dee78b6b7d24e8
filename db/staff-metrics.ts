import { type Kysely, sql } from 'kysely'
import type { DB } from './schema.ts'
import { targetRequestKinds } from './service-targets.ts'
import { REQUEST_STATUSES_WAITING_ON_US, type RequestKind } from './requests.ts'
import type { TicketStatus } from './tickets.ts'

// Customer-side measures for supervisors: how long customers wait and how often one answer was
// enough, not how busy staff were. Every figure is an aggregate computed by the database in a
// fixed number of statements (one per group of measures), whatever the number of weeks.
//
// Weeks are ISO weeks (Monday 00:00 to Monday 00:00) in UTC, so a week means the same for every
// supervisor whatever their time zone. A ticket counts in the week its measured event happened:
// first response in the week of the first public staff answer, resolution, "one interaction" and
// the rating in the week it was resolved (or closed, if it was closed without being resolved).

export const METRICS_WEEKS = 12

const DAY_MS = 86_400_000
const WEEK_MS = 7 * DAY_MS

/** Tickets that still need something from someone. */
export const backlogStatuses = [
  'open',
  'waiting_on_customer',
] as const satisfies readonly TicketStatus[]
export type BacklogStatus = (typeof backlogStatuses)[number]

/** Ages of open tickets: under a day, 1–3 days, 3–7 days, a week or more. */
export const ageBuckets = [
  'underOneDay',
  'oneToThreeDays',
  'threeToSevenDays',
  'overSevenDays',
] as const
export type AgeBucket = (typeof ageBuckets)[number]

export interface TimeFigures {
  /** How many tickets were measured; the median and p90 are null when none were. */
  count: number
  medianSeconds: number | null
  /** 90th percentile, interpolated between neighbours as `percentile_cont` does. */
  p90Seconds: number | null
}

export interface ShareFigures {
  /** Tickets measured (the denominator); the share is null when there were none. */
  count: number
  matching: number
  share: number | null
}

export interface CsatFigures {
  rated: number
  /** Ratings of 4 or 5 stars. */
  satisfied: number
  satisfiedShare: number | null
  /** Mean stars (1–5), null without ratings. */
  average: number | null
}

export interface PeriodFigures {
  oneInteraction: ShareFigures
  firstResponse: TimeFigures
  /** Created to resolved, minus the time spent waiting on the customer. */
  resolution: TimeFigures
  csat: CsatFigures
}

export interface WeekFigures extends PeriodFigures {
  /** Monday 00:00 UTC. */
  weekStart: Date
  /** ISO 8601 week, e.g. `2026-W48`. */
  isoWeek: string
}

export interface BacklogFigures {
  byStatus: Record<BacklogStatus, Record<AgeBucket, number>>
  byAge: Record<AgeBucket, number>
  total: number
}

export interface RequestTargetFigures {
  kind: RequestKind
  /** Requests in a status where the next move is ours. */
  waiting: number
  /** Of those, past the kind's resolution target (the due date the customer sees). */
  pastTarget: number
  /** Of those, of a kind without a resolution target (never "past" anything). */
  withoutTarget: number
}

export interface StaffMetrics {
  now: Date
  /** Monday 00:00 UTC of the oldest week shown. */
  periodStart: Date
  /** Oldest first; a week without tickets is there, with null figures. */
  weeks: WeekFigures[]
  /** The whole period (all the weeks above together, not an average of weekly figures). */
  period: PeriodFigures
  backlog: BacklogFigures
  requests: { byKind: RequestTargetFigures[]; waiting: number; pastTarget: number }
}

/** Monday 00:00 UTC of the ISO week holding `instant`, as `date_trunc('week', …, 'UTC')`. */
export function isoWeekStart(instant: Date): Date {
  const day = new Date(
    Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()),
  )
  const sinceMonday = (day.getUTCDay() + 6) % 7
  return new Date(day.getTime() - sinceMonday * DAY_MS)
}

/** `2026-W48`: the ISO year is the one holding the week's Thursday. */
export function isoWeekLabel(weekStart: Date): string {
  const thursday = new Date(weekStart.getTime() + 3 * DAY_MS)
  const year = thursday.getUTCFullYear()
  const firstThursday = isoWeekStart(new Date(Date.UTC(year, 0, 4))).getTime() + 3 * DAY_MS
  const week = 1 + Math.round((thursday.getTime() - firstThursday) / WEEK_MS)
  return `${year}-W${String(week).padStart(2, '0')}`
}

function share(matching: number, count: number): number | null {
  return count === 0 ? null : matching / count
}

// Grouping sets give the weekly rows and the whole-period row (week null, grouping() = 1) from
// the same scan; percentiles of the period are not derivable from weekly ones.
const weekly = sql`grouping sets ((m.week), ())`

interface GroupRow {
  week: Date | null
  isTotal: number
}

function responseFigures(db: Kysely<DB>, from: Date, to: Date) {
  const measured = db
    .selectFrom('tickets')
    .select([
      sql<Date>`date_trunc('week', first_response_at, 'UTC')`.as('week'),
      sql<number>`extract(epoch from first_response_at - created_at)::float8`.as('seconds'),
    ])
    .where('first_response_at', '>=', from)
    .where('first_response_at', '<=', to)
  return db
    .selectFrom(measured.as('m'))
    .select((eb) => [
      'm.week',
      sql<number>`grouping(m.week)`.as('isTotal'),
      eb.fn.countAll<number>().as('count'),
      sql<number | null>`percentile_cont(0.5) within group (order by m.seconds)`.as('median'),
      sql<number | null>`percentile_cont(0.9) within group (order by m.seconds)`.as('p90'),
    ])
    .groupBy(weekly)
    .execute()
}

function settledFigures(db: Kysely<DB>, from: Date, to: Date) {
  const settledAt = sql<Date>`coalesce(resolved_at, closed_at)`
  // Waiting on the customer is their time, not ours; a clock skew must not make it negative.
  const resolutionSeconds = sql<number | null>`case when resolved_at is not null then greatest(0,
    extract(epoch from resolved_at - created_at)::float8 - waiting_on_customer_seconds) end`
  const measured = db
    .selectFrom('tickets')
    .select([
      sql<Date>`date_trunc('week', ${settledAt}, 'UTC')`.as('week'),
      'resolved_in_one_interaction as oneInteraction',
      resolutionSeconds.as('seconds'),
      'rating',
    ])
    .where(settledAt, '>=', from)
    .where(settledAt, '<=', to)
  return db
    .selectFrom(measured.as('m'))
    .select((eb) => [
      'm.week',
      sql<number>`grouping(m.week)`.as('isTotal'),
      // Tickets resolved before the flag existed have no value; they are not counted either way.
      eb.fn.count<number>('m.oneInteraction').as('flagged'),
      sql<number>`count(*) filter (where m."oneInteraction")`.as('oneInteraction'),
      eb.fn.count<number>('m.seconds').as('resolved'),
      sql<number | null>`percentile_cont(0.5) within group (order by m.seconds)`.as('median'),
      sql<number | null>`percentile_cont(0.9) within group (order by m.seconds)`.as('p90'),
      eb.fn.count<number>('m.rating').as('rated'),
      sql<number>`count(*) filter (where m.rating >= 4)`.as('satisfied'),
      sql<number | null>`avg(m.rating)::float8`.as('average'),
    ])
    .groupBy(weekly)
    .execute()
}

async function backlogFigures(db: Kysely<DB>, now: Date): Promise<BacklogFigures> {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS)
  const rows = await db
    .selectFrom('tickets')
    .select([
      'status',
      sql<number>`count(*) filter (where created_at > ${ago(1)})`.as('underOneDay'),
      sql<number>`count(*) filter (where created_at <= ${ago(1)} and created_at > ${ago(3)})`.as(
        'oneToThreeDays',
      ),
      sql<number>`count(*) filter (where created_at <= ${ago(3)} and created_at > ${ago(7)})`.as(
        'threeToSevenDays',
      ),
      sql<number>`count(*) filter (where created_at <= ${ago(7)})`.as('overSevenDays'),
    ])
    .where('status', 'in', backlogStatuses)
    .where('created_at', '<=', now)
    .groupBy('status')
    .execute()
  const empty = (): Record<AgeBucket, number> => ({
    underOneDay: 0,
    oneToThreeDays: 0,
    threeToSevenDays: 0,
    overSevenDays: 0,
  })
  const byStatus: Record<BacklogStatus, Record<AgeBucket, number>> = {
    open: empty(),
    waiting_on_customer: empty(),
  }
  const byAge = empty()
  for (const row of rows) {
    if (row.status !== 'open' && row.status !== 'waiting_on_customer') continue
    for (const bucket of ageBuckets) {
      byStatus[row.status][bucket] = Number(row[bucket])
      byAge[bucket] += Number(row[bucket])
    }
  }
  const total = ageBuckets.reduce((sum, bucket) => sum + byAge[bucket], 0)
  return { byStatus, byAge, total }
}

async function requestFigures(db: Kysely<DB>, now: Date): Promise<StaffMetrics['requests']> {
  // Past target means past the due date the customer is shown for the request (created + the
  // kind's resolution target, as in db/requests.ts); a kind without a target is never past it.
  const rows = await db
    .selectFrom('requests as r')
    .leftJoin('service_targets as st', (join) =>
      join.on('st.subject_kind', '=', 'request_kind').onRef('st.subject_value', '=', 'r.kind'),
    )
    .select((eb) => [
      'r.kind',
      eb.fn.countAll<number>().as('waiting'),
      sql<number>`count(*) filter (where st.resolution_minutes is null)`.as('withoutTarget'),
      sql<number>`count(*) filter (where r.created_at
        + st.resolution_minutes * interval '1 minute' < ${now})`.as('pastTarget'),
    ])
    .where('r.status', 'in', REQUEST_STATUSES_WAITING_ON_US)
    .where('r.created_at', '<=', now)
    .groupBy('r.kind')
    .execute()
  const byKind = targetRequestKinds.map((kind) => {
    const row = rows.find((candidate) => candidate.kind === kind)
    return {
      kind,
      waiting: Number(row?.waiting ?? 0),
      pastTarget: Number(row?.pastTarget ?? 0),
      withoutTarget: Number(row?.withoutTarget ?? 0),
    }
  })
  return {
    byKind,
    waiting: byKind.reduce((sum, row) => sum + row.waiting, 0),
    pastTarget: byKind.reduce((sum, row) => sum + row.pastTarget, 0),
  }
}

function timeFigures(
  row: { count: number; median: number | null; p90: number | null } | undefined,
) {
  const count = Number(row?.count ?? 0)
  return {
    count,
    medianSeconds: count === 0 ? null : Number(row?.median),
    p90Seconds: count === 0 ? null : Number(row?.p90),
  }
}

/**
 * The supervisors' figures as of `now`: the last {@link METRICS_WEEKS} ISO weeks (the current,
 * unfinished one included) and their total, the backlog now, and requests past their target
 * now. Four statements, whatever the data.
 */
export async function getStaffMetrics(
  db: Kysely<DB>,
  options: { now: Date; weeks?: number },
): Promise<StaffMetrics> {
  const { now } = options
  const weekCount = options.weeks ?? METRICS_WEEKS
  const periodStart = new Date(isoWeekStart(now).getTime() - (weekCount - 1) * WEEK_MS)
  const [responses, settled, backlog, requests] = await Promise.all([
    responseFigures(db, periodStart, now),
    settledFigures(db, periodStart, now),
    backlogFigures(db, now),
    requestFigures(db, now),
  ])

  const find = <Row extends GroupRow>(rows: Row[], weekStart: Date | null) =>
    rows.find((row) =>
      weekStart === null
        ? Number(row.isTotal) === 1
        : Number(row.isTotal) === 0 && new Date(row.week ?? 0).getTime() === weekStart.getTime(),
    )
  const figures = (weekStart: Date | null): PeriodFigures => {
    const response = find(responses, weekStart)
    const settle = find(settled, weekStart)
    const flagged = Number(settle?.flagged ?? 0)
    const oneInteraction = Number(settle?.oneInteraction ?? 0)
    const rated = Number(settle?.rated ?? 0)
    const satisfied = Number(settle?.satisfied ?? 0)
    return {
      oneInteraction: {
        count: flagged,
        matching: oneInteraction,
        share: share(oneInteraction, flagged),
      },
      firstResponse: timeFigures(response),
      resolution: timeFigures(
        settle && { count: settle.resolved, median: settle.median, p90: settle.p90 },
      ),
      csat: {
        rated,
        satisfied,
        satisfiedShare: share(satisfied, rated),
        average: rated === 0 ? null : Number(settle?.average),
      },
    }
  }

  const weeks = Array.from({ length: weekCount }, (_, index) => {
    const weekStart = new Date(periodStart.getTime() + index * WEEK_MS)
    return { weekStart, isoWeek: isoWeekLabel(weekStart), ...figures(weekStart) }
  })
  return { now, periodStart, weeks, period: figures(null), backlog, requests }
}
