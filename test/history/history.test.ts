import { readFileSync } from 'node:fs'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { loader as historyLoader } from '#app/routes/history.tsx'
import { loader as profileLoader } from '#app/routes/profile._index.tsx'
import {
  type Actor,
  type HistoryEntityType,
  historyValues,
  listCustomerHistory,
} from '#db/history.ts'
import { countQueries } from '#db/query-count.ts'
import type { JsonValue } from '#db/schema.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createStaffAccount,
  getRequest,
  routeArgs,
  signedInCustomer,
  thrownResponse,
} from '#test/support/fixtures.ts'
import { answer, placeOrder } from '../profile/profile-support.ts'

const database = useTestDatabase()

async function write(
  customerId: string,
  rows: {
    entityType: HistoryEntityType
    action: string
    at: string
    actor?: Actor
    entityId?: string
    before?: JsonValue
    after?: JsonValue
  }[],
) {
  await database.db
    .insertInto('record_history')
    .values(
      rows.map((row) => ({
        ...historyValues({
          customerId,
          entityType: row.entityType,
          entityId: row.entityId ?? customerId,
          action: row.action,
          actor: row.actor ?? { kind: 'system' },
          channel: row.actor?.kind === 'staff' ? 'staff' : 'system',
          before: row.before,
          after: row.after,
        }),
        occurred_at: sql<Date>`${row.at}::timestamptz`,
      })),
    )
    .execute()
}

/** A customer of their own for each test; their creation wrote a few rows already. */
async function quietCustomer() {
  return signedInCustomer(database.db)
}

describe('listCustomerHistory', () => {
  it('lists the customer’s rows newest first, naming the staff member and the order', async () => {
    const customer = await signedInCustomer(database.db)
    const other = await signedInCustomer(database.db)
    const agent = await createStaffAccount(database.db, { displayName: 'Maja Lind' })
    const orderId = await placeOrder(database.db, customer.customerId)
    const { order_number: orderNumber } = await database.db
      .selectFrom('orders')
      .select('order_number')
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow()
    await write(customer.customerId, [
      { entityType: 'order', action: 'placed', at: '2030-01-01T10:00:00Z', entityId: orderId },
      {
        entityType: 'customer',
        action: 'details_changed',
        at: '2030-01-02T10:00:00Z',
        actor: { kind: 'staff', id: agent.accountId },
        before: { family_name: 'Berg' },
        after: { family_name: 'Lind' },
      },
    ])
    await write(other.customerId, [
      { entityType: 'customer', action: 'details_changed', at: '2030-01-03T10:00:00Z' },
    ])

    const page = await listCustomerHistory(database.db, customer.customerId, { limit: 2 })

    expect(page.items).toEqual([
      {
        id: expect.any(Number),
        occurredAt: new Date('2030-01-02T10:00:00Z'),
        entityType: 'customer',
        action: 'details_changed',
        actorKind: 'staff',
        staffName: 'Maja Lind',
        channel: 'staff',
        before: { family_name: 'Berg' },
        after: { family_name: 'Lind' },
        reference: null,
      },
      {
        id: expect.any(Number),
        occurredAt: new Date('2030-01-01T10:00:00Z'),
        entityType: 'order',
        action: 'placed',
        actorKind: 'system',
        staffName: null,
        channel: 'system',
        before: null,
        after: null,
        reference: orderNumber,
      },
    ])
    expect(page.nextCursor).toEqual(expect.any(String))
    // Another customer's order id in a row never names their order.
    const strangers = await listCustomerHistory(database.db, other.customerId, { limit: 10 })
    expect(strangers.items.every((item) => item.reference === null)).toBe(true)
  })

  it('pages through every row exactly once, also rows written in the same microsecond', async () => {
    const customer = await quietCustomer()
    const at = (minute: number) => `2031-05-01T08:${String(minute).padStart(2, '0')}:00.123456Z`
    await write(
      customer.customerId,
      Array.from({ length: 23 }, (_, index) => ({
        entityType: 'ticket' as const,
        action: 'replied',
        // Groups of three share an instant: only the id tells them apart.
        at: at(Math.floor(index / 3)),
        after: { n: index },
      })),
    )
    const seen: number[] = []
    let after: string | null = null
    let pages = 0
    do {
      const page: Awaited<ReturnType<typeof listCustomerHistory>> = await listCustomerHistory(
        database.db,
        customer.customerId,
        { areas: ['tickets'], after, limit: 5 },
      )
      seen.push(...page.items.map((item) => item.id))
      after = page.nextCursor
      pages++
    } while (after && pages < 20)

    expect(pages).toBe(5)
    expect(new Set(seen).size).toBe(23)
    const all = await database.db
      .selectFrom('record_history')
      .select('id')
      .where('customer_id', '=', customer.customerId)
      .where('entity_type', '=', 'ticket')
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .execute()
    expect(seen).toEqual(all.map((row) => row.id))
  })

  it('filters by area, and treats a tampered cursor as the first page', async () => {
    const customer = await quietCustomer()
    await write(customer.customerId, [
      { entityType: 'phone', action: 'added', at: '2032-01-01T00:00:00Z' },
      { entityType: 'consent', action: 'granted', at: '2032-01-02T00:00:00Z' },
      { entityType: 'request', action: 'created', at: '2032-01-03T00:00:00Z' },
      { entityType: 'account', action: 'password_changed', at: '2032-01-04T00:00:00Z' },
    ])
    const types = async (options: Parameters<typeof listCustomerHistory>[2]) =>
      (await listCustomerHistory(database.db, customer.customerId, options)).items.map(
        (item) => `${item.entityType}.${item.action}`,
      )

    expect(await types({ areas: ['contact', 'requests'], limit: 10 })).toEqual([
      'request.created',
      'phone.added',
      // The customer's creation wrote their email: contact details too.
      'email.added',
    ])
    expect(await types({ areas: ['consent'], limit: 10 })).toEqual([
      'consent.granted',
      'preferences.created',
    ])
    expect(await types({ areas: ['details'], limit: 2 })).toEqual([
      'account.password_changed',
      'customer.created',
    ])
    expect(await types({ entityType: 'phone', limit: 10 })).toEqual(['phone.added'])
    const first = await types({ limit: 3 })
    for (const tampered of ['garbage', Buffer.from('2032-01-01|1; drop').toString('base64url')]) {
      expect(await types({ after: tampered, limit: 3 })).toEqual(first)
    }
  })
})

