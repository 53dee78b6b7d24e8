import { CompiledQuery, createQueryId, type RootOperationNode, sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import type { Viewer } from '#db/item-visibility.ts'
import { encodeCursor } from '#db/keyset.ts'
import {
  findCustomerOrderByNumber,
  getCustomerOrder,
  listCustomerOrders,
  listOpenOrders,
  ORDER_STATUSES,
} from '#db/orders.ts'
import { countQueries } from '#db/query-count.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { createCustomerAccount } from '#test/support/fixtures.ts'
import { createOrder, STOCKHOLM_ADDRESS } from './order-fixtures.ts'

const database = useTestDatabase()

/** The person acting for themselves: their personal items only. */
function personal(customerId: string): Viewer {
  return { customerId, actingFor: null }
}

async function newCustomer() {
  return (await createCustomerAccount(database.db)).customerId
}

/** Every page from the first to the last, as a customer clicking "Older orders" would see them. */
async function allPages(customerId: string, options: { status?: (typeof ORDER_STATUSES)[number] }) {
  const pages: string[][] = []
  let after: string | null = null
  do {
    const page: Awaited<ReturnType<typeof listCustomerOrders>> = await listCustomerOrders(
      database.db,
      customerId,
      { ...options, after, limit: 20 },
    )
    pages.push(page.items.map((item) => item.orderNumber))
    after = page.nextCursor
    if (pages.length > 10) throw new Error('The pages never end')
  } while (after)
  return pages
}

describe('listCustomerOrders', () => {
  test('keyset pages cover 45 orders exactly once, newest first, ties broken by id', async () => {
    const customerId = await newCustomer()
    const other = await newCustomer()
    // Microsecond times, as now() stores them, and groups of three orders placed in the same
    // microsecond: a cursor that lost either would repeat or skip rows at page boundaries.
    const expected: { id: string; orderNumber: string; at: string }[] = []
    for (let n = 0; n < 45; n++) {
      const second = String(Math.floor(n / 3)).padStart(2, '0')
      const at = `2026-03-01T10:00:${second}.123456Z`
      const order = await createOrder(database.db, customerId, { placedAt: at })
      expected.push({ ...order, at })
      // Someone else's orders interleaved in time must never show up.
      if (n % 5 === 0) await createOrder(database.db, other, { placedAt: at })
    }
    const newestFirst = [...expected]
      .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
      .map((order) => order.orderNumber)

    const pages = await allPages(customerId, {})

    expect(pages.map((page) => page.length)).toEqual([20, 20, 5])
    expect(pages.flat()).toEqual(newestFirst)
    expect(new Set(pages.flat()).size).toBe(45)
  })

  test('a page carries what a row shows, in the order’s own currency', async () => {
    const customerId = await newCustomer()
    const placedAt = new Date('2026-04-02T08:30:00.000Z')
    const order = await createOrder(database.db, customerId, {
      status: 'shipped',
      placedAt,
      currency: 'SEK',
      lines: [{ sku: 'BAG-3310', description: 'Backpack', quantity: 2, unitPriceMinor: 59900 }],
      shippingMinor: 4900,
      taxMinor: 29950,
    })
    const page = await listCustomerOrders(database.db, customerId, { limit: 20 })
    expect(page).toEqual({
      items: [
        {
          id: order.id,
          orderNumber: order.orderNumber,
          status: 'shipped',
          placedAt,
          totalMinor: 119800 + 4900 + 29950,
          currency: 'SEK',
        },
      ],
      nextCursor: null,
    })
  })

  test('the status filter shows only that status, and pages within it', async () => {
    const customerId = await newCustomer()
    const start = Date.UTC(2026, 0, 1)
    const delivered: string[] = []
    for (let n = 0; n < 25; n++) {
      const status = n % 2 === 0 ? 'delivered' : 'cancelled'
      const order = await createOrder(database.db, customerId, {
        status,
        placedAt: new Date(start + n * 60_000),
      })
      if (status === 'delivered') delivered.unshift(order.orderNumber)
    }
    const pages = await allPages(customerId, { status: 'delivered' })
    expect(pages.map((page) => page.length)).toEqual([13])
    expect(pages.flat()).toEqual(delivered)

    const none = await listCustomerOrders(database.db, customerId, {
      status: 'refunded',
      limit: 20,
    })
    expect(none).toEqual({ items: [], nextCursor: null })
  })

  test('a tampered or foreign cursor never fails and never shows someone else’s orders', async () => {
    const customerId = await newCustomer()
    const other = await newCustomer()
    for (let n = 0; n < 3; n++) {
      await createOrder(database.db, customerId, { placedAt: new Date(Date.UTC(2026, 1, n + 1)) })
    }
    const foreign = await createOrder(database.db, other, {
      placedAt: new Date(Date.UTC(2026, 1, 2, 12)),
    })
    const firstPage = await listCustomerOrders(database.db, customerId, { limit: 20 })
    expect(firstPage.items).toHaveLength(3)

    for (const after of [
      'not-a-cursor',
      '',
      'x'.repeat(500),
      encodeCursor({ at: '2026-02-02T12:00:00.000000Z', id: 'nope' }),
    ]) {
      expect(await listCustomerOrders(database.db, customerId, { after, limit: 20 })).toEqual(
        firstPage,
      )
    }
    // A well-formed cursor naming another customer's order: only the cursor's time is used,
    // the other customer's row is neither shown nor used to position the page.
    const atForeign = await listCustomerOrders(database.db, customerId, {
      after: encodeCursor({ at: '2026-02-02T12:00:00.000000Z', id: foreign.id }),
      limit: 20,
    })
    expect(atForeign.items.map((item) => item.placedAt)).toEqual([
      new Date(Date.UTC(2026, 1, 2)),
      new Date(Date.UTC(2026, 1, 1)),
    ])
  })

  test('one query per page, with the cursor as an index condition', async () => {
    const customerId = await newCustomer()
    for (let n = 0; n < 25; n++) await createOrder(database.db, customerId, { events: false })
    const first = await listCustomerOrders(database.db, customerId, { limit: 20 })
    const counted = await countQueries(() =>
      listCustomerOrders(database.db, customerId, { after: first.nextCursor, limit: 20 }),
    )
    expect(counted.result.items).toHaveLength(5)
    expect(counted.queries).toBe(1)

    // Keyset only pays off if the database starts the scan at the cursor instead of reading and
    // discarding the newer rows; the plan shows whether it does.
    const plan = await database.db.transaction().execute(async (trx) => {
      // A table this small would otherwise be read whole, whatever the indexes.
      await sql`set local enable_seqscan = off`.execute(trx)
      const captured: RootOperationNode[] = []
      await listCustomerOrders(
        trx.withPlugin({
          transformQuery: ({ node }) => {
            captured.push(node)
            return node
          },
          transformResult: async ({ result }) => result,
        }),
        customerId,
        { after: first.nextCursor, limit: 20 },
      )
      // Subqueries pass through the plugin too; the statement sent is the last node.
      const node = captured.at(-1)
      if (!node) throw new Error('No query was run')
      const query = trx.getExecutor().compileQuery(node, createQueryId())
      const explained = await trx.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]),
      )
      return explained.rows.map((row) => row['QUERY PLAN']).join('\n')
    })
    expect(plan).toMatch(/Index (Only )?Scan using orders_customer_placed on orders/)
    expect(plan).toMatch(/Index Cond: .*ROW\(placed_at, id\) < ROW\(/)
  })
})

