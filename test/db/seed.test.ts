import { type Kysely, sql } from 'kysely'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { verifyPassword } from '#app/auth/password.server.ts'
import type { DB } from '#db/schema.ts'
import {
  DEMO_CUSTOMER_LOGINS,
  DEMO_ORGANISATIONS,
  DEMO_PASSWORD,
  DEMO_STAFF_LOGINS,
  seedDemo,
  seedDemoIfNeeded,
  type SeedSummary,
} from '#db/seed/demo.ts'
import { seedScale } from '#db/seed/scale.ts'
import {
  ORDER_STATUSES,
  REQUEST_KINDS,
  REQUEST_STATUSES,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TOPICS,
} from '#db/seed/values.ts'
import { createTestDatabase, useTestDatabase } from '#test/support/database.ts'
import { countRows } from './database-errors.ts'

const database = useTestDatabase()
let summary: SeedSummary

beforeAll(async () => {
  summary = await seedDemo(database.db)
}, 60_000)

afterEach(() => {
  vi.restoreAllMocks()
})

async function distinct(db: Kysely<DB>, query: string): Promise<string[]> {
  const { rows } = await sql<{ value: string }>`${sql.raw(query)}`.execute(db)
  return rows.map((row) => row.value).sort()
}

describe('seedDemo', () => {
  test('writes what it reports, with at least 25 customers', async () => {
    const db = database.db
    expect(summary.customers).toBeGreaterThanOrEqual(25)
    expect(summary).toEqual({
      customers: await countRows(db, 'customers'),
      accounts: await countRows(db, 'accounts'),
      orders: await countRows(db, 'orders'),
      requests: await countRows(db, 'requests'),
      tickets: await countRows(db, 'tickets'),
      organisations: await countRows(db, 'organisations'),
      consentDecisions: await countRows(db, 'consent_ledger'),
      historyRows: await countRows(db, 'record_history'),
    })
  })

  test('covers every order status, request kind and status, ticket status and priority', async () => {
    const db = database.db
    expect(await distinct(db, 'select distinct status as value from orders')).toEqual(
      [...ORDER_STATUSES].sort(),
    )
    expect(await distinct(db, 'select distinct kind as value from requests')).toEqual(
      [...REQUEST_KINDS].sort(),
    )
    expect(await distinct(db, 'select distinct status as value from requests')).toEqual(
      [...REQUEST_STATUSES].sort(),
    )
    expect(await distinct(db, 'select distinct status as value from tickets')).toEqual(
      [...TICKET_STATUSES].sort(),
    )
    expect(await distinct(db, 'select distinct priority as value from tickets')).toEqual(
      [...TICKET_PRIORITIES].sort(),
    )
  })

  test('the demo logins exist with the right kinds, roles and the shared password', async () => {
    const db = database.db
    const customers = await db
      .selectFrom('accounts')
      .innerJoin('customers', 'customers.id', 'accounts.customer_id')
      .select([
        'accounts.email',
        'accounts.kind',
        'accounts.password_hash',
        'accounts.email_verified_at',
        'customers.given_name',
        'customers.family_name',
        'customers.language',
        'customers.time_zone',
      ])
      .where('accounts.email', 'in', Object.values(DEMO_CUSTOMER_LOGINS))
      .orderBy('accounts.email')
      .execute()
    expect(customers).toMatchObject([
      {
        email: 'anna.berg@example.com',
        kind: 'customer',
        given_name: 'Anna',
        family_name: 'Berg',
        language: 'en',
        time_zone: 'Europe/Stockholm',
      },
      {
        email: 'erik.holm@example.com',
        kind: 'customer',
        given_name: 'Erik',
        family_name: 'Holm',
        language: 'en',
      },
      {
        email: 'jonas.weber@example.com',
        kind: 'customer',
        given_name: 'Jonas',
        family_name: 'Weber',
        language: 'de',
      },
      {
        email: 'lucas.meyer@example.com',
        kind: 'customer',
        given_name: 'Lucas',
        family_name: 'Meyer',
        language: 'de',
        time_zone: 'Europe/Berlin',
      },
      {
        email: 'maja.lind@example.com',
        kind: 'customer',
        given_name: 'Maja',
        family_name: 'Lind',
        language: 'en',
        time_zone: 'Europe/Stockholm',
      },
      {
        email: 'sara.ek@example.com',
        kind: 'customer',
        given_name: 'Sara',
        family_name: 'Ek',
        language: 'en',
      },
    ])
    for (const account of customers) expect(account.email_verified_at).toBeInstanceOf(Date)

    const staff = await db
      .selectFrom('accounts')
      .innerJoin('staff_members', 'staff_members.account_id', 'accounts.id')
      .select([
        'accounts.email',
        'accounts.kind',
        'accounts.password_hash',
        'staff_members.role',
        'staff_members.display_name',
      ])
      .orderBy('accounts.email')
      .execute()
    expect(staff.map(({ password_hash: _hash, ...rest }) => rest)).toEqual([
      { email: 'admin@example.com', kind: 'staff', role: 'admin', display_name: 'Alex Admin' },
      { email: 'agent@example.com', kind: 'staff', role: 'agent', display_name: 'Sam Agent' },
      {
        email: 'supervisor@example.com',
        kind: 'staff',
        role: 'supervisor',
        display_name: 'Kim Supervisor',
      },
    ])
    expect(staff.map((row) => row.email).sort()).toEqual(
      Object.values(DEMO_STAFF_LOGINS)
        .map((login) => login.email)
        .sort(),
    )

    // One hash for every demo account, and it is the documented password's.
    const hashes = await db.selectFrom('accounts').select('password_hash').distinct().execute()
    expect(hashes).toHaveLength(1)
    const hash = hashes[0]?.password_hash ?? ''
    expect(hash).toMatch(/^\$argon2id\$/)
    expect(await verifyPassword(hash, DEMO_PASSWORD)).toBe(true)
    expect(await verifyPassword(hash, 'wrong password')).toBe(false)
  })

  test('every customer has a sign-in at their primary email; exactly one is unverified', async () => {
    const rows = await database.db
      .selectFrom('customers')
      .leftJoin('accounts', 'accounts.customer_id', 'customers.id')
      .leftJoin('customer_emails', (join) =>
        join
          .onRef('customer_emails.customer_id', '=', 'customers.id')
          .on('customer_emails.is_primary', '=', true),
      )
      .select([
        'accounts.email as accountEmail',
        'accounts.kind',
        'accounts.email_verified_at',
        'customer_emails.email as primaryEmail',
      ])
      .execute()
    for (const row of rows) {
      expect(row.kind).toBe('customer')
      expect(row.accountEmail).toBe(row.primaryEmail)
    }
    expect(rows.filter((row) => row.email_verified_at === null)).toHaveLength(1)
  })

  test('has the demo organisations, their people, items and history', async () => {
    const db = database.db
    const organisations = await db
      .selectFrom('organisations')
      .select(['id', 'name', 'registration_number', 'default_visibility', 'customer_number'])
      .orderBy('name')
      .execute()
    expect(organisations).toMatchObject([
      {
        name: DEMO_ORGANISATIONS.lind,
        registration_number: 'SE556677889901',
        default_visibility: 'organisation',
      },
      { name: DEMO_ORGANISATIONS.nordlicht, default_visibility: 'private' },
    ])
    for (const row of organisations) expect(row.customer_number).toMatch(/^B\d+$/)
    const [lind, nordlicht] = organisations.map((row) => row.id)

    const members = await db
      .selectFrom('organisation_members as m')
      .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
      .innerJoin('accounts as a', 'a.customer_id', 'm.customer_id')
      .select(['o.name', 'a.email', 'm.role'])
      .where('m.removed_at', 'is', null)
      .orderBy('o.name')
      .orderBy('a.email')
      .execute()
    expect(members).toEqual([
      { name: DEMO_ORGANISATIONS.lind, email: DEMO_CUSTOMER_LOGINS.erik, role: 'member' },
      { name: DEMO_ORGANISATIONS.lind, email: DEMO_CUSTOMER_LOGINS.maja, role: 'owner' },
      { name: DEMO_ORGANISATIONS.lind, email: DEMO_CUSTOMER_LOGINS.sara, role: 'billing' },
      { name: DEMO_ORGANISATIONS.nordlicht, email: DEMO_CUSTOMER_LOGINS.jonas, role: 'owner' },
      { name: DEMO_ORGANISATIONS.nordlicht, email: DEMO_CUSTOMER_LOGINS.maja, role: 'member' },
    ])

    const tickets = await db
      .selectFrom('tickets as t')
      .innerJoin('accounts as a', 'a.customer_id', 't.customer_id')
      .select(['t.subject', 'a.email', 't.organisation_id', 't.visibility'])
      .where('t.organisation_id', 'is not', null)
      .orderBy('t.subject')
      .execute()
    expect(tickets).toEqual([
      {
        subject: 'Delivery of the conference chairs',
        email: DEMO_CUSTOMER_LOGINS.maja,
        organisation_id: lind,
        visibility: 'organisation',
      },
      {
        subject: 'Invoice address for our Malmö office',
        email: DEMO_CUSTOMER_LOGINS.erik,
        organisation_id: lind,
        visibility: 'private',
      },
      {
        subject: 'Lieferschein für die Paletten fehlt',
        email: DEMO_CUSTOMER_LOGINS.jonas,
        organisation_id: nordlicht,
        visibility: 'organisation',
      },
    ])
    // On Maja's organisation-wide ticket a colleague wrote too: the thread names who wrote.
    const authors = await db
      .selectFrom('ticket_messages as m')
      .innerJoin('tickets as t', 't.id', 'm.ticket_id')
      .innerJoin('accounts as a', 'a.id', 'm.author_account_id')
      .select('a.email')
      .distinct()
      .where('t.subject', '=', 'Delivery of the conference chairs')
      .where('m.author_kind', '=', 'customer')
      .execute()
    expect(authors.map((row) => row.email).sort()).toEqual([
      DEMO_CUSTOMER_LOGINS.erik,
      DEMO_CUSTOMER_LOGINS.maja,
    ])

    const orders = await db
      .selectFrom('orders')
      .select(['visibility'])
      .where('organisation_id', '=', lind ?? '')
      .orderBy('visibility')
      .execute()
    expect(orders.map((row) => row.visibility)).toEqual(['organisation', 'private'])
    const shares = await db
      .selectFrom('item_shares as s')
      .innerJoin('requests as r', 'r.id', 's.item_id')
      .innerJoin('accounts as a', 'a.customer_id', 's.customer_id')
      .select(['s.item_kind', 'r.visibility', 'r.organisation_id', 'a.email'])
      .execute()
    expect(shares).toEqual([
      {
        item_kind: 'request',
        visibility: 'named',
        organisation_id: lind,
        email: DEMO_CUSTOMER_LOGINS.sara,
      },
    ])

    expect(
      await distinct(
        db,
        `select distinct action || '/' || actor_kind || '/' || channel as value
         from organisation_history`,
      ),
    ).toEqual([
      'default_visibility_changed/customer/portal',
      'details_changed/staff/staff',
      'member_invited/customer/portal',
      'member_joined/customer/portal',
      'organisation_created/customer/portal',
    ])
    // Anna and Lucas stay personal customers.
    const personal = await db
      .selectFrom('organisation_members as m')
      .innerJoin('accounts as a', 'a.customer_id', 'm.customer_id')
      .select('a.email')
      .where('a.email', 'in', [DEMO_CUSTOMER_LOGINS.anna, DEMO_CUSTOMER_LOGINS.lucas])
      .execute()
    expect(personal).toEqual([])
  })

  test('has the cases the demo is meant to show', async () => {
    const db = database.db
    const annas = await db
      .selectFrom('customers')
      .innerJoin('customer_addresses', 'customer_addresses.customer_id', 'customers.id')
      .select(['customer_addresses.city'])
      .where('customers.given_name', '=', 'Anna')
      .where('customer_addresses.is_default_shipping', '=', true)
      .execute()
    expect(new Set(annas.map((row) => row.city)).size).toBeGreaterThanOrEqual(2)

    const withoutPhone = await db
      .selectFrom('customers')
      .select('id')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('customer_phones')
              .select('customer_phones.id')
              .whereRef('customer_phones.customer_id', '=', 'customers.id'),
          ),
        ),
      )
      .execute()
    expect(withoutPhone.length).toBeGreaterThanOrEqual(1)

    expect(await distinct(db, 'select distinct language as value from customers')).toEqual([
      'de',
      'en',
      'es',
    ])
    const names = await distinct(
      db,
      `select given_name || ' ' || family_name as value from customers`,
    )
    expect(names.some((name) => name.includes("'"))).toBe(true)
    expect(names.some((name) => /[äöüß]/.test(name))).toBe(true)
    expect(names.some((name) => /[áéíóúñ]/.test(name))).toBe(true)

    const phones = await distinct(db, 'select e164 as value from customer_phones')
    for (const phone of phones) expect(phone).toMatch(/^\+[1-9][0-9]{6,14}$/)

    // Anna's own view has something in every list, and a ticket that waits for her answer.
    const anna = await db
      .selectFrom('accounts')
      .select('customer_id')
      .where('email', '=', DEMO_CUSTOMER_LOGINS.anna)
      .executeTakeFirstOrThrow()
    const annaId = anna.customer_id ?? ''
    const count = async (table: 'orders' | 'requests' | 'tickets') =>
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('customer_id', '=', annaId)
          .executeTakeFirstOrThrow()
      ).n
    expect(await count('orders')).toBeGreaterThanOrEqual(3)
    expect(await count('requests')).toBeGreaterThanOrEqual(1)
    expect(await count('tickets')).toBeGreaterThanOrEqual(1)
    const waiting = await db
      .selectFrom('tickets')
      .select('id')
      .where('customer_id', '=', annaId)
      .where('status', '=', 'waiting_on_customer')
      .execute()
    expect(waiting.length).toBeGreaterThanOrEqual(1)
  })

  test('every consent_current row points at the latest ledger row, with the same decision', async () => {
    const { rows } = await sql<{ current: number; matching: number; latest: number }>`
      select
        count(*)::int as current,
        count(*) filter (
          where l.customer_id = c.customer_id and l.channel = c.channel and l.topic = c.topic
            and l.decision = c.decision and l.recorded_at = c.updated_at
        )::int as matching,
        count(*) filter (
          where not exists (
            select 1 from consent_ledger later
            where later.customer_id = c.customer_id and later.channel = c.channel
              and later.topic = c.topic and later.id > l.id
          )
        )::int as latest
      from consent_current c join consent_ledger l on l.id = c.ledger_id
    `.execute(database.db)
    const keys = await distinct(
      database.db,
      `select distinct customer_id || channel || topic as value from consent_ledger`,
    )
    expect(rows[0]).toEqual({ current: keys.length, matching: keys.length, latest: keys.length })
    expect(
      await distinct(database.db, 'select distinct decision as value from consent_current'),
    ).toEqual(['granted', 'pending', 'withdrawn'])
    expect(
      await distinct(database.db, 'select distinct source as value from consent_ledger'),
    ).toEqual(expect.arrayContaining(['import', 'portal', 'staff']))
  })

  test('has the reference data: consent wordings and service targets', async () => {
    const wordings = await database.db
      .selectFrom('consent_wordings')
      .select(['topic', 'language', 'version'])
      .execute()
    expect(wordings).toHaveLength(TOPICS.length * 3)
    for (const topic of TOPICS) {
      expect(
        wordings
          .filter((row) => row.topic === topic && row.version === 1)
          .map((row) => row.language)
          .sort(),
      ).toEqual(['de', 'en', 'es'])
    }

    const targets = await database.db
      .selectFrom('service_targets')
      .select(['subject_kind', 'subject_value', 'first_response_minutes', 'resolution_minutes'])
      .execute()
    const byPriority = Object.fromEntries(
      targets
        .filter((row) => row.subject_kind === 'ticket_priority')
        .map((row) => [row.subject_value, [row.first_response_minutes, row.resolution_minutes]]),
    )
    expect(byPriority).toEqual({
      urgent: [60, 8 * 60],
      high: [4 * 60, 24 * 60],
      normal: [8 * 60, 48 * 60],
      low: [24 * 60, 120 * 60],
    })
    expect(
      targets
        .filter((row) => row.subject_kind === 'request_kind')
        .map((row) => row.subject_value)
        .sort(),
    ).toEqual([...REQUEST_KINDS].sort())
  })

  test('orders add up: lines, subtotal, total', async () => {
    const { rows } = await sql<{ id: string }>`
      select o.id from orders o
      left join order_lines l on l.order_id = o.id
      group by o.id
      having count(l.id) = 0 or o.subtotal_minor <> sum(l.line_total_minor)
    `.execute(database.db)
    expect(rows).toEqual([])
  })

  test('history records every customer, and nothing is dated in the future', async () => {
    const { rows } = await sql<{ customers_without_history: number; future: number }>`
      select
        (select count(*)::int from customers c
          where not exists (select 1 from record_history h
                            where h.customer_id = c.id and h.entity_type = 'customer'
                              and h.action = 'created')) as customers_without_history,
        (select count(*)::int from (
          select occurred_at as at from record_history
          union all select occurred_at from order_events
          union all select occurred_at from request_events
          union all select occurred_at from ticket_events
          union all select created_at from ticket_messages
          union all select recorded_at from consent_ledger
          union all select updated_at from tickets
          union all select updated_at from orders
        ) times where at > now()) as future
    `.execute(database.db)
    expect(rows[0]).toEqual({ customers_without_history: 0, future: 0 })
    const actors = await distinct(
      database.db,
      `select distinct actor_kind || '/' || channel as value from record_history`,
    )
    expect(actors).toEqual(
      expect.arrayContaining(['system/import', 'staff/staff', 'customer/portal']),
    )
  })

  test('is deterministic: a second database gets the same customers and orders', async () => {
    const second = await createTestDatabase()
    try {
      await seedDemo(second.db)
      const customers = (db: Kysely<DB>) =>
        db
          .selectFrom('customers')
          .select(['customer_number', 'given_name', 'family_name', 'language', 'time_zone'])
          .orderBy('customer_number')
          .execute()
      const orders = (db: Kysely<DB>) =>
        db
          .selectFrom('orders')
          .innerJoin('customers', 'customers.id', 'orders.customer_id')
          .select(['order_number', 'customer_number', 'orders.status', 'currency', 'total_minor'])
          .orderBy('order_number')
          .execute()
      expect(await customers(second.db)).toEqual(await customers(database.db))
      expect(await orders(second.db)).toEqual(await orders(database.db))
    } finally {
      await second.close()
    }
  }, 60_000)
})

