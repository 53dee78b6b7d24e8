import { sql } from 'kysely'
import { beforeAll, describe, expect, test } from 'vitest'
import { loader } from '#app/routes/staff._index.tsx'
import { createCustomer } from '#db/customers.ts'
import { seedScale } from '#db/seed/scale.ts'
import { customerSearchQuery, normalisePhone, searchCustomers } from '#db/staff-search.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createStaffAccount,
  getRequest,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
  thrownResponse,
  uniqueEmail,
} from '#test/support/fixtures.ts'

const database = useTestDatabase()

async function customer(givenName: string, familyName: string, phone: string | null = null) {
  const email = uniqueEmail(`${givenName}.${familyName}`.toLowerCase())
  const created = await createCustomer(
    database.db,
    { givenName, familyName, email, phone },
    { kind: 'system' },
    'system',
  )
  return { ...created, email }
}

const ids = (items: { id: string }[]) => items.map((item) => item.id)

describe('staff customer search', () => {
  let anna: Awaited<ReturnType<typeof customer>>
  let annaOther: Awaited<ReturnType<typeof customer>>
  let unrelated: Awaited<ReturnType<typeof customer>>
  let orderNumber: string
  let ticketNumber: string

  beforeAll(async () => {
    const db = database.db
    anna = await customer('Anna', 'Berg', '+46701234567')
    annaOther = await customer('Anna', 'Bergström')
    unrelated = await customer('Oskar', 'Lind')
    await customer('Brita', 'Nygren')
    await db
      .insertInto('customer_addresses')
      .values([
        {
          customer_id: anna.id,
          recipient: 'Anna Berg',
          line1: 'Storgatan 1',
          city: 'Uppsala',
          country_code: 'SE',
          is_default_shipping: true,
        },
        {
          customer_id: annaOther.id,
          recipient: 'Anna Bergström',
          line1: 'Hauptstraße 2',
          city: 'Berlin',
          country_code: 'DE',
          is_default_shipping: true,
        },
      ])
      .execute()
    const order = await db
      .insertInto('orders')
      .values({ customer_id: anna.id, currency: 'SEK', subtotal_minor: 1000, total_minor: 1000 })
      .returning('order_number')
      .executeTakeFirstOrThrow()
    orderNumber = order.order_number
    const ticket = await db
      .insertInto('tickets')
      .values({ customer_id: anna.id, subject: 'Where is my parcel?', category: 'delivery' })
      .returning('ticket_number')
      .executeTakeFirstOrThrow()
    ticketNumber = ticket.ticket_number
  })

  test('a misspelt name finds Anna Berg, ranked above unrelated names', async () => {
    for (const term of ['Ana Brg', 'Anna Brg']) {
      const page = await searchCustomers(database.db, term, { limit: 20 })
      expect(page.items[0]?.id, term).toBe(anna.id)
      expect(page.items[0]?.matchedBy).toBe('name')
      expect(ids(page.items)).not.toContain(unrelated.id)
    }
    const page = await searchCustomers(database.db, 'anna berg', { limit: 20 })
    expect(ids(page.items).slice(0, 2)).toEqual([anna.id, annaOther.id])
  })

  test('results tell two Annas apart', async () => {
    const page = await searchCustomers(database.db, 'Anna Berg', { limit: 20 })
    expect(page.items.slice(0, 2)).toEqual([
      expect.objectContaining({
        customerNumber: anna.customerNumber,
        primaryEmail: anna.email,
        city: 'Uppsala',
        countryCode: 'SE',
      }),
      expect.objectContaining({
        customerNumber: annaOther.customerNumber,
        primaryEmail: annaOther.email,
        city: 'Berlin',
        countryCode: 'DE',
      }),
    ])
  })

  test('an email in other letter case', async () => {
    const page = await searchCustomers(database.db, anna.email.toUpperCase(), { limit: 20 })
    expect(page.items.map((item) => [item.id, item.matchedBy])).toEqual([[anna.id, 'email']])
  })

  test('a phone typed the way people say it matches the stored E.164', async () => {
    expect(normalisePhone('070-123 45 67')).toBe('+46701234567')
    expect(normalisePhone('+46 70 123 45 67')).toBe('+46701234567')
    for (const term of ['070-123 45 67', '+46 70 123 45 67']) {
      const page = await searchCustomers(database.db, term, { limit: 20 })
      expect(page.items.map((item) => [item.id, item.matchedBy])).toEqual([[anna.id, 'phone']])
    }
  })

  test('customer, order and ticket numbers, in any letter case', async () => {
    for (const term of [anna.customerNumber, orderNumber.toLowerCase(), ticketNumber]) {
      const page = await searchCustomers(database.db, term, { limit: 20 })
      expect(
        page.items.map((item) => [item.id, item.matchedBy]),
        term,
      ).toEqual([[anna.id, 'number']])
    }
  })

  test('an exact identifier ranks above fuzzy name matches', async () => {
    // Anna Bergström's email contains "anna"; her name also matches the fuzzy term loosely.
    const page = await searchCustomers(database.db, annaOther.email, { limit: 20 })
    expect(page.items[0]).toMatchObject({ id: annaOther.id, matchedBy: 'email' })
  })

  test('a 2-character term does no fuzzy name search', async () => {
    expect(customerSearchQuery('An', { limit: 20 })).toBeNull()
    const page = await searchCustomers(database.db, 'An', { limit: 20 })
    expect(page.items).toEqual([])
    // The same letters as the start of a longer term do find names: the limit is what stops it.
    const longer = await searchCustomers(database.db, 'Anna', { limit: 20 })
    expect(ids(longer.items)).toContain(anna.id)
  })

  test('pages do not repeat rows and together hold every match', async () => {
    for (let i = 0; i < 7; i++) await customer('Anna', `Berg${'x'.repeat(i)}`)
    const all = await searchCustomers(database.db, 'Anna Berg', { limit: 100 })
    expect(all.items.length).toBeGreaterThanOrEqual(9)
    const seen: string[] = []
    let after: string | null = null
    for (let pages = 0; pages < 20; pages++) {
      const page: Awaited<ReturnType<typeof searchCustomers>> = await searchCustomers(
        database.db,
        'Anna Berg',
        { limit: 2, after },
      )
      seen.push(...ids(page.items))
      after = page.nextCursor
      if (!after) break
    }
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toEqual(ids(all.items))
  })

  test('a tampered cursor shows the first page', async () => {
    const first = await searchCustomers(database.db, 'Anna Berg', { limit: 2 })
    const tampered = await searchCustomers(database.db, 'Anna Berg', {
      limit: 2,
      after: 'not-a-cursor',
    })
    expect(ids(tampered.items)).toEqual(ids(first.items))
  })
})