describe('/history', () => {
  it('shows only the signed-in customer’s history, filtered by the query, and needs sign-in', async () => {
    const customer = await quietCustomer()
    const other = await quietCustomer()
    await write(other.customerId, [
      { entityType: 'order', action: 'placed', at: '2033-01-01T00:00:00Z' },
    ])
    await write(customer.customerId, [
      { entityType: 'ticket', action: 'opened', at: '2033-01-02T00:00:00Z' },
    ])

    const all = answer(await historyLoader(routeArgs(getRequest('/history', customer))))
    expect(all.value.entries.map((entry) => entry.entityType)).toEqual([
      'ticket',
      'preferences',
      'email',
      'customer',
    ])
    const filtered = answer(
      await historyLoader(
        routeArgs(getRequest('/history?area=tickets&area=orders&area=bogus', customer)),
      ),
    )
    expect(filtered.value.areas).toEqual(['tickets', 'orders'])
    expect(filtered.value.entries.map((entry) => entry.action)).toEqual(['opened'])
    expect(filtered.value.nextCursor).toBeNull()

    const signedOut = await thrownResponse(() => historyLoader(routeArgs(getRequest('/history'))))
    expect(signedOut.status).toBe(302)
    expect(signedOut.headers.get('Location')).toBe('/login?redirectTo=%2Fhistory')
  })

  it('counts its SQL statements: /history and /profile each make a fixed few', async () => {
    const customer = await signedInCustomer(database.db)
    const history = await countQueries(() =>
      runInRequestScope(() => historyLoader(routeArgs(getRequest('/history', customer)))),
    )
    const profile = await countQueries(() =>
      runInRequestScope(() => profileLoader(routeArgs(getRequest('/profile', customer)))),
    )
    // The session (1) and the page (history: its page and the record views; profile: record + 3
    // lists).
    expect({ history: history.queries, profile: profile.queries }).toEqual({
      history: 3,
      profile: 5,
    })
  })
})

describe('the history vocabulary', () => {
  const vocabulary: Record<string, string[]> = {
    customer: ['created', 'details_changed'],
    email: [
      'added',
      'removed',
      'verified',
      'primary_changed',
      'sign_in_change_requested',
      'sign_in_changed',
      'sign_in_change_undone',
    ],
    phone: ['added', 'updated', 'removed'],
    address: ['added', 'updated', 'removed', 'defaults_changed'],
    account: ['password_changed'],
    order: ['placed', 'status_changed'],
    request: ['created', 'cancelled', 'answered', 'status_changed'],
    ticket: ['opened', 'replied', 'closed', 'reopened', 'rated', 'status_changed'],
  }
  const translations = JSON.parse(
    readFileSync(new URL('../../app/locales/en/history.json', import.meta.url), 'utf8'),
  ) as {
    actions: Record<string, Record<string, string>>
    fields: Record<string, string>
    channels: Record<string, string>
  }

  it('has plain words for every agreed action and every channel', () => {
    const missing = Object.entries(vocabulary).flatMap(([entity, actions]) =>
      actions
        .filter((action) => !translations.actions[entity]?.[action])
        .map((a) => `${entity}.${a}`),
    )
    expect(missing).toEqual([])
    expect(Object.keys(translations.channels).sort()).toEqual(
      ['api', 'email_link', 'import', 'portal', 'staff', 'system'].sort(),
    )
  })

  it('labels every field the profile writes', () => {
    const written = [
      'given_name',
      'family_name',
      'preferred_name',
      'legal_name',
      'language',
      'time_zone',
      'email',
      'is_primary',
      'primary_email',
      'sign_in_email',
      'requested_email',
      'e164',
      'kind',
      'primary_phone',
      'label',
      'recipient',
      'line1',
      'line2',
      'city',
      'region',
      'postal_code',
      'country_code',
      'is_default_shipping',
      'is_default_billing',
      'default_shipping',
      'default_billing',
    ]
    expect(written.filter((field) => !translations.fields[field])).toEqual([])
  })
})
