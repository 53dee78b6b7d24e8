import { sql } from 'kysely'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { Outlet } from 'react-router-dom'
import {
  createStaticHandler,
  createStaticRouter,
  StaticRouterProvider,
} from 'react-router-dom/server'
import { beforeAll, describe, expect, it } from 'vitest'
import { renderI18nFor } from '#app/i18n/i18next.server.ts'
import StaffMetricsRoute, { loader } from '#app/routes/staff.metrics.tsx'
import type { RequestKind, RequestStatus } from '#db/requests.ts'
import {
  getStaffMetrics,
  isoWeekLabel,
  isoWeekStart,
  type StaffMetrics,
  type WeekFigures,
} from '#db/staff-metrics.ts'
import type { TicketStatus } from '#db/tickets.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createCustomerAccount,
  createStaffAccount,
  getRequest,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import { answerOf } from '#test/tickets/ticket-fixtures.ts'

const database = useTestDatabase()

// A Wednesday. Its ISO week is 2026-W12 (Monday 16 March); twelve weeks back starts on Monday
// 29 December 2025, which is already 2026-W01.
const NOW = new Date('2026-03-18T12:00:00Z')
const HOUR = 3600

let customerId = ''

interface TicketRow {
  status: TicketStatus
  createdAt: string
  firstResponseAt?: string
  resolvedAt?: string
  closedAt?: string
  oneInteraction?: boolean
  rating?: number
  waitingSeconds?: number
}

async function insertTicket(row: TicketRow) {
  await database.db
    .insertInto('tickets')
    .values({
      customer_id: customerId,
      subject: 'Measured',
      category: 'other',
      status: row.status,
      created_at: row.createdAt,
      first_response_at: row.firstResponseAt ?? null,
      resolved_at: row.resolvedAt ?? null,
      closed_at: row.closedAt ?? null,
      resolved_in_one_interaction: row.oneInteraction ?? null,
      rating: row.rating ?? null,
      waiting_on_customer_seconds: row.waitingSeconds ?? 0,
    })
    .execute()
}

async function insertRequest(kind: RequestKind, status: RequestStatus, createdAt: string) {
  await database.db
    .insertInto('requests')
    .values({ customer_id: customerId, kind, status, subject: 'Measured', created_at: createdAt })
    .execute()
}

/** percentile_cont: the value at position p·(n−1) of the sorted values, interpolated. */
function percentileCont(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const position = p * (sorted.length - 1)
  const below = sorted[Math.floor(position)] ?? Number.NaN
  const above = sorted[Math.ceil(position)] ?? Number.NaN
  return below + (position - Math.floor(position)) * (above - below)
}

function week(metrics: StaffMetrics, label: string): WeekFigures {
  const found = metrics.weeks.find((candidate) => candidate.isoWeek === label)
  if (!found) throw new Error(`no week ${label}`)
  return found
}