describe('seedScale', () => {
  test('adds the customers asked for, with unique emails and valid orders', async () => {
    const scale = await createTestDatabase()
    try {
      const db = scale.db
      const result = await seedScale(db, { customers: 2_000 })
      expect(result.customers).toBe(2_000)
      expect(await countRows(db, 'customers')).toBe(2_000)
      expect(result).toMatchObject({
        orders: await countRows(db, 'orders'),
        tickets: await countRows(db, 'tickets'),
        consentDecisions: await countRows(db, 'consent_ledger'),
        historyRows: await countRows(db, 'record_history'),
      })
      expect(result.orders).toBeGreaterThan(0)
      expect(result.tickets).toBeGreaterThan(0)

      const { rows } = await sql<{
        emails: number
        unique_emails: number
        primaries: number
        addresses: number
        phones: number
        given_names: number
        lines: number
        bad_lines: number
        current: number
        future: number
      }>`
        select
          (select count(*)::int from customer_emails) as emails,
          (select count(distinct lower(email))::int from customer_emails) as unique_emails,
          (select count(*)::int from customer_emails where is_primary) as primaries,
          (select count(distinct customer_id)::int from customer_addresses
            where is_default_shipping and is_default_billing) as addresses,
          (select count(*)::int from customer_phones) as phones,
          (select count(distinct given_name)::int from customers) as given_names,
          (select count(*)::int from order_lines) as lines,
          (select count(*)::int from orders o join order_lines l on l.order_id = o.id
            where o.subtotal_minor <> l.line_total_minor) as bad_lines,
          (select count(*)::int from consent_current) as current,
          (select count(*)::int from (
            select placed_at as at from orders union all select occurred_at from order_events
            union all select created_at from tickets union all select created_at from customers
          ) times where at > now()) as future
      `.execute(db)
      expect(rows[0]).toMatchObject({
        emails: 2_000,
        unique_emails: 2_000,
        primaries: 2_000,
        addresses: 2_000,
        lines: result.orders,
        bad_lines: 0,
        current: result.consentDecisions,
        future: 0,
      })
      // Most have a phone, and the names vary enough for search to have work to do.
      expect(rows[0]?.phones).toBeGreaterThan(1_500)
      expect(rows[0]?.phones).toBeLessThan(2_000)
      expect(rows[0]?.given_names).toBeGreaterThan(100)

      // A second run continues the numbering instead of colliding.
      await seedScale(db, { customers: 10 })
      expect(await countRows(db, 'customers')).toBe(2_010)
    } finally {
      await scale.close()
    }
  }, 60_000)
})

