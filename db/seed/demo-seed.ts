import { type Insertable, type Kysely, sql } from 'kysely'
import type { DB } from '../schema.ts'
import { buildConsent } from './demo-consent.ts'
import { DemoContext, type DemoRows } from './demo-context.ts'
import { buildCustomers } from './demo-customers.ts'
import { buildOrders } from './demo-orders.ts'
import { buildOrganisations, ORGANISATION_PEOPLE } from './demo-organisations.ts'
import { DEMO_PEOPLE } from './demo-people.ts'
import { buildRequests } from './demo-requests.ts'
import {
  buildCannedReplies,
  buildConsentWordings,
  buildServiceTargets,
  buildStaff,
} from './demo-staff.ts'
import { buildTickets } from './demo-tickets.ts'
import type { SeedSummary } from './summary.ts'

// Loaded only when demo data is actually written: faker and its locales take a noticeable
// share of a server start that finds the database already seeded.

/** Builds the whole demo in memory, then writes it table by table in foreign-key order. */
export async function writeDemo(
  trx: Kysely<DB>,
  options: { now: Date; passwordHash: string },
): Promise<SeedSummary> {
  const customerNumbers = await reserveCustomerNumbers(trx, DEMO_CUSTOMER_COUNT)
  const rows = buildDemoRows({ ...options, customerNumbers })
  await insertDemoRows(trx, rows)
  return {
    customers: rows.customers.length,
    accounts: rows.accounts.length,
    orders: rows.orders.length,
    requests: rows.requests.length,
    tickets: rows.tickets.length,
    organisations: rows.organisations.length,
    consentDecisions: rows.consent_ledger.length,
    historyRows: rows.record_history.length,
  }
}

/** Every demo customer: the personal ones, then the organisations' people. */
export const DEMO_CUSTOMER_COUNT = DEMO_PEOPLE.length + ORGANISATION_PEOPLE.length

/**
 * Pure and deterministic for a given day: the same rows on every run. `customerNumbers` holds
 * DEMO_CUSTOMER_COUNT numbers: the personal customers take the first ones in order of joining,
 * the organisations' people the rest.
 */
export function buildDemoRows(options: {
  now: Date
  passwordHash: string
  customerNumbers: string[]
}): DemoRows {
  const ctx = new DemoContext(options.now)
  buildStaff(ctx, options.passwordHash)
  buildServiceTargets(ctx)
  const wordings = buildConsentWordings(ctx)
  buildCustomers(ctx, options.passwordHash, options.customerNumbers.slice(0, DEMO_PEOPLE.length))
  buildConsent(ctx, wordings)
  const orders = buildOrders(ctx)
  buildRequests(ctx, orders)
  buildTickets(ctx, orders)
  buildCannedReplies(ctx)
  // Last, so the random draws of everything above stay as they were before organisations.
  buildOrganisations(ctx, {
    passwordHash: options.passwordHash,
    customerNumbers: options.customerNumbers.slice(DEMO_PEOPLE.length),
    wordings,
    orders,
  })

  // Numbers and identity ids follow time, as they would have if the rows had been written live.
  const rows = ctx.rows
  byTime(rows.organisations, (row) => row.created_at)
  byTime(rows.orders, (row) => row.placed_at)
  byTime(rows.requests, (row) => row.created_at)
  byTime(rows.tickets, (row) => row.created_at)
  byTime(rows.order_events, (row) => row.occurred_at)
  byTime(rows.request_events, (row) => row.occurred_at)
  byTime(rows.ticket_events, (row) => row.occurred_at)
  byTime(rows.consent_ledger, (row) => row.recorded_at)
  byTime(rows.record_history, (row) => row.occurred_at)
  byTime(rows.organisation_history, (row) => row.occurred_at)
  return rows
}

/**
 * Customer numbers come from the same sequence as live sign-ups, taken up front because the
 * history of each customer's creation names its number.
 */