beforeAll(async () => {
  customerId = (await createCustomerAccount(database.db)).customerId

  // 2026-W12 (from Monday 16 March 00:00 UTC).
  await insertTicket({
    status: 'resolved',
    createdAt: '2026-03-16T08:00:00Z',
    firstResponseAt: '2026-03-16T09:00:00Z', // 1 h
    resolvedAt: '2026-03-16T10:00:00Z', // 2 h
    oneInteraction: true,
    rating: 5,
  })
  await insertTicket({
    status: 'closed',
    createdAt: '2026-03-16T00:00:00Z',
    firstResponseAt: '2026-03-16T04:00:00Z', // 4 h
    resolvedAt: '2026-03-17T00:00:00Z', // 24 h, of which 10 h waiting on the customer: 14 h
    closedAt: '2026-03-18T00:00:00Z',
    oneInteraction: false,
    rating: 3,
    waitingSeconds: 10 * HOUR,
  })
  await insertTicket({
    status: 'resolved',
    createdAt: '2026-03-17T00:00:00Z',
    firstResponseAt: '2026-03-17T00:30:00Z', // 0.5 h
    resolvedAt: '2026-03-17T02:00:00Z', // 2 h
    oneInteraction: true,
    rating: 4,
  })
  await insertTicket({
    status: 'open',
    createdAt: '2026-03-17T00:00:00Z', // 36 h old now: backlog, 1–3 days
    firstResponseAt: '2026-03-17T01:40:00Z', // 100 min
  })
  // Answered on Sunday (W11), resolved on the stroke of Monday 00:00 UTC: resolution is W12.
  await insertTicket({
    status: 'resolved',
    createdAt: '2026-03-15T20:00:00Z',
    firstResponseAt: '2026-03-15T22:00:00Z', // 2 h, in W11
    resolvedAt: '2026-03-16T00:00:00Z', // 4 h, in W12
    oneInteraction: true,
  })

  // 2026-W11: created in W10 on Sunday night, answered early Monday, resolved one second
  // before the next Monday.
  await insertTicket({
    status: 'closed',
    createdAt: '2026-03-08T23:00:00Z',
    firstResponseAt: '2026-03-09T00:30:00Z', // 1.5 h
    resolvedAt: '2026-03-15T23:59:59Z', // 7 d 59 min 59 s
    closedAt: '2026-03-16T10:00:00Z',
    oneInteraction: false,
  })

  // 2026-W06: closed without being resolved, but rated: counts for CSAT only.
  await insertTicket({
    status: 'closed',
    createdAt: '2026-02-02T09:00:00Z',
    closedAt: '2026-02-03T10:00:00Z',
    rating: 2,
  })

  // Before the period (Sunday of 2025-W52) and after `now`: not counted.
  await insertTicket({
    status: 'resolved',
    createdAt: '2025-12-28T20:00:00Z',
    firstResponseAt: '2025-12-28T21:00:00Z',
    resolvedAt: '2025-12-28T23:00:00Z',
    oneInteraction: false,
    rating: 1,
  })
  await insertTicket({
    status: 'resolved',
    createdAt: '2026-03-18T12:30:00Z',
    firstResponseAt: '2026-03-18T12:40:00Z',
    resolvedAt: '2026-03-18T13:00:00Z',
    oneInteraction: true,
    rating: 5,
  })

  // Backlog, besides the open ticket above.
  await insertTicket({ status: 'open', createdAt: '2026-03-18T11:00:00Z' }) // 1 h
  await insertTicket({ status: 'waiting_on_customer', createdAt: '2026-03-17T12:00:00Z' }) // 1 d
  await insertTicket({ status: 'waiting_on_customer', createdAt: '2026-03-13T00:00:00Z' }) // 5.5 d
  await insertTicket({ status: 'open', createdAt: '2026-03-01T00:00:00Z' }) // 17.5 d

  // Requests: returns are promised within 7 days, documents within 48 h, repairs not at all.
  await database.db
    .insertInto('service_targets')
    .values([
      { subject_kind: 'request_kind', subject_value: 'return', resolution_minutes: 7 * 24 * 60 },
      { subject_kind: 'request_kind', subject_value: 'document', resolution_minutes: 48 * 60 },
    ])
    .onConflict((conflict) =>
      conflict
        .columns(['subject_kind', 'subject_value'])
        .doUpdateSet((eb) => ({ resolution_minutes: eb.ref('excluded.resolution_minutes') })),
    )
    .execute()
  await database.db
    .deleteFrom('service_targets')
    .where('subject_kind', '=', 'request_kind')
    .where('subject_value', '=', 'repair')
    .execute()
  await insertRequest('return', 'submitted', '2026-03-10T12:00:00Z') // due 17 Mar 12:00: past
  await insertRequest('return', 'in_review', '2026-03-12T00:00:00Z') // due 19 Mar: not yet
  await insertRequest('return', 'waiting_for_customer', '2026-01-01T00:00:00Z') // on them
  await insertRequest('repair', 'submitted', '2026-01-01T00:00:00Z') // no target
  await insertRequest('document', 'in_review', '2026-03-16T11:59:00Z') // due a minute ago
  await insertRequest('document', 'completed', '2026-01-01T00:00:00Z') // done
})