describe('listOpenOrders', () => {
  test('orders still on their way, newest first, in the agreed shape', async () => {
    const customerId = await newCustomer()
    const other = await newCustomer()
    const byStatus = new Map<string, string>()
    for (const [index, status] of ORDER_STATUSES.entries()) {
      const order = await createOrder(database.db, customerId, {
        status,
        placedAt: new Date(Date.UTC(2026, 5, index + 1)),
        promisedDeliveryOn: '2026-07-01',
      })
      byStatus.set(status, order.id)
    }
    await createOrder(database.db, other, { status: 'paid' })

    const open = await listOpenOrders(database.db, customerId)

    expect(open.map((order) => order.status)).toEqual(['shipped', 'packed', 'paid', 'placed'])
    expect(open[0]).toEqual({
      id: byStatus.get('shipped'),
      orderNumber: expect.stringMatching(/^O\d+$/),
      status: 'shipped',
      placedAt: new Date(Date.UTC(2026, 5, 4)),
      updatedAt: expect.any(Date),
      promisedDeliveryOn: '2026-07-01',
      totalMinor: 4990,
      currency: 'EUR',
    })
  })
})

describe('findCustomerOrderByNumber', () => {
  test('finds the customer’s own order only', async () => {
    const customerId = await newCustomer()
    const other = await newCustomer()
    const mine = await createOrder(database.db, customerId)
    const theirs = await createOrder(database.db, other)

    expect(await findCustomerOrderByNumber(database.db, customerId, mine.orderNumber)).toEqual(mine)
    expect(await findCustomerOrderByNumber(database.db, customerId, theirs.orderNumber)).toBeNull()
    expect(await findCustomerOrderByNumber(database.db, customerId, 'O999999999')).toBeNull()
    expect(await findCustomerOrderByNumber(database.db, customerId, 'x'.repeat(1000))).toBeNull()
  })
})