async function reserveCustomerNumbers(trx: Kysely<DB>, count: number): Promise<string[]> {
  const { rows } = await sql<{ n: number }>`
    select nextval('customer_number_seq') as n from generate_series(1, ${count})
  `.execute(trx)
  return rows
    .map((row) => row.n)
    .sort((a, b) => a - b)
    .map((n) => `C${n}`)
}

async function insertDemoRows(trx: Kysely<DB>, rows: DemoRows): Promise<void> {
  await insertAll(trx, 'customers', rows.customers)
  await insertAll(trx, 'customer_emails', rows.customer_emails)
  await insertAll(trx, 'customer_phones', rows.customer_phones)
  await insertAll(trx, 'customer_addresses', rows.customer_addresses)
  await insertAll(trx, 'organisations', rows.organisations)
  await insertAll(trx, 'organisation_addresses', rows.organisation_addresses)
  await insertAll(trx, 'accounts', rows.accounts)
  await insertAll(trx, 'staff_members', rows.staff_members)
  await insertAll(trx, 'service_targets', rows.service_targets)
  await insertAll(trx, 'canned_replies', rows.canned_replies)
  await insertAll(trx, 'consent_wordings', rows.consent_wordings)
  await insertAll(trx, 'consent_ledger', rows.consent_ledger)
  await deriveConsentCurrent(trx, rows.customers.map((row) => row.id).filter(isString))
  await insertAll(trx, 'communication_preferences', rows.communication_preferences)
  await insertAll(trx, 'organisation_members', rows.organisation_members)
  await insertAll(trx, 'organisation_history', rows.organisation_history)
  await insertAll(trx, 'orders', rows.orders)
  await insertAll(trx, 'order_lines', rows.order_lines)
  await insertAll(trx, 'shipments', rows.shipments)
  await insertAll(trx, 'order_events', rows.order_events)
  await insertAll(trx, 'requests', rows.requests)
  await insertAll(trx, 'request_events', rows.request_events)
  await insertAll(trx, 'tickets', rows.tickets)
  await insertAll(trx, 'ticket_messages', rows.ticket_messages)
  await insertAll(trx, 'ticket_events', rows.ticket_events)
  await insertAll(trx, 'item_shares', rows.item_shares)
  await insertAll(trx, 'record_history', rows.record_history)
}

/** The current state is each customer's latest ledger row per channel and topic. */
async function deriveConsentCurrent(trx: Kysely<DB>, customerIds: string[]): Promise<void> {
  if (customerIds.length === 0) return
  await trx
    .insertInto('consent_current')
    .columns(['customer_id', 'channel', 'topic', 'decision', 'ledger_id', 'updated_at'])
    .expression(
      trx
        .selectFrom('consent_ledger')
        .distinctOn(['customer_id', 'channel', 'topic'])
        .select(['customer_id', 'channel', 'topic', 'decision', 'id', 'recorded_at'])
        .where('customer_id', 'in', customerIds)
        .orderBy('customer_id')
        .orderBy('channel')
        .orderBy('topic')
        .orderBy('recorded_at', 'desc')
        .orderBy('id', 'desc'),
    )
    .execute()
}

// Far below PostgreSQL's 65,535 parameters per statement for the widest demo table.
const ROWS_PER_STATEMENT = 500

async function insertAll<T extends keyof DB & string>(
  trx: Kysely<DB>,
  table: T,
  rows: Insertable<DB[T]>[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await trx
      .insertInto(table)
      .values(rows.slice(start, start + ROWS_PER_STATEMENT))
      .execute()
  }
}

function byTime<T>(rows: T[], time: (row: T) => Date | string | undefined): void {
  const ms = (row: T) => {
    const value = time(row)
    return value === undefined ? 0 : new Date(value).getTime()
  }
  rows.sort((a, b) => ms(a) - ms(b))
}

function isString(value: unknown): value is string {
  return typeof value === 'string'
}
