import { sql } from 'kysely'
import { beforeAll, describe, expect, test } from 'vitest'
import { createCustomer } from '#db/customers.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { countRows, refusal } from './database-errors.ts'

// The database is the last line of defence: these rules hold even for code that forgets them.
const database = useTestDatabase()

let customerId: string
let accountId: string
let orderId: string
let ticketId: string

beforeAll(async () => {
  const db = database.db
  ;({ id: customerId } = await createCustomer(
    db,
    { givenName: 'Rule', familyName: 'Keeper', email: 'rule.keeper@example.com' },
    { kind: 'system' },
    'system',
  ))
  ;({ id: accountId } = await db
    .insertInto('accounts')
    .values({ kind: 'customer', email: 'Rule.Keeper@Example.com', customer_id: customerId })
    .returning('id')
    .executeTakeFirstOrThrow())
  ;({ id: orderId } = await db
    .insertInto('orders')
    .values({
      customer_id: customerId,
      currency: 'EUR',
      subtotal_minor: 2000,
      shipping_minor: 495,
      tax_minor: 380,
      total_minor: 2875,
    })
    .returning('id')
    .executeTakeFirstOrThrow())
  ;({ id: ticketId } = await db
    .insertInto('tickets')
    .values({ customer_id: customerId, subject: 'A question', category: 'other' })
    .returning('id')
    .executeTakeFirstOrThrow())
  await db
    .insertInto('consent_ledger')
    .values({
      customer_id: customerId,
      channel: 'email',
      topic: 'newsletter',
      decision: 'granted',
      language: 'en',
      source: 'portal',
      actor_kind: 'customer',
      actor_id: accountId,
    })
    .execute()
})

describe('unique sign-in address', () => {
  test('the same email in other letter case is refused', async () => {
    const before = await countRows(database.db, 'accounts')
    const error = await refusal(
      database.db
        .insertInto('accounts')
        .values({ kind: 'staff', email: 'rule.keeper@EXAMPLE.COM' })
        .execute(),
    )
    expect(error).toMatchObject({ code: '23505', constraint: 'accounts_email_key' })
    expect(await countRows(database.db, 'accounts')).toBe(before)
  })
})

describe('money', () => {
  const order = (amounts: { subtotal: number; shipping: number; tax: number; total: number }) =>
    database.db
      .insertInto('orders')
      .values({
        customer_id: customerId,
        currency: 'EUR',
        subtotal_minor: amounts.subtotal,
        shipping_minor: amounts.shipping,
        tax_minor: amounts.tax,
        total_minor: amounts.total,
      })
      .execute()

  test('a negative amount is refused', async () => {
    const before = await countRows(database.db, 'orders')
    // The total adds up, so only the sign can be what is refused.
    const error = await refusal(order({ subtotal: 1000, shipping: -100, tax: 0, total: 900 }))
    expect(error).toMatchObject({ code: '23514', constraint: 'orders_shipping_minor_check' })
    expect(await countRows(database.db, 'orders')).toBe(before)
  })

  test('an order whose total is not subtotal + shipping + tax is refused', async () => {
    const before = await countRows(database.db, 'orders')
    const error = await refusal(order({ subtotal: 1000, shipping: 100, tax: 200, total: 1200 }))
    expect(error).toMatchObject({ code: '23514', constraint: 'orders_check' })
    expect(await countRows(database.db, 'orders')).toBe(before)
  })

  test('an order line whose total is not quantity × unit price is refused', async () => {
    const line = (lineNumber: number, total: number) =>
      database.db
        .insertInto('order_lines')
        .values({
          order_id: orderId,
          line_number: lineNumber,
          sku: 'MUG-0102',
          description: 'Stoneware mugs, set of 4',
          quantity: 3,
          unit_price_minor: 2399,
          line_total_minor: total,
        })
        .execute()
    await line(1, 7197)
    const error = await refusal(line(2, 7196))
    expect(error).toMatchObject({ code: '23514', constraint: 'order_lines_check' })
    const lines = await database.db
      .selectFrom('order_lines')
      .select(['line_number', 'line_total_minor'])
      .where('order_id', '=', orderId)
      .execute()
    expect(lines).toEqual([{ line_number: 1, line_total_minor: 7197 }])
  })
})

describe('statuses and formats', () => {
  test('a status outside the list is refused and the order keeps its status', async () => {
    const error = await refusal(
      sql`update orders set status = ${'lost'} where id = ${orderId}`.execute(database.db),
    )
    expect(error).toMatchObject({ code: '23514', constraint: 'orders_status_check' })
    const order = await database.db
      .selectFrom('orders')
      .select(['status', 'version'])
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow()
    expect(order).toEqual({ status: 'placed', version: 1 })
  })

  test.each(['0701234567', '+46 70 123 45 67', '+0123456789', '+12345'])(
    'the phone number %j is not E.164 and is refused',
    async (e164) => {
      const before = await countRows(database.db, 'customer_phones')
      const error = await refusal(
        database.db
          .insertInto('customer_phones')
          .values({ customer_id: customerId, e164 })
          .execute(),
      )
      expect(error).toMatchObject({ code: '23514', constraint: 'customer_phones_e164_check' })
      expect(await countRows(database.db, 'customer_phones')).toBe(before)
    },
  )
})

describe('internal notes', () => {
  test('a customer cannot write an internal ticket message', async () => {
    const message = (authorKind: 'customer' | 'staff') =>
      database.db
        .insertInto('ticket_messages')
        .values({
          ticket_id: ticketId,
          author_kind: authorKind,
          author_account_id: accountId,
          visibility: 'internal',
          body: 'Note to self',
        })
        .execute()
    const error = await refusal(message('customer'))
    expect(error).toMatchObject({ code: '23514', constraint: 'ticket_messages_check' })
    expect(await countRows(database.db, 'ticket_messages')).toBe(0)
  })
})

describe('append-only tables', () => {
  test('record_history rows can be neither changed nor deleted', async () => {
    const rows = () =>
      database.db
        .selectFrom('record_history')
        .select(['id', 'action', 'after'])
        .where('customer_id', '=', customerId)
        .orderBy('id')
        .execute()
    const before = await rows()
    expect(before.length).toBeGreaterThan(0)

    const update = await refusal(
      database.db
        .updateTable('record_history')
        .set({ action: 'rewritten' })
        .where('customer_id', '=', customerId)
        .execute(),
    )
    expect(update).toMatchObject({ code: '23001' })
    expect(update.message).toContain('record_history is append-only')

    const remove = await refusal(
      database.db.deleteFrom('record_history').where('customer_id', '=', customerId).execute(),
    )
    expect(remove).toMatchObject({ code: '23001' })
    expect(await rows()).toEqual(before)
  })

  test('consent_ledger rows cannot be deleted', async () => {
    const before = await countRows(database.db, 'consent_ledger')
    expect(before).toBe(1)
    const error = await refusal(
      database.db.deleteFrom('consent_ledger').where('customer_id', '=', customerId).execute(),
    )
    expect(error).toMatchObject({ code: '23001' })
    expect(error.message).toContain('consent_ledger is append-only')
    expect(await countRows(database.db, 'consent_ledger')).toBe(before)
  })
})
