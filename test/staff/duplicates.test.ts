import { sql } from 'kysely'
import { beforeAll, describe, expect, test } from 'vitest'
import { loader } from '#app/routes/staff.duplicates._index.tsx'
import {
  decodePairCursor,
  duplicateCandidatesQuery,
  type DuplicatePair,
  listDuplicateCandidates,
  NAME_SIMILARITY_THRESHOLD,
  prepareDuplicateSearch,
} from '#db/customer-duplicates.ts'
import { createCustomer } from '#db/customers.ts'
import { seedScale } from '#db/seed/scale.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createStaffAccount,
  getRequest,
  routeArgs,
  sessionCookieFor,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { answerOf } from '#test/tickets/ticket-fixtures.ts'

const database = useTestDatabase()

async function customer(
  givenName: string,
  familyName: string,
  options: { email?: string; phone?: string | null; postalCode?: string; country?: string } = {},
) {
  const email = options.email ?? uniqueEmail(`${givenName}.${familyName}`.toLowerCase())
  const created = await createCustomer(
    database.db,
    { givenName, familyName, email, phone: options.phone ?? null },
    { kind: 'system' },
    'system',
  )
  if (options.postalCode) {
    await database.db
      .insertInto('customer_addresses')
      .values({
        customer_id: created.id,
        recipient: `${givenName} ${familyName}`,
        line1: 'Storgatan 1',
        city: 'Stockholm',
        postal_code: options.postalCode,
        country_code: options.country ?? 'SE',
        is_default_shipping: true,
      })
      .execute()
  }
  return { ...created, email }
}

async function allPairs(): Promise<DuplicatePair[]> {
  const pairs: DuplicatePair[] = []
  let after: string | null = null
  for (let page = 0; page < 50; page++) {
    const result = await listDuplicateCandidates(database.db, { after, limit: 3, window: 7 })
    pairs.push(...result.items)
    if (!result.nextCursor) return pairs
    after = result.nextCursor
  }
  throw new Error('paging did not end')
}

const key = (a: string, b: string) => [a, b].sort().join('+')
const pairKey = (pair: DuplicatePair) => key(pair.survivor.id, pair.duplicate.id)