describe('seedDemoIfNeeded', () => {
  async function withEmptyDatabase(run: (db: Kysely<DB>) => Promise<void>) {
    const empty = await createTestDatabase()
    try {
      await run(empty.db)
    } finally {
      await empty.close()
    }
  }

  test('SEED_DEMO=0 never seeds, and a server database is not seeded unless asked', async () => {
    await withEmptyDatabase(async (db) => {
      await seedDemoIfNeeded(db, { SEED_DEMO: '0' })
      await seedDemoIfNeeded(db, { DATABASE_URL: 'postgres://example/portal' })
      expect(await countRows(db, 'customers')).toBe(0)
    })
  })

  test('the embedded database is seeded by default, once, with one line of output', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    await withEmptyDatabase(async (db) => {
      await seedDemoIfNeeded(db, {})
      const customers = await countRows(db, 'customers')
      expect(customers).toBe(summary.customers)
      expect(log).toHaveBeenCalledOnce()
      expect(log.mock.calls[0]?.[0]).toMatch(
        new RegExp(`^\\[seed\\] Demo data: ${customers} customers, .* in \\d+\\.\\d s$`),
      )

      await seedDemoIfNeeded(db, { SEED_DEMO: '1' })
      expect(await countRows(db, 'customers')).toBe(customers)
      expect(log).toHaveBeenCalledOnce()
    })
  }, 60_000)

  test('two starts at once on an empty database seed it once', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    await withEmptyDatabase(async (db) => {
      const results = await Promise.allSettled([
        seedDemoIfNeeded(db, { SEED_DEMO: '1' }),
        seedDemoIfNeeded(db, { SEED_DEMO: '1' }),
      ])
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled'])
      expect(await countRows(db, 'customers')).toBe(summary.customers)
      expect(log).toHaveBeenCalledOnce()
    })
  }, 60_000)

  test('does nothing when customers exist, even when asked', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const before = await countRows(database.db, 'customers')
    await seedDemoIfNeeded(database.db, { SEED_DEMO: '1', DATABASE_URL: 'postgres://x/y' })
    expect(await countRows(database.db, 'customers')).toBe(before)
    expect(log).not.toHaveBeenCalled()
  })
})