describe('ISO weeks in UTC', () => {
  it('starts weeks on Monday 00:00 UTC and labels them by ISO year', () => {
    expect(isoWeekStart(new Date('2026-03-18T12:00:00Z')).toISOString()).toBe(
      '2026-03-16T00:00:00.000Z',
    )
    expect(isoWeekStart(new Date('2026-03-15T23:59:59Z')).toISOString()).toBe(
      '2026-03-09T00:00:00.000Z',
    )
    expect(isoWeekStart(new Date('2026-03-16T00:00:00Z')).toISOString()).toBe(
      '2026-03-16T00:00:00.000Z',
    )
    expect(isoWeekLabel(new Date('2025-12-29T00:00:00Z'))).toBe('2026-W01')
    expect(isoWeekLabel(new Date('2026-12-28T00:00:00Z'))).toBe('2026-W53')
    expect(isoWeekLabel(new Date('2027-01-04T00:00:00Z'))).toBe('2027-W01')
    expect(isoWeekLabel(new Date('2026-03-16T00:00:00Z'))).toBe('2026-W12')
  })
})

describe('getStaffMetrics', () => {
  let metrics: StaffMetrics
  beforeAll(async () => {
    metrics = await getStaffMetrics(database.db, { now: NOW })
  })

  it('covers the last twelve ISO weeks, oldest first, the current one included', () => {
    expect(metrics.periodStart.toISOString()).toBe('2025-12-29T00:00:00.000Z')
    expect(metrics.weeks.map((item) => item.isoWeek)).toEqual(
      Array.from({ length: 12 }, (_, index) => `2026-W${String(index + 1).padStart(2, '0')}`),
    )
  })

  it('measures first response in the week of the answer: median and interpolated p90', () => {
    const w12 = week(metrics, '2026-W12').firstResponse
    const w12Values = [1 * HOUR, 4 * HOUR, 0.5 * HOUR, 100 * 60]
    expect(w12.count).toBe(4)
    expect(w12.medianSeconds).toBeCloseTo(4800, 6)
    expect(w12.p90Seconds).toBeCloseTo(11_880, 6) // 6000 + 0.7 × (14400 − 6000)
    expect(w12.p90Seconds).toBeCloseTo(percentileCont(w12Values, 0.9), 6)

    const w11 = week(metrics, '2026-W11').firstResponse
    expect(w11).toEqual({ count: 2, medianSeconds: 6300, p90Seconds: expect.any(Number) })
    expect(w11.p90Seconds).toBeCloseTo(7020, 6)

    const period = metrics.period.firstResponse
    expect(period.count).toBe(6)
    expect(period.medianSeconds).toBeCloseTo(5700, 6)
    expect(period.p90Seconds).toBeCloseTo(10_800, 6)
  })

  it('measures resolution in the week resolved, without the time waiting on the customer', () => {
    const w12 = week(metrics, '2026-W12').resolution
    // 2 h, 14 h (24 h less 10 h waiting), 2 h, and 4 h for the one resolved at Monday 00:00.
    expect(w12.count).toBe(4)
    expect(w12.medianSeconds).toBeCloseTo(3 * HOUR, 6)
    expect(w12.p90Seconds).toBeCloseTo(
      percentileCont(
        [2, 14, 2, 4].map((h) => h * HOUR),
        0.9,
      ),
      6,
    )
    expect(w12.p90Seconds).toBeCloseTo(39_600, 6)

    const sevenDays = 7 * 24 * HOUR + 59 * 60 + 59
    expect(week(metrics, '2026-W11').resolution).toEqual({
      count: 1,
      medianSeconds: sevenDays,
      p90Seconds: sevenDays,
    })

    const period = metrics.period.resolution
    expect(period.count).toBe(5)
    expect(period.medianSeconds).toBeCloseTo(4 * HOUR, 6)
    expect(period.p90Seconds).toBeCloseTo(
      percentileCont([2 * HOUR, 14 * HOUR, 2 * HOUR, 4 * HOUR, sevenDays], 0.9),
      6,
    )
  })

  it('shares of tickets resolved in one interaction', () => {
    expect(week(metrics, '2026-W12').oneInteraction).toEqual({
      count: 4,
      matching: 3,
      share: 0.75,
    })
    expect(week(metrics, '2026-W11').oneInteraction).toEqual({ count: 1, matching: 0, share: 0 })
    expect(metrics.period.oneInteraction).toEqual({ count: 5, matching: 3, share: 0.6 })
  })

  it('CSAT: share of 4–5 stars among rated tickets, the average and the count', () => {
    expect(week(metrics, '2026-W12').csat).toEqual({
      rated: 3,
      satisfied: 2,
      satisfiedShare: 2 / 3,
      average: 4,
    })
    // Closed without being resolved: rated in the week it was closed.
    expect(week(metrics, '2026-W06').csat).toEqual({
      rated: 1,
      satisfied: 0,
      satisfiedShare: 0,
      average: 2,
    })
    expect(metrics.period.csat).toEqual({
      rated: 4,
      satisfied: 2,
      satisfiedShare: 0.5,
      average: 3.5,
    })
  })

  it('says nothing was measured rather than zero for an empty week', () => {
    const empty = week(metrics, '2026-W03')
    expect(empty.oneInteraction).toEqual({ count: 0, matching: 0, share: null })
    expect(empty.firstResponse).toEqual({ count: 0, medianSeconds: null, p90Seconds: null })
    expect(empty.resolution).toEqual({ count: 0, medianSeconds: null, p90Seconds: null })
    expect(empty.csat).toEqual({ rated: 0, satisfied: 0, satisfiedShare: null, average: null })
    // W06 had a rating but nothing resolved or answered.
    expect(week(metrics, '2026-W06').resolution.medianSeconds).toBeNull()
    expect(week(metrics, '2026-W06').oneInteraction.share).toBeNull()
  })

  it('counts the backlog now by status and by age', () => {
    expect(metrics.backlog.byStatus).toEqual({
      open: { underOneDay: 1, oneToThreeDays: 1, threeToSevenDays: 0, overSevenDays: 1 },
      waiting_on_customer: {
        underOneDay: 0,
        oneToThreeDays: 1,
        threeToSevenDays: 1,
        overSevenDays: 0,
      },
    })
    expect(metrics.backlog.byAge).toEqual({
      underOneDay: 1,
      oneToThreeDays: 2,
      threeToSevenDays: 1,
      overSevenDays: 1,
    })
    expect(metrics.backlog.total).toBe(5)
  })

  it('counts requests waiting on us past their target, per kind', () => {
    const byKind = Object.fromEntries(metrics.requests.byKind.map((row) => [row.kind, row]))
    expect(byKind.return).toEqual({ kind: 'return', waiting: 2, pastTarget: 1, withoutTarget: 0 })
    expect(byKind.repair).toEqual({ kind: 'repair', waiting: 1, pastTarget: 0, withoutTarget: 1 })
    expect(byKind.document).toEqual({
      kind: 'document',
      waiting: 1,
      pastTarget: 1,
      withoutTarget: 0,
    })
    expect(byKind.data_correction).toEqual({
      kind: 'data_correction',
      waiting: 0,
      pastTarget: 0,
      withoutTarget: 0,
    })
    expect(metrics.requests.waiting).toBe(4)
    expect(metrics.requests.pastTarget).toBe(2)
  })

  it('buckets by UTC week whatever time zone the database session is in', async () => {
    const elsewhere = await database.db.transaction().execute(async (trx) => {
      await sql`set local time zone 'Pacific/Kiritimati'`.execute(trx)
      return getStaffMetrics(trx, { now: NOW })
    })
    expect(elsewhere.weeks).toEqual(metrics.weeks)
    expect(elsewhere.period).toEqual(metrics.period)
    expect(elsewhere.backlog).toEqual(metrics.backlog)
  })

  it('moves the figures with `now`: a week later W12 is still there, W01 has gone', async () => {
    const later = await getStaffMetrics(database.db, {
      now: new Date('2026-03-25T12:00:00Z'),
    })
    expect(later.weeks[0]?.isoWeek).toBe('2026-W02')
    expect(later.weeks.at(-1)?.isoWeek).toBe('2026-W13')
    // The ticket resolved after the first `now` counts now, in W12.
    expect(week(later, '2026-W12').oneInteraction).toEqual({ count: 5, matching: 4, share: 0.8 })
    expect(week(later, '2026-W12').resolution.count).toBe(5)
    expect(week(later, '2026-W13').resolution.count).toBe(0)
    expect(later.backlog.byStatus.open).toEqual({
      underOneDay: 0,
      oneToThreeDays: 0,
      threeToSevenDays: 0,
      overSevenDays: 3,
    })
  })
})

