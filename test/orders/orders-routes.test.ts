import { describe, expect, test } from 'vitest'
import { loader as rootLoader } from '#app/root.tsx'
import { loader as orderLoader } from '#app/routes/orders.$orderNumber.tsx'
import { loader as ordersLoader } from '#app/routes/orders._index.tsx'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import { countQueries } from '#db/query-count.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createStaffAccount,
  getRequest,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
  thrownResponse,
} from '#test/support/fixtures.ts'
import { createOrder } from './order-fixtures.ts'

const database = useTestDatabase()

async function listPage(path: string, cookie: string) {
  return ordersLoader(routeArgs(getRequest(path, { cookie })))
}

async function detailPage(orderNumber: string, cookie: string) {
  const path = `/orders/${encodeURIComponent(orderNumber)}`
  return orderLoader(routeArgs(getRequest(path, { cookie }), { orderNumber }))
}

/** What a browser would see of a thrown answer: enough to tell two answers apart. */
async function answerOf(response: Response) {
  return {
    status: response.status,
    statusText: response.statusText,
    location: response.headers.get('Location'),
    body: await response.text(),
  }
}

describe('/orders', () => {
  test('lists the signed-in customer’s orders only, newest first', async () => {
    const anna = await signedInCustomer(database.db)
    const other = await signedInCustomer(database.db)
    const older = await createOrder(database.db, anna.customerId, {
      status: 'delivered',
      placedAt: new Date('2026-02-01T10:00:00Z'),
    })
    const newer = await createOrder(database.db, anna.customerId, {
      status: 'shipped',
      placedAt: new Date('2026-02-03T10:00:00Z'),
    })
    await createOrder(database.db, other.customerId, { placedAt: new Date('2026-02-02T10:00:00Z') })

    const page = await listPage('/orders', anna.cookie)

    expect(page.data).toMatchObject({
      title: 'Your orders · Customer portal',
      orders: [
        { orderNumber: newer.orderNumber, status: 'shipped', totalMinor: 4990, currency: 'EUR' },
        { orderNumber: older.orderNumber, status: 'delivered' },
      ],
      nextCursor: null,
      status: null,
      isOlderPage: false,
    })
    expect(page.data.orders).toHaveLength(2)
  })

  test('filters by status; "all", an unknown status and a tampered cursor are not errors', async () => {
    const anna = await signedInCustomer(database.db)
    const delivered = await createOrder(database.db, anna.customerId, { status: 'delivered' })
    const placed = await createOrder(database.db, anna.customerId, { status: 'placed' })

    const filtered = await listPage('/orders?status=delivered', anna.cookie)
    expect(filtered.data.status).toBe('delivered')
    expect(filtered.data.orders.map((order) => order.orderNumber)).toEqual([delivered.orderNumber])

    for (const query of ['?status=all', '?status=lost-in-space', '?after=%%%garbage', '?status=']) {
      const page = await listPage(`/orders${query}`, anna.cookie)
      expect(page.data.status, query).toBeNull()
      expect(page.data.orders.map((order) => order.orderNumber).sort(), query).toEqual(
        [delivered.orderNumber, placed.orderNumber].sort(),
      )
    }
  })

  test('pages of twenty with a cursor for the next', async () => {
    const anna = await signedInCustomer(database.db)
    for (let n = 0; n < 21; n++) {
      await createOrder(database.db, anna.customerId, {
        placedAt: new Date(Date.UTC(2026, 0, 1, 0, n)),
        events: false,
      })
    }
    const first = await listPage('/orders', anna.cookie)
    expect(first.data.orders).toHaveLength(20)
    expect(first.data.nextCursor).toEqual(expect.any(String))

    const second = await listPage(`/orders?after=${first.data.nextCursor}`, anna.cookie)
    expect(second.data.orders).toHaveLength(1)
    expect(second.data.orders[0]?.placedAt).toEqual(new Date(Date.UTC(2026, 0, 1, 0, 0)))
    expect(second.data.nextCursor).toBeNull()
    expect(second.data.isOlderPage).toBe(true)
  })

  test('signed out: to the sign-in page, coming back to the same list', async () => {
    const response = await thrownResponse(() =>
      ordersLoader(routeArgs(getRequest('/orders?status=paid'))),
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/login?redirectTo=%2Forders%3Fstatus%3Dpaid')
  })

  test('staff get the 403 page, not a customer’s list', async () => {
    const staff = await createStaffAccount(database.db)
    const cookie = await sessionCookieFor(staff.accountId)
    const response = await thrownResponse(() => listPage('/orders', cookie))
    expect(response.status).toBe(403)
  })
})

describe('/orders/:orderNumber', () => {
  test('shows the owner their order with lines, shipments and timeline', async () => {
    const anna = await signedInCustomer(database.db)
    const order = await createOrder(database.db, anna.customerId, {
      status: 'delivered',
      promisedDeliveryOn: '2026-03-05',
      shipment: { carrier: 'PostNord', trackingNumber: 'RR123456789SE', status: 'delivered' },
    })

    const page = await detailPage(order.orderNumber, anna.cookie)

    expect(page.data.title).toBe(`Order ${order.orderNumber} · Customer portal`)
    expect(page.data.order).toMatchObject({
      id: order.id,
      orderNumber: order.orderNumber,
      status: 'delivered',
      totalMinor: 4990,
      lines: [{ sku: 'KET-1001', quantity: 1 }],
      shipments: [{ carrier: 'PostNord', trackingNumber: 'RR123456789SE' }],
    })
    expect(page.data.order.events.map((event) => event.status)).toEqual([
      'placed',
      'paid',
      'packed',
      'shipped',
      'delivered',
    ])
    // Delivered: the promise no longer matters, so it cannot be late.
    expect(page.data.deliveryLate).toBe(false)
  })

  test('a promised day that has passed where the customer lives marks the delivery late', async () => {
    const anna = await signedInCustomer(database.db)
    const order = await createOrder(database.db, anna.customerId, {
      status: 'shipped',
      promisedDeliveryOn: '2020-01-01',
    })
    expect((await detailPage(order.orderNumber, anna.cookie)).data.deliveryLate).toBe(true)
  })

  test('someone else’s order and an unknown number answer the same 404', async () => {
    const anna = await signedInCustomer(database.db)
    const lucas = await signedInCustomer(database.db)
    const lucasOrder = await createOrder(database.db, lucas.customerId)

    const foreign = await answerOf(
      await thrownResponse(() => detailPage(lucasOrder.orderNumber, anna.cookie)),
    )
    const unknown = await answerOf(
      await thrownResponse(() => detailPage('O999999999', anna.cookie)),
    )
    const nonsense = await answerOf(
      await thrownResponse(() => detailPage(`${'9'.repeat(300)}'--`, anna.cookie)),
    )

    expect(foreign).toEqual({ status: 404, statusText: 'Not Found', location: null, body: '' })
    expect(unknown).toEqual(foreign)
    expect(nonsense).toEqual(foreign)
    // The 404 is the scoping, not a broken page: the owner opens the same number.
    expect((await detailPage(lucasOrder.orderNumber, lucas.cookie)).data.order.id).toBe(
      lucasOrder.id,
    )
  })

  test('signed out: to the sign-in page, coming back to the order', async () => {
    const anna = await signedInCustomer(database.db)
    const order = await createOrder(database.db, anna.customerId)
    const path = `/orders/${order.orderNumber}`
    const response = await thrownResponse(() =>
      orderLoader(routeArgs(getRequest(path), { orderNumber: order.orderNumber })),
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe(`/login?redirectTo=${encodeURIComponent(path)}`)
  })
})

describe('SQL per page request (root loader and the page’s loader on one request)', () => {
  async function countPage(request: Request, pageLoader: () => Promise<unknown>) {
    return (
      // In a request scope, as our server runs every request.
      (
        await countQueries(() =>
          runInRequestScope(async () => {
            await rootLoader(routeArgs(request))
            await pageLoader()
          }),
        )
      ).queries
    )
  }

  /** What the root loader costs on its own (the session, the header's organisations). */
  async function rootOnly(request: Request) {
    return countPage(request, async () => {})
  }

  test('/orders: the session, then one page of orders', async () => {
    const anna = await signedInCustomer(database.db)
    for (let n = 0; n < 25; n++) {
      await createOrder(database.db, anna.customerId, { events: false })
    }
    for (const path of ['/orders', '/orders?status=placed']) {
      const request = getRequest(path, { cookie: anna.cookie })
      const root = await rootOnly(request)
      expect(root).toBeLessThanOrEqual(2)
      expect(await countPage(request, () => ordersLoader(routeArgs(request))), path).toBe(root + 1)
    }
  })

  test('/orders/:orderNumber: the session, then order, lines, shipments and events', async () => {
    const anna = await signedInCustomer(database.db)
    const order = await createOrder(database.db, anna.customerId, {
      status: 'refunded',
      lines: Array.from({ length: 12 }, (_, index) => ({
        sku: `SKU-${index}`,
        description: `Item ${index}`,
        quantity: 1,
        unitPriceMinor: 100,
      })),
      shipment: { carrier: 'DHL', trackingNumber: '1234567890', status: 'delivered' },
    })
    const request = getRequest(`/orders/${order.orderNumber}`, { cookie: anna.cookie })
    const params = { orderNumber: order.orderNumber }
    const root = await rootOnly(request)
    expect(await countPage(request, () => orderLoader(routeArgs(request, params)))).toBe(root + 4)

    // An order that is not the customer's stops after the first lookup.
    const missing = getRequest('/orders/O999999999', { cookie: anna.cookie })
    const missingParams = { orderNumber: 'O999999999' }
    expect(
      await countPage(missing, () =>
        orderLoader(routeArgs(missing, missingParams)).catch((error: unknown) => {
          if (error instanceof Response && error.status === 404) return null
          throw error
        }),
      ),
    ).toBe(root + 1)
  })
})
