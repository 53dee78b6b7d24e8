import type { LoaderFunctionArgs } from '@remix-run/node'
import { describe, expect, it } from 'vitest'
import { loader as dashboardLoader } from '#app/routes/_index.tsx'
import { loader as historyLoader } from '#app/routes/history.tsx'
import { loader as ordersLoader } from '#app/routes/orders._index.tsx'
import { loader as preferencesLoader } from '#app/routes/preferences.tsx'
import { loader as profileLoader } from '#app/routes/profile._index.tsx'
import { loader as requestsLoader } from '#app/routes/requests._index.tsx'
import * as viewAsRoute from '#app/routes/staff.customers.$customerId_.as-customer.tsx'
import { loader as ticketsLoader } from '#app/routes/tickets._index.tsx'
import { addCustomerAddress } from '#db/customer-contacts.ts'
import { createRequest } from '#db/requests.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createStaffAccount,
  getRequest,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import { answerOf, createTicket } from '#test/tickets/ticket-fixtures.ts'
import { placeOrder } from '#test/profile/profile-support.ts'

const database = useTestDatabase()

type Loader = (args: LoaderFunctionArgs) => Promise<unknown>

/** Each portal page: its customer URL, its loader, and the staff tab that shows it. */
const PAGES: { page: string; path: string; query: string; loader: Loader }[] = [
  { page: 'dashboard', path: '/', query: '', loader: dashboardLoader },
  { page: 'orders', path: '/orders', query: '', loader: ordersLoader },
  { page: 'requests', path: '/requests', query: '', loader: requestsLoader },
  { page: 'tickets', path: '/tickets', query: '', loader: ticketsLoader },
  { page: 'tickets', path: '/tickets', query: 'status=open', loader: ticketsLoader },
  { page: 'profile', path: '/profile', query: '', loader: profileLoader },
  { page: 'preferences', path: '/preferences', query: '', loader: preferencesLoader },
  { page: 'history', path: '/history', query: '', loader: historyLoader },
  { page: 'history', path: '/history', query: 'area=tickets', loader: historyLoader },
]

/** A customer with something on every page: an order, a request, tickets, an address. */
async function customerWithARecord() {
  const db = database.db
  const customer = await signedInCustomer(db, { givenName: 'Vera' })
  const actor = { kind: 'customer', id: customer.accountId } as const
  await placeOrder(db, customer.customerId)
  await createRequest(db, {
    customerId: customer.customerId,
    actor,
    channel: 'portal',
    kind: 'repair',
    subject: 'Kettle does not switch off',
    details: { product: 'Kettle KET-1001', fault: 'Keeps boiling' },
  })
  await createTicket(db, customer, { subject: 'Where is my parcel?' })
  await createTicket(db, customer, { subject: 'Thanks', status: 'resolved' })
  await addCustomerAddress(db, {
    customerId: customer.customerId,
    actor,
    channel: 'portal',
    address: {
      label: 'Home',
      recipient: 'Vera Berg',
      line1: 'Storgatan 1',
      line2: null,
      city: 'Stockholm',
      region: null,
      postalCode: '118 46',
      countryCode: 'SE',
    },
  })
  return customer
}

async function signedInStaff(role: 'agent' | 'supervisor' | 'admin' = 'agent') {
  const staff = await createStaffAccount(database.db, { role, displayName: 'Viewing Agent' })
  return { ...staff, cookie: await sessionCookieFor(staff.accountId) }
}

function viewAs(cookie: string, customerId: string, query = '') {
  return answerOf(() =>
    viewAsRoute.loader(
      routeArgs(getRequest(`/staff/customers/${customerId}/as-customer?${query}`, { cookie }), {
        customerId,
      }),
    ),
  )
}

function withoutTitle(value: unknown): Record<string, unknown> {
  const { title: _title, ...rest } = value as Record<string, unknown>
  return rest
}

async function viewsOf(customerId: string) {
  const [history, access] = await Promise.all([
    database.db
      .selectFrom('record_history')
      .select(['actor_kind', 'actor_id', 'channel', 'entity_type', 'entity_id', 'after'])
      .where('customer_id', '=', customerId)
      .where('action', '=', 'viewed_as_customer')
      .orderBy('id')
      .execute(),
    database.db
      .selectFrom('record_access_log')
      .select(['staff_account_id', 'page'])
      .where('customer_id', '=', customerId)
      .orderBy('id')
      .execute(),
  ])
  return { history, access }
}

