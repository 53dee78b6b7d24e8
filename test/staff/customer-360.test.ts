import { describe, expect, it } from 'vitest'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import { loader as historyLoader } from '#app/routes/history.tsx'
import { loader as ordersLoader } from '#app/routes/orders._index.tsx'
import { loader as requestsLoader } from '#app/routes/requests._index.tsx'
import { loader as customer360Loader } from '#app/routes/staff.customers.$customerId.tsx'
import { loader as ticketsLoader } from '#app/routes/tickets._index.tsx'
import { countQueries } from '#db/query-count.ts'
import { listRecordViews, recordRecordView } from '#db/record-access.ts'
import { createRequest } from '#db/requests.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createStaffAccount,
  getRequest,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
  thrownResponse,
} from '#test/support/fixtures.ts'
import { answer, placeOrder, UNKNOWN_ID } from '../profile/profile-support.ts'
import { createTicket } from '../tickets/ticket-fixtures.ts'

const database = useTestDatabase()

async function staff(role: 'agent' | 'supervisor' | 'admin' = 'agent', displayName = 'Sam Agent') {
  const account = await createStaffAccount(database.db, { role, displayName })
  return { ...account, cookie: await sessionCookieFor(account.accountId) }
}

/** A customer with an order, a new request, an open ticket and one waiting on them. */
async function busyCustomer(givenName = 'Anna') {
  const customer = await signedInCustomer(database.db, { givenName })
  const actor = { kind: 'customer' as const, id: customer.accountId }
  const orderId = await placeOrder(database.db, customer.customerId)
  const request = await createRequest(database.db, {
    customerId: customer.customerId,
    actor,
    channel: 'portal',
    kind: 'repair',
    subject: `Kettle of ${givenName}`,
    details: { product: 'Kettle KET-1001', fault: 'Keeps boiling' },
  })
  const open = await createTicket(database.db, customer, { subject: `Open for ${givenName}` })
  const waitingOnCustomer = await createTicket(database.db, customer, {
    subject: `Waiting on ${givenName}`,
    status: 'waiting_on_customer',
  })
  return { ...customer, orderId, request, open, waitingOnCustomer }
}

function view360(customerId: string, cookie: string | null) {
  return customer360Loader(
    routeArgs(getRequest(`/staff/customers/${customerId}`, { cookie }), { customerId }),
  )
}

async function accessLog(customerId?: string) {
  let query = database.db
    .selectFrom('record_access_log')
    .select(['customer_id as customerId', 'staff_account_id as staffAccountId', 'page'])
  if (customerId) query = query.where('customer_id', '=', customerId)
  return query.execute()
}

