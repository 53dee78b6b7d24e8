import {
  base,
  de,
  de_AT,
  de_CH,
  en,
  en_AU,
  en_GB,
  en_IE,
  en_US,
  es,
  es_MX,
  Faker,
  ja,
  type LocaleDefinition,
  sv,
} from '@faker-js/faker'
import type { Insertable } from 'kysely'
import type { Actor, HistoryEntry } from '../history.ts'
import { historyValues } from '../history.ts'
import type { DB, JsonValue } from '../schema.ts'
import type { DemoPerson } from './demo-people.ts'
import type { Region, RegionCode } from './regions.ts'

export const DEMO_FAKER_SEED = 20261123

const localeOf: Record<RegionCode, LocaleDefinition[]> = {
  SE: [sv],
  DE: [de],
  AT: [de_AT, de],
  CH: [de_CH, de],
  ES: [es],
  IE: [en_IE],
  GB: [en_GB],
  US: [en_US],
  MX: [es_MX, es],
  CO: [es],
  JP: [ja],
  AU: [en_AU],
}

/** Rows to insert, per table; filled by the demo builders, inserted in foreign-key order. */
export type DemoRows = { [T in keyof DB]: Insertable<DB[T]>[] }

/**
 * Dates relative to the start of today (UTC), so the demo always looks recent, while every random
 * choice comes from a fixed faker seed: the same customers, orders and conversations appear on
 * every run, only shifted to end yesterday. Every seeded time lies before today, so nothing is
 * in the future whatever the hour of seeding.
 */
export class DemoClock {
  readonly startOfToday: Date

  constructor(now: Date) {
    this.startOfToday = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
    )
  }

  /** `days` before today at `hour` (UTC, fractional hours allowed). */
  daysAgo(days: number, hour = 9): Date {
    return new Date(this.startOfToday.getTime() - days * DAY + hour * HOUR)
  }

  static plusHours(date: Date, hours: number): Date {
    return new Date(date.getTime() + hours * HOUR)
  }

  /** The calendar date (YYYY-MM-DD, UTC) some days after `date`. */
  static dateAfter(date: Date, days: number): string {
    return new Date(date.getTime() + days * DAY).toISOString().slice(0, 10)
  }
}

export const HOUR = 3_600_000
export const DAY = 24 * HOUR

export interface StaffIds {
  agent: string
  supervisor: string
  admin: string
}

/** A seeded customer as the later builders need it. */
export interface DemoCustomer {
  person: DemoPerson
  id: string
  accountId: string
  region: Region
  createdAt: Date
  /** The default address, as orders snapshot it. */
  homeAddress: { [key: string]: JsonValue }
}

export class DemoContext {
  readonly random: Faker
  readonly clock: DemoClock
  readonly rows: DemoRows = emptyRows()
  readonly #local = new Map<RegionCode, Faker>()
  staff: StaffIds = { agent: '', supervisor: '', admin: '' }
  readonly customers = new Map<string, DemoCustomer>()

  constructor(now: Date) {
    this.random = new Faker({ locale: [en, base] })
    this.random.seed(DEMO_FAKER_SEED)
    this.clock = new DemoClock(now)
  }

  /** Street names and postcodes that look like the country's; seeded like everything else. */
  local(region: RegionCode): Faker {
    let faker = this.#local.get(region)
    if (!faker) {
      faker = new Faker({ locale: [...localeOf[region], en, base] })
      faker.seed(DEMO_FAKER_SEED + this.#local.size + 1)
      this.#local.set(region, faker)
    }
    return faker
  }

  /** Ids come from the seeded faker too, so a rerun reproduces them. */
  id(): string {
    return this.random.string.uuid()
  }

  customer(key: string): DemoCustomer {
    const customer = this.customers.get(key)
    if (!customer) throw new Error(`The demo script names an unknown customer "${key}"`)
    return customer
  }

  staffActor(role: keyof StaffIds): Actor {
    return { kind: 'staff', id: this.staff[role] }
  }

  history(entry: HistoryEntry, at: Date): void {
    this.rows.record_history.push({ ...historyValues(entry), occurred_at: at })
  }
}

function emptyRows(): DemoRows {
  return {
    account_tokens: [],
    accounts: [],
    canned_replies: [],
    channels: [],
    communication_preferences: [],
    consent_current: [],
    consent_ledger: [],
    consent_wordings: [],
    customer_addresses: [],
    customer_emails: [],
    customer_merges: [],
    customer_phones: [],
    customers: [],
    item_shares: [],
    notification_deliveries: [],
    notification_outbox: [],
    order_events: [],
    order_lines: [],
    orders: [],
    organisation_addresses: [],
    organisation_history: [],
    organisation_invitations: [],
    organisation_members: [],
    organisations: [],
    rate_limits: [],
    record_access_log: [],
    record_history: [],
    request_events: [],
    requests: [],
    service_targets: [],
    sessions: [],
    staff_changes: [],
    shipments: [],
    sign_in_challenges: [],
    staff_members: [],
    ticket_attachments: [],
    ticket_events: [],
    ticket_messages: [],
    tickets: [],
    topics: [],
    two_factor_recovery_codes: [],
    two_factor_secrets: [],
  }
}
