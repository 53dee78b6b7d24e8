import { describe, expect, test } from 'vitest'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import { loader as rootLoader } from '#app/root.tsx'
import { loader as dashboardLoader } from '#app/routes/_index.tsx'
import { createRequest } from '#db/requests.ts'
import { countQueries } from '#db/query-count.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createStaffAccount,
  getRequest,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import { createOrder } from '#test/orders/order-fixtures.ts'
import { createTicket } from '#test/tickets/ticket-fixtures.ts'

const database = useTestDatabase()

type DashboardData = Exclude<Awaited<ReturnType<typeof dashboardLoader>>['data']['dashboard'], null>

async function dashboardOf(cookie: string | null) {
  const result = await dashboardLoader(routeArgs(getRequest('/', { cookie })))
  return result.data.dashboard
}

async function startRequest(owner: { customerId: string; accountId: string }, subject: string) {
  return createRequest(database.db, {
    customerId: owner.customerId,
    actor: { kind: 'customer', id: owner.accountId },
    channel: 'portal',
    kind: 'document',
    subject,
    details: { documentType: 'invoice_copy' },
    orderId: null,
  })
}

async function setUpdated(table: 'orders' | 'requests' | 'tickets', id: string, at: string) {
  await database.db.updateTable(table).set({ updated_at: at }).where('id', '=', id).execute()
}

describe('the customer dashboard', () => {
  test('puts what waits on the customer first, then everything open, newest change first', async () => {
    const anna = await signedInCustomer(database.db)
    const other = await signedInCustomer(database.db)

    const shipped = await createOrder(database.db, anna.customerId, { status: 'shipped' })
    await database.db
      .updateTable('orders')
      .set({ promised_delivery_on: '2026-12-01' })
      .where('id', '=', shipped.id)
      .execute()
    await createOrder(database.db, anna.customerId, { status: 'delivered' })
    const waiting = await startRequest(anna, 'Copy of my invoice')
    await database.db
      .updateTable('requests')
      .set({ status: 'waiting_for_customer' })
      .where('id', '=', waiting.id)
      .execute()
    const ticket = await createTicket(database.db, anna, { subject: 'Where is my parcel?' })
    const closed = await createTicket(database.db, anna, { status: 'closed' })
    // Someone else's open things never appear.
    await createOrder(database.db, other.customerId, { status: 'paid' })
    await createTicket(database.db, other, { subject: 'Not Anna’s' })

    await setUpdated('orders', shipped.id, '2026-11-20T10:00:00Z')
    await setUpdated('tickets', ticket.ticketId, '2026-11-21T10:00:00Z')

    const dashboard = (await dashboardOf(anna.cookie)) as DashboardData
    expect(dashboard.waitingOnCustomer.map(label)).toEqual([`request:${waiting.requestNumber}`])
    // The delivered order and the closed ticket are done: not in progress.
    expect(dashboard.inProgress.map(label)).toEqual([
      `ticket:${ticket.ticketNumber}`,
      `order:${shipped.orderNumber}`,
    ])
    const open = JSON.stringify([dashboard.waitingOnCustomer, dashboard.inProgress])
    expect(open).not.toContain(closed.ticketNumber)
    expect(JSON.stringify(dashboard)).not.toContain('Not Anna’s')

    const order = dashboard.inProgress.find((item) => item.type === 'order')
    // The promise is the end of the promised day.
    expect(order?.dueAt).toEqual(new Date('2026-12-01T23:59:59Z'))
  })

  test('says what is missing from the details, and shows recent changes to the record', async () => {
    const anna = await signedInCustomer(database.db)
    const dashboard = (await dashboardOf(anna.cookie)) as DashboardData
    // A fresh customer has an email but no phone and no address yet.
    expect(dashboard.completeness).toEqual(
      expect.arrayContaining(['phone_missing', 'address_missing']),
    )
    expect(dashboard.waitingOnCustomer).toEqual([])
    expect(dashboard.inProgress).toEqual([])

    await startRequest(anna, 'A contract copy')
    const after = (await dashboardOf(anna.cookie)) as DashboardData
    expect(after.recentActivity[0]).toMatchObject({ entityType: 'request', action: 'created' })
    expect(after.recentActivity.length).toBeLessThanOrEqual(5)
  })

  test('is only for signed-in customers: signed out and staff get the welcome, no data', async () => {
    const staff = await createStaffAccount(database.db)
    expect(await dashboardOf(null)).toBeNull()
    expect(await dashboardOf(await sessionCookieFor(staff.accountId))).toBeNull()
  })

  test('runs a fixed number of queries per request, however much the customer has', async () => {
    const anna = await signedInCustomer(database.db)
    const count = async () =>
      (
        await countQueries(() =>
          runInRequestScope(async () => {
            await rootLoader(routeArgs(getRequest('/', { cookie: anna.cookie })))
            await dashboardLoader(routeArgs(getRequest('/', { cookie: anna.cookie })))
          }),
        )
      ).queries
    const few = await count()
    for (let n = 0; n < 6; n++) {
      await createOrder(database.db, anna.customerId, { status: 'paid' })
      await createTicket(database.db, anna)
    }
    expect(await count()).toBe(few)
    // The root loader (the session, the header's organisations), then open orders, requests,
    // tickets, completeness and recent history.
    const root = (
      await countQueries(() =>
        runInRequestScope(() => rootLoader(routeArgs(getRequest('/', { cookie: anna.cookie })))),
      )
    ).queries
    expect(root).toBeLessThanOrEqual(2)
    expect(few).toBe(root + 5)
  })
})

function label(item: DashboardData['inProgress'][number]): string {
  if (item.type === 'order') return `order:${item.order.orderNumber}`
  if (item.type === 'request') return `request:${item.request.requestNumber}`
  return `ticket:${item.ticket.ticketNumber}`
}