describe('/staff/customers/:customerId', () => {
  it('shows the same orders, requests, tickets and history the customer sees', async () => {
    const customer = await busyCustomer()
    const agent = await staff()

    const c360 = answer(await view360(customer.customerId, agent.cookie)).value
    const own = { cookie: customer.cookie }
    const orders = answer(await ordersLoader(routeArgs(getRequest('/orders', own)))).value
    const requests = answer(await requestsLoader(routeArgs(getRequest('/requests', own)))).value
    const tickets = answer(await ticketsLoader(routeArgs(getRequest('/tickets', own)))).value
    const history = answer(await historyLoader(routeArgs(getRequest('/history', own)))).value

    expect(c360.profile.id).toBe(customer.customerId)
    expect(c360.profile.emails.map((email) => email.email)).toEqual([customer.email])
    // The customer's lists also say who opened an item and who sees it (organisations); the
    // record's fields are the same ones.
    expect(orders.orders).toMatchObject(c360.orders)
    expect(c360.orders.map((order) => order.id)).toEqual([customer.orderId])
    expect(requests.requests).toMatchObject(c360.requests)
    expect(c360.requests).toHaveLength(1)
    expect(c360.tickets).toEqual(tickets.tickets.map(({ overdue: _overdue, ...ticket }) => ticket))
    expect(c360.tickets).toHaveLength(2)
    expect(c360.history).toEqual(history.entries)
    expect(c360.history.length).toBeGreaterThan(3)
    expect(c360.consent.length).toBeGreaterThan(0)
  })

  it('puts first what the customer waits on us for, not what we wait on them for', async () => {
    const customer = await busyCustomer()
    const agent = await staff()
    const c360 = answer(await view360(customer.customerId, agent.cookie)).value
    expect(c360.waiting.requests.map((item) => item.requestNumber)).toEqual([
      customer.request.requestNumber,
    ])
    expect(c360.waiting.tickets.map((item) => item.ticketNumber)).toEqual([
      customer.open.ticketNumber,
    ])
  })

  it('never shows another customer’s data', async () => {
    const customer = await busyCustomer('Anna')
    const other = await busyCustomer('Berit')
    const agent = await staff()
    const c360 = answer(await view360(customer.customerId, agent.cookie)).value
    const text = JSON.stringify(c360)
    for (const foreign of [
      other.customerId,
      other.customerNumber,
      other.email,
      other.orderId,
      other.request.requestNumber,
      other.open.ticketNumber,
      other.waitingOnCustomer.ticketNumber,
      'Berit',
    ]) {
      expect(text).not.toContain(foreign)
    }
  })

  it('records each view as one access-log row with the staff member and page', async () => {
    const customer = await busyCustomer()
    const agent = await staff()
    expect(await accessLog(customer.customerId)).toEqual([])

    await view360(customer.customerId, agent.cookie)
    expect(await accessLog(customer.customerId)).toEqual([
      { customerId: customer.customerId, staffAccountId: agent.accountId, page: 'customer_360' },
    ])

    await view360(customer.customerId, agent.cookie)
    expect(await accessLog(customer.customerId)).toHaveLength(2)
  })

  it('lets the customer see on /history who looked at their record, newest first', async () => {
    const customer = await busyCustomer()
    const other = await busyCustomer('Berit')
    const first = await staff('agent', 'Sam Agent')
    const second = await staff('supervisor', 'Kim Supervisor')
    await view360(customer.customerId, first.cookie)
    await view360(customer.customerId, second.cookie)
    await view360(other.customerId, first.cookie)

    const history = answer(
      await historyLoader(routeArgs(getRequest('/history', { cookie: customer.cookie }))),
    ).value
    expect(history.recordViews.map((view) => ({ name: view.staffName, page: view.page }))).toEqual([
      { name: 'Kim Supervisor', page: 'customer_360' },
      { name: 'Sam Agent', page: 'customer_360' },
    ])
    expect(history.recordViews[0]?.viewedAt).toBeInstanceOf(Date)
  })

  it('keeps the last 20 views for the customer', async () => {
    const customer = await signedInCustomer(database.db)
    const agent = await staff()
    for (let index = 0; index < 22; index += 1) {
      await recordRecordView(database.db, {
        customerId: customer.customerId,
        staffAccountId: agent.accountId,
        page: 'customer_360',
      })
    }
    const history = answer(
      await historyLoader(routeArgs(getRequest('/history', { cookie: customer.cookie }))),
    ).value
    expect(history.recordViews).toHaveLength(20)
    const all = await listRecordViews(database.db, customer.customerId, { limit: 100 })
    expect(history.recordViews).toEqual(all.slice(0, 20))
  })

  it('refuses to change or delete the access log', async () => {
    const customer = await signedInCustomer(database.db)
    const agent = await staff()
    await view360(customer.customerId, agent.cookie)
    await expect(
      database.db
        .updateTable('record_access_log')
        .set({ page: 'elsewhere' })
        .where('customer_id', '=', customer.customerId)
        .execute(),
    ).rejects.toThrow()
    await expect(
      database.db
        .deleteFrom('record_access_log')
        .where('customer_id', '=', customer.customerId)
        .execute(),
    ).rejects.toThrow()
    expect(await accessLog(customer.customerId)).toHaveLength(1)
  })

  it('answers a customer with 403 and sends the signed-out to the staff sign-in', async () => {
    const customer = await busyCustomer()
    const before = await accessLog()

    const asCustomer = await thrownResponse(() => view360(customer.customerId, customer.cookie))
    expect(asCustomer.status).toBe(403)

    const signedOut = await thrownResponse(() => view360(customer.customerId, null))
    expect(signedOut.status).toBe(302)
    expect(signedOut.headers.get('Location')).toMatch(/^\/staff\/login\?/)

    expect(await accessLog()).toEqual(before)
  })

  it('answers an unknown or malformed id with 404 and logs nothing', async () => {
    const agent = await staff()
    const before = await accessLog()
    for (const id of [UNKNOWN_ID, 'not-a-uuid', "1' or '1'='1"]) {
      const response = await thrownResponse(() => view360(id, agent.cookie))
      expect(response.status).toBe(404)
    }
    expect(await accessLog()).toEqual(before)
  })

  it('makes a fixed number of queries whatever the record holds', async () => {
    const agent = await staff()
    const quiet = await signedInCustomer(database.db)
    const busy = await busyCustomer()
    await createTicket(database.db, busy, { subject: 'Another' })
    await placeOrder(database.db, busy.customerId)

    const small = await countQueries(() =>
      runInRequestScope(() => view360(quiet.customerId, agent.cookie)),
    )
    const large = await countQueries(() =>
      runInRequestScope(() => view360(busy.customerId, agent.cookie)),
    )
    // The session (1), the profile (4), consent state and ledger (2), the three lists and the two
    // waiting lists (5), messages sent (1), history (1), organisations (1), and the access-log
    // row (1).
    expect({ small: small.queries, large: large.queries }).toEqual({ small: 16, large: 16 })
  })
})