describe('/staff search page', () => {
  test('an agent searches through ?q=', async () => {
    const db = database.db
    const found = await customer('Ingrid', 'Sjöberg')
    const staff = await createStaffAccount(db, { role: 'agent' })
    const cookie = await sessionCookieFor(staff.accountId)
    const result = await loader(routeArgs(getRequest('/staff?q=Ingrid%20Sjoberg', { cookie })))
    expect(result.data.results.map((item) => item.id)).toContain(found.id)
    expect(result.data.q).toBe('Ingrid Sjoberg')
    const empty = await loader(routeArgs(getRequest('/staff', { cookie })))
    expect(empty.data.results).toEqual([])
  })

  test('a customer cannot open /staff; signed out goes to the staff sign-in', async () => {
    const db = database.db
    const { cookie } = await signedInCustomer(db)
    const forbidden = await thrownResponse(() =>
      loader(routeArgs(getRequest('/staff?q=Anna', { cookie }))),
    )
    expect(forbidden.status).toBe(403)
    const signedOut = await thrownResponse(() => loader(routeArgs(getRequest('/staff?q=Anna'))))
    expect(signedOut.status).toBe(302)
    expect(signedOut.headers.get('Location')).toMatch(/^\/staff\/login\?redirectTo=/)
  })
})

describe('name search uses the trigram index', () => {
  test('EXPLAIN on a few thousand customers shows a bitmap scan of customers_name_trgm', async () => {
    const db = database.db
    await seedScale(db, { customers: 3000 })
    await sql`analyze customers`.execute(db)
    const query = customerSearchQuery('Ana Brg', { limit: 20 })
    if (!query) throw new Error('a 7-character term searches names')
    // On 3,000 rows a full scan is honestly cheaper than the trigram index, so the planner is
    // told, step by step, to avoid full scans: first the sequential scan, then the equivalent
    // full walk of the primary key. The plan asserted is the one a large table gets by itself.
    const settings = [[], ['enable_seqscan'], ['enable_seqscan', 'enable_indexscan']]
    const plans: { disabled: string[]; plan: string }[] = []
    for (const disabled of settings) {
      const plan = await db.transaction().execute(async (trx) => {
        for (const setting of disabled) await sql`set local ${sql.raw(setting)} = off`.execute(trx)
        const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(trx)
        return rows.map((row) => row['QUERY PLAN']).join('\n')
      })
      plans.push({ disabled, plan })
      if (plan.includes('customers_name_trgm')) break
    }
    const used = plans.at(-1)
    console.info(`EXPLAIN with ${used?.disabled.join(', ') || 'no settings'} off:\n${used?.plan}`)
    expect(used?.plan).toMatch(/Bitmap Index Scan on customers_name_trgm/)
    expect(used?.plan).toMatch(
      /Index Cond: \(lower\(\(\(given_name \|\| ' '::text\) \|\| family_name\)\) % /,
    )
  }, 120_000)
})