describe('possible duplicates', () => {
  type Who =
    | 'emailA'
    | 'emailB'
    | 'accountA'
    | 'accountB'
    | 'phoneA'
    | 'phoneB'
    | 'nameA'
    | 'nameB'
    | 'elsewhere'
    | 'household'
    | 'abroad'
    | 'stranger'
    | 'merged'
  const people = {} as Record<Who, Awaited<ReturnType<typeof customer>>>
  let pairs: DuplicatePair[]

  beforeAll(async () => {
    // Same email in another letter case, on one's record and the other's sign-in.
    people.emailA = await customer('Eva', 'Holm', { email: 'eva.holm@example.com' })
    people.emailB = await customer('Evelina', 'Sund', { email: 'eva.other@example.com' })
    await database.db
      .insertInto('customer_emails')
      .values({ customer_id: people.emailB.id, email: 'EVA.Holm@Example.com' })
      .execute()
    people.accountA = await customer('Per', 'Ek', { email: 'per.ek@example.com' })
    people.accountB = await customer('Pär', 'Öst')
    await database.db
      .insertInto('accounts')
      .values({ kind: 'customer', email: 'Per.Ek@example.COM.se', customer_id: people.accountB.id })
      .execute()
    await database.db
      .insertInto('customer_emails')
      .values({ customer_id: people.accountA.id, email: 'per.ek@example.com.se' })
      .execute()
    // Same phone.
    people.phoneA = await customer('Lars', 'Nilsson', { phone: '+46701112233' })
    people.phoneB = await customer('Maja', 'Strand', { phone: '+46701112233' })
    // Very similar name, same postcode written differently.
    people.nameA = await customer('Anna', 'Berg', { postalCode: '118 46' })
    people.nameB = await customer('Ana', 'Berg', { postalCode: '11846' })
    // Not duplicates: a similar name elsewhere, a household member at the same postcode, the
    // same postcode in another country, and strangers.
    people.elsewhere = await customer('Anna', 'Berg', { postalCode: '411 19' })
    people.household = await customer('Johan', 'Berg', { postalCode: '118 46' })
    people.abroad = await customer('Anna', 'Bergh', { postalCode: '11846', country: 'DE' })
    people.stranger = await customer('Oskar', 'Lind', { phone: '+46709998877' })
    // A merged record is no candidate any more, whatever it shares.
    people.merged = await customer('Lars', 'Nilson', { phone: '+46701112233' })
    await database.db
      .updateTable('customers')
      .set({ status: 'merged', merged_into_id: people.phoneA.id })
      .where('id', '=', people.merged.id)
      .execute()
    pairs = await allPairs()
  })

  test('same email, any letter case, from contact emails and sign-ins', () => {
    const email = pairs.find((pair) => pairKey(pair) === key(people.emailA.id, people.emailB.id))
    expect(email?.reasons).toEqual([{ kind: 'email', email: 'eva.holm@example.com' }])
    const account = pairs.find(
      (pair) => pairKey(pair) === key(people.accountA.id, people.accountB.id),
    )
    expect(account?.reasons).toEqual([{ kind: 'email', email: 'per.ek@example.com.se' }])
    // The record with a sign-in is the one suggested to survive.
    expect(account?.survivor.id).toBe(people.accountB.id)
  })

  test('same phone number', () => {
    const phone = pairs.find((pair) => pairKey(pair) === key(people.phoneA.id, people.phoneB.id))
    expect(phone?.reasons).toEqual([{ kind: 'phone', e164: '+46701112233' }])
  })

  test('very similar name with the same postcode, spaces and case ignored', () => {
    const name = pairs.find((pair) => pairKey(pair) === key(people.nameA.id, people.nameB.id))
    expect(name?.reasons).toHaveLength(1)
    const reason = name?.reasons[0]
    expect(reason?.kind).toBe('name')
    if (reason?.kind !== 'name') return
    expect(reason.postalCode).toBe('11846')
    expect(reason.similarity).toBeGreaterThanOrEqual(NAME_SIMILARITY_THRESHOLD)
  })

  test('nothing else: every pair found is one of the three, each once', () => {
    const expected = [
      key(people.emailA.id, people.emailB.id),
      key(people.accountA.id, people.accountB.id),
      key(people.phoneA.id, people.phoneB.id),
      key(people.nameA.id, people.nameB.id),
    ].sort()
    expect(pairs.map(pairKey).sort()).toEqual(expected)
  })

  test('a tampered cursor is the first page', async () => {
    expect(decodePairCursor('not-a-cursor')).toBeNull()
    const first = await listDuplicateCandidates(database.db, { limit: 2 })
    const tampered = await listDuplicateCandidates(database.db, { after: 'bogus', limit: 2 })
    expect(tampered.items.map(pairKey)).toEqual(first.items.map(pairKey))
  })

  test('the page: supervisors see the pairs, agents get 403', async () => {
    const supervisor = await createStaffAccount(database.db, { role: 'supervisor' })
    const agent = await createStaffAccount(database.db, { role: 'agent' })
    const supervisorCookie = await sessionCookieFor(supervisor.accountId)
    const agentCookie = await sessionCookieFor(agent.accountId)
    const ok = await answerOf(() =>
      loader(routeArgs(getRequest('/staff/duplicates', { cookie: supervisorCookie }))),
    )
    expect(ok.status).toBe(200)
    const shown = (ok.data as { pairs: DuplicatePair[] }).pairs
    expect(shown.map(pairKey)).toContain(key(people.phoneA.id, people.phoneB.id))
    const refused = await answerOf(() =>
      loader(routeArgs(getRequest('/staff/duplicates', { cookie: agentCookie }))),
    )
    expect(refused.status).toBe(403)
  })

  test('EXPLAIN on a few thousand customers: names through customers_name_trgm', async () => {
    const db = database.db
    await seedScale(db, { customers: 3000 })
    await sql`analyze`.execute(db)
    const query = duplicateCandidatesQuery({ after: null, limit: 50, window: 100 })
    const plan = await db.transaction().execute(async (trx) => {
      await prepareDuplicateSearch(trx)
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(trx)
      return rows.map((row) => row['QUERY PLAN']).join('\n')
    })
    console.info(`EXPLAIN duplicates:\n${plan}`)
    expect(plan).toMatch(/Bitmap Index Scan on customers_name_trgm/)
    // Emails and phones by their indexes too, one anchor at a time: no self-join of the table.
    expect(plan).toMatch(/customer_phones_e164/)
    expect(plan).toMatch(/customer_emails_email/)

    // And a page over the bench data finishes in bounded time with what it found.
    const started = Date.now()
    const page = await listDuplicateCandidates(db, { limit: 50 })
    const took = Date.now() - started
    console.info(`duplicates page on 3,000 customers: ${took} ms`)
    expect(took).toBeLessThan(20_000)
    expect(page.items.length).toBeGreaterThan(0)
    for (const pair of page.items) expect(pair.reasons.length).toBeGreaterThan(0)
  }, 180_000)
})