describe('GET /staff/metrics', () => {
  it('shows supervisors and admins the figures', async () => {
    for (const role of ['supervisor', 'admin'] as const) {
      const staff = await createStaffAccount(database.db, { role })
      const cookie = await sessionCookieFor(staff.accountId)
      const answer = await answerOf(() =>
        loader(routeArgs(getRequest('/staff/metrics', { cookie }))),
      )
      expect(answer.status).toBe(200)
      const page = answer.data as { metrics: StaffMetrics; title: string }
      expect(page.title).toContain('Metrics')
      expect(page.metrics.weeks).toHaveLength(12)
      // Open tickets made up above are in the backlog now, whatever the date today.
      expect(page.metrics.backlog.total).toBeGreaterThanOrEqual(5)
    }
  })

  it('refuses agents and customers with 403, and sends signed-out visitors to sign in', async () => {
    const agent = await createStaffAccount(database.db, { role: 'agent' })
    const agentCookie = await sessionCookieFor(agent.accountId)
    const customer = await signedInCustomer(database.db)
    const before = await databaseFingerprint(database.db)
    for (const cookie of [agentCookie, customer.cookie]) {
      const answer = await answerOf(() =>
        loader(routeArgs(getRequest('/staff/metrics', { cookie }))),
      )
      expect(answer.status).toBe(403)
    }
    const signedOut = await answerOf(() => loader(routeArgs(getRequest('/staff/metrics'))))
    expect(signedOut.status).toBe(302)
    expect(signedOut.location).toMatch(/^\/staff\/login/)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

/** The page as the server renders it, from the given figures (no JavaScript needed to read it). */
async function renderPage(metrics: StaffMetrics): Promise<string> {
  const handler = createStaticHandler([
    {
      id: 'root',
      path: '/',
      element: createElement(Outlet),
      children: [
        { id: 'metrics', path: 'staff/metrics', element: createElement(StaffMetricsRoute) },
      ],
    },
  ])
  const context = await handler.query(new Request('http://localhost/staff/metrics'))
  if (context instanceof Response) throw new Error('the static handler answered a response')
  // What the root and the route's loaders would have answered.
  context.loaderData = {
    root: { locale: 'en', user: null },
    metrics: { title: 'Metrics', metrics },
  }
  const router = createStaticRouter(handler.dataRoutes, context)
  const i18n = await renderI18nFor('en')
  return renderToString(
    createElement(
      I18nextProvider,
      { i18n },
      createElement(StaticRouterProvider, { router, context, hydrate: false }),
    ),
  )
}

describe('the metrics page', () => {
  it('draws an accessible chart per measure next to a table of the same figures', async () => {
    const html = await renderPage(await getStaffMetrics(database.db, { now: NOW }))
    // One chart each: one interaction, first response, resolution, CSAT, backlog, requests.
    expect(html.match(/<svg role="img" aria-label="[^"]+"/g)).toHaveLength(6)
    expect(html.match(/<title>/g)).toHaveLength(6)
    expect(html.match(/<table/g)).toHaveLength(6)
    expect(html).toContain('Weeks run from Monday 00:00 to Sunday 24:00 in UTC')
    expect(html).toContain('2026-W12 (from Mar 16, 2026)')
    // W12: 3 of 4 in one interaction; the period's medians in words in the chart's name.
    expect(html).toMatch(/<td[^>]*>4<\/td><td[^>]*>3<\/td><td[^>]*>75%<\/td>/)
    expect(html).toContain('Whole period: median 1 h 35 min, 90th percentile 3 h.')
    // An empty week reads "No data", not 0 % or 0 min: W03 in the one-interaction table.
    expect(html).toMatch(
      /2026-W03 \(from Jan 12, 2026\)<\/th><td[^>]*>0<\/td><td[^>]*>0<\/td><td[^>]*>No data<\/td>/,
    )
  })

  it('says nothing was measured instead of drawing empty charts', async () => {
    const html = await renderPage(
      await getStaffMetrics(database.db, { now: new Date('2020-01-08T12:00:00Z') }),
    )
    expect(html.match(/Nothing was measured in this period\./g)).toHaveLength(4)
    expect(html).toContain('No tickets are waiting.')
    // Requests are always charted: zero waiting is a measurement.
    expect(html.match(/<svg role="img"/g)).toHaveLength(1)
  })
})