describe('view as customer', () => {
  it('shows each page with exactly the data the customer’s own loader returns', async () => {
    const customer = await customerWithARecord()
    const staff = await signedInStaff()
    for (const { page, path, query, loader } of PAGES) {
      const staffView = await viewAs(staff.cookie, customer.customerId, `page=${page}&${query}`)
      expect(staffView.status, page).toBe(200)
      const viewed = staffView.data as {
        customer: { id: string; customerNumber: string }
        content: { page: string; data: unknown }
      }
      expect(viewed.customer).toMatchObject({
        id: customer.customerId,
        customerNumber: customer.customerNumber,
      })
      expect(viewed.content.page).toBe(page)

      // Read after the staff view, which was recorded first: both see the same record.
      const own = await answerOf(() =>
        loader(routeArgs(getRequest(`${path}?${query}`, { cookie: customer.cookie }))),
      )
      expect(own.status, path).toBe(200)
      expect(viewed.content.data, `${path}?${query}`).toEqual(withoutTitle(own.data))
    }
  })

  it('the data is not empty: the pages really show the customer’s record', async () => {
    const customer = await customerWithARecord()
    const staff = await signedInStaff()
    const data = async (page: string) =>
      (
        (await viewAs(staff.cookie, customer.customerId, `page=${page}`)).data as {
          content: { data: Record<string, unknown[]> }
        }
      ).content.data
    expect(await data('orders')).toMatchObject({ orders: [expect.anything()] })
    expect(await data('requests')).toMatchObject({
      requests: [expect.objectContaining({ subject: 'Kettle does not switch off' })],
    })
    expect((await data('tickets')).tickets).toHaveLength(2)
    expect((await data('profile')).addresses).toHaveLength(1)
  })

  it('records every view in the history and the access log, as staff on the staff channel', async () => {
    const customer = await customerWithARecord()
    const staff = await signedInStaff('supervisor')
    for (const page of ['dashboard', 'history']) {
      expect((await viewAs(staff.cookie, customer.customerId, `page=${page}`)).status).toBe(200)
    }
    // An unknown page is the dashboard, and recorded as such.
    expect((await viewAs(staff.cookie, customer.customerId, 'page=admin')).status).toBe(200)
    const { history, access } = await viewsOf(customer.customerId)
    expect(history).toEqual(
      ['dashboard', 'history', 'dashboard'].map((page) => ({
        actor_kind: 'staff',
        actor_id: staff.accountId,
        channel: 'staff',
        entity_type: 'customer',
        entity_id: customer.customerId,
        after: { page },
      })),
    )
    expect(access).toEqual(
      Array.from({ length: 3 }, () => ({
        staff_account_id: staff.accountId,
        page: 'view_as_customer',
      })),
    )

    // The customer sees who looked, on their own history page.
    const own = await answerOf(() =>
      historyLoader(routeArgs(getRequest('/history', { cookie: customer.cookie }))),
    )
    const ownData = own.data as {
      recordViews: { staffName: string; page: string }[]
      entries: { action: string; staffName: string | null; channel: string }[]
    }
    expect(ownData.recordViews[0]).toMatchObject({
      staffName: 'Viewing Agent',
      page: 'view_as_customer',
    })
    expect(ownData.entries[0]).toMatchObject({
      action: 'viewed_as_customer',
      staffName: 'Viewing Agent',
      channel: 'staff',
    })
  })

  it('answers 404 for an unknown or malformed id and logs nothing', async () => {
    const staff = await signedInStaff()
    const before = await databaseFingerprint(database.db)
    for (const id of ['00000000-0000-4000-8000-00000000beef', 'not-a-uuid']) {
      expect((await viewAs(staff.cookie, id)).status).toBe(404)
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('is for staff only, and has no action a form could post to', async () => {
    const customer = await customerWithARecord()
    const other = await signedInCustomer(database.db)
    const before = await databaseFingerprint(database.db)
    // A customer, even the same one, gets 403; signed out goes to the staff sign-in.
    for (const cookie of [customer.cookie, other.cookie]) {
      expect((await viewAs(cookie, customer.customerId)).status).toBe(403)
    }
    const signedOut = await viewAs('', customer.customerId)
    expect(signedOut.status).toBe(302)
    expect(signedOut.location).toContain('/staff/login')
    expect(await databaseFingerprint(database.db)).toEqual(before)
    expect(viewAsRoute).not.toHaveProperty('action')
  })
})