describe('getCustomerOrder', () => {
  test('the order with its lines, shipments and timeline, in four queries', async () => {
    const customerId = await newCustomer()
    const placedAt = new Date('2026-05-10T09:00:00.000Z')
    const order = await createOrder(database.db, customerId, {
      status: 'shipped',
      placedAt,
      currency: 'SEK',
      lines: [
        { sku: 'HDP-2040', description: 'Headphones', quantity: 1, unitPriceMinor: 149900 },
        { sku: 'BTL-0750', description: 'Water bottle', quantity: 2, unitPriceMinor: 19900 },
      ],
      shippingMinor: 0,
      taxMinor: 47425,
      promisedDeliveryOn: '2026-05-15',
      billingAddress: { ...STOCKHOLM_ADDRESS, line2: 'c/o Berg', region: 'Stockholms län' },
      shipment: { carrier: 'PostNord', trackingNumber: 'RR123456789SE', status: 'in_transit' },
    })

    const { result, queries } = await countQueries(() =>
      getCustomerOrder(database.db, personal(customerId), order.orderNumber),
    )

    expect(queries).toBe(4)
    expect(result).toEqual({
      id: order.id,
      orderNumber: order.orderNumber,
      status: 'shipped',
      // The customer's own personal order: no one else to name, nobody to share it with.
      organisationId: null,
      isOpener: true,
      openerName: null,
      sharing: null,
      currency: 'SEK',
      subtotalMinor: 189700,
      shippingMinor: 0,
      taxMinor: 47425,
      totalMinor: 237125,
      shippingAddress: STOCKHOLM_ADDRESS,
      billingAddress: { ...STOCKHOLM_ADDRESS, line2: 'c/o Berg', region: 'Stockholms län' },
      promisedDeliveryOn: '2026-05-15',
      placedAt,
      updatedAt: expect.any(Date),
      lines: [
        {
          lineNumber: 1,
          sku: 'HDP-2040',
          description: 'Headphones',
          quantity: 1,
          unitPriceMinor: 149900,
          lineTotalMinor: 149900,
        },
        {
          lineNumber: 2,
          sku: 'BTL-0750',
          description: 'Water bottle',
          quantity: 2,
          unitPriceMinor: 19900,
          lineTotalMinor: 39800,
        },
      ],
      shipments: [
        {
          id: expect.any(String),
          carrier: 'PostNord',
          trackingNumber: 'RR123456789SE',
          status: 'in_transit',
          shippedAt: null,
          deliveredAt: null,
        },
      ],
      events: ['placed', 'paid', 'packed', 'shipped'].map((status, index) => ({
        id: expect.any(Number),
        status,
        note: null,
        occurredAt: new Date(placedAt.getTime() + index * 3_600_000),
      })),
    })
  })

  test('the query count does not grow with the order’s size', async () => {
    const customerId = await newCustomer()
    const lines = Array.from({ length: 30 }, (_, index) => ({
      sku: `SKU-${index}`,
      description: `Item ${index}`,
      quantity: 1,
      unitPriceMinor: 100,
    }))
    const order = await createOrder(database.db, customerId, { status: 'refunded', lines })
    const { result, queries } = await countQueries(() =>
      getCustomerOrder(database.db, personal(customerId), order.orderNumber),
    )
    expect(result?.lines).toHaveLength(30)
    expect(result?.events).toHaveLength(7)
    expect(queries).toBe(4)
  })

  test('null for someone else’s order and for an unknown number alike', async () => {
    const customerId = await newCustomer()
    const other = await newCustomer()
    const theirs = await createOrder(database.db, other)
    expect(await getCustomerOrder(database.db, personal(customerId), theirs.orderNumber)).toBeNull()
    expect(await getCustomerOrder(database.db, personal(customerId), 'O999999999')).toBeNull()
    expect(await getCustomerOrder(database.db, personal(customerId), "O1' or '1'='1")).toBeNull()
    // The owner still sees it: the null above is the scoping, not a broken query.
    expect((await getCustomerOrder(database.db, personal(other), theirs.orderNumber))?.id).toBe(
      theirs.id,
    )
  })

  test('a missing or malformed address snapshot shows as not recorded', async () => {
    const customerId = await newCustomer()
    const order = await createOrder(database.db, customerId, {
      shippingAddress: null,
      billingAddress: { street: 'somewhere' },
    })
    const found = await getCustomerOrder(database.db, personal(customerId), order.orderNumber)
    expect(found?.shippingAddress).toBeNull()
    expect(found?.billingAddress).toBeNull()
  })
})
