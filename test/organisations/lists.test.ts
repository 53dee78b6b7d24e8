import { beforeAll, describe, expect, test } from 'vitest'
import { loader as dashboardLoader } from '#app/routes/_index.tsx'
import { loader as orderLoader } from '#app/routes/orders.$orderNumber.tsx'
import { loader as ordersLoader } from '#app/routes/orders._index.tsx'
import {
  action as requestAction,
  loader as requestLoader,
} from '#app/routes/requests.$requestNumber.tsx'
import { loader as requestsLoader } from '#app/routes/requests._index.tsx'
import { action as newAction, loader as newLoader } from '#app/routes/requests.new.tsx'
import type { ItemVisibility, OrganisationRole } from '#db/item-visibility.ts'
import { addMember, createOrganisation } from '#db/organisations.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createCustomerAccount,
  getRequest,
  routeArgs,
  sessionCookieFor,
  thrownResponse,
} from '#test/support/fixtures.ts'
import { createTestOrder } from '../requests/request-fixtures.ts'

// Issue 6 over the orders, requests and dashboard pages: each person sees their personal items
// and, acting for an organisation, that organisation's items the rules give them, never another
// organisation's; only the person who opened a request cancels, answers or shares it, and only
// the person who placed an order starts a return from it. Refusals change nothing.

const database = useTestDatabase()
const SYSTEM = { actor: { kind: 'system' as const }, channel: 'system' as const }

type Person = 'olive' | 'mia' | 'nora' | 'bill' | 'rex' | 'paula' | 'bob'
type OrderKey = 'aMia' | 'aOlive' | 'bPaula' | 'personalPaula' | 'personalMia'
type RequestKey = 'aPrivate' | 'aNamed' | 'aOrganisation' | 'aPaula' | 'bPaula' | 'personalPaula'

interface World {
  a: string
  b: string
  people: Record<Person, { accountId: string; customerId: string; name: string }>
  orders: Record<OrderKey, { id: string; orderNumber: string }>
  requests: Record<RequestKey, { id: string; requestNumber: string }>
  /** Rex's session acting for A, started before he was removed from A. */
  rexOldCookie: string
}

let world: World

async function person(givenName: string) {
  const account = await createCustomerAccount(database.db, { givenName })
  return { ...account, name: `${givenName} Berg` }
}

async function member(organisationId: string, customerId: string, role: OrganisationRole) {
  await addMember(database.db, { organisationId, customerId, role, ...SYSTEM })
}

async function order(
  customerId: string,
  organisation: { id: string; visibility: ItemVisibility } | null,
  status: 'placed' | 'delivered' = 'placed',
) {
  const created = await createTestOrder(database.db, customerId, { status })
  if (organisation) {
    await database.db
      .updateTable('orders')
      .set({ organisation_id: organisation.id, visibility: organisation.visibility })
      .where('id', '=', created.id)
      .execute()
  }
  return { id: created.id, orderNumber: created.orderNumber }
}

async function request(
  customerId: string,
  organisation: { id: string; visibility: ItemVisibility; named?: string[] } | null,
  subject: string,
) {
  const row = await database.db
    .insertInto('requests')
    .values({
      customer_id: customerId,
      organisation_id: organisation?.id ?? null,
      visibility: organisation?.visibility ?? 'private',
      kind: 'document',
      subject,
      details: JSON.stringify({ document: 'invoice_copy' }),
    })
    .returning(['id', 'request_number as requestNumber', 'status'])
    .executeTakeFirstOrThrow()
  await database.db
    .insertInto('request_events')
    .values({
      request_id: row.id,
      to_status: row.status,
      visibility: 'public',
      actor_kind: 'system',
    })
    .execute()
  for (const named of organisation?.named ?? []) {
    await database.db
      .insertInto('item_shares')
      .values({ item_kind: 'request', item_id: row.id, customer_id: named })
      .execute()
  }
  return { id: row.id, requestNumber: row.requestNumber }
}

beforeAll(async () => {
  const [olive, mia, nora, bill, rex, paula, bob] = await Promise.all(
    ['Olive', 'Mia', 'Nora', 'Bill', 'Rex', 'Paula', 'Bob'].map(person),
  )
  const people = { olive: olive!, mia: mia!, nora: nora!, bill: bill!, rex: rex!, paula: paula! }
  const a = (
    await createOrganisation(
      database.db,
      { name: 'Lind & Co', defaultVisibility: 'organisation', ownerCustomerId: olive!.customerId },
      SYSTEM,
    )
  ).id
  const b = (
    await createOrganisation(
      database.db,
      { name: 'Nordlicht', ownerCustomerId: bob!.customerId },
      SYSTEM,
    )
  ).id
  await member(a, mia!.customerId, 'member')
  await member(a, nora!.customerId, 'member')
  await member(a, bill!.customerId, 'billing')
  await member(a, rex!.customerId, 'member')
  await member(a, paula!.customerId, 'member')
  await member(b, paula!.customerId, 'member')

  const orders = {
    aMia: await order(mia!.customerId, { id: a, visibility: 'private' }, 'delivered'),
    aOlive: await order(olive!.customerId, { id: a, visibility: 'private' }),
    bPaula: await order(paula!.customerId, { id: b, visibility: 'organisation' }),
    personalPaula: await order(paula!.customerId, null, 'delivered'),
    personalMia: await order(mia!.customerId, null),
  }
  const requests = {
    aPrivate: await request(olive!.customerId, { id: a, visibility: 'private' }, 'Private'),
    aNamed: await request(
      olive!.customerId,
      { id: a, visibility: 'named', named: [mia!.customerId] },
      'Named',
    ),
    aOrganisation: await request(olive!.customerId, { id: a, visibility: 'organisation' }, 'All'),
    aPaula: await request(paula!.customerId, { id: a, visibility: 'private' }, 'Paula at A'),
    bPaula: await request(paula!.customerId, { id: b, visibility: 'organisation' }, 'Paula at B'),
    personalPaula: await request(paula!.customerId, null, 'Paula personal'),
  }

  // Rex had a session acting for A, then was removed from A.
  const rexOldCookie = await sessionCookieFor(rex!.accountId, { actingFor: a })
  await database.db
    .updateTable('organisation_members')
    .set({ removed_at: new Date() })
    .where('organisation_id', '=', a)
    .where('customer_id', '=', rex!.customerId)
    .execute()

  world = { a, b, people: { ...people, bob: bob! }, orders, requests, rexOldCookie }
})

// --- helpers -----------------------------------------------------------------------------------

type Context = 'A' | 'B' | null

async function cookieOf(who: Person, context: Context): Promise<string> {
  if (who === 'rex' && context === 'A') return world.rexOldCookie
  const actingFor = context === 'A' ? world.a : context === 'B' ? world.b : null
  return sessionCookieFor(world.people[who].accountId, { actingFor })
}

/** The loader's or action's data, failing the test when it answered with a Response. */
function dataOf<T>(result: T) {
  if (result instanceof Response) throw new Error(`Expected data, got ${result.status}`)
  return (result as { data: unknown }).data as Exclude<T, Response> extends { data: infer D }
    ? D
    : never
}

function post(path: string, fields: Record<string, string | string[]>, cookie: string): Request {
  const body = new URLSearchParams()
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item)
  }
  return new Request(`http://localhost${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    body,
  })
}

function orderKeys(numbers: string[]): OrderKey[] {
  return (Object.keys(world.orders) as OrderKey[])
    .filter((key) => numbers.includes(world.orders[key].orderNumber))
    .sort()
}

function requestKeys(numbers: string[]): RequestKey[] {
  return (Object.keys(world.requests) as RequestKey[])
    .filter((key) => numbers.includes(world.requests[key].requestNumber))
    .sort()
}

async function listsOf(cookie: string) {
  const orders = dataOf(await ordersLoader(routeArgs(getRequest('/orders', { cookie }))))
  const requests = dataOf(await requestsLoader(routeArgs(getRequest('/requests', { cookie }))))
  const home = dataOf(await dashboardLoader(routeArgs(getRequest('/', { cookie }))))
  const open = [...home.dashboard!.waitingOnCustomer, ...home.dashboard!.inProgress]
  return {
    orders: orderKeys(orders.orders.map((row) => row.orderNumber)),
    requests: requestKeys(requests.requests.map((row) => row.requestNumber)),
    dashboardOrders: orderKeys(
      open.flatMap((item) => (item.type === 'order' ? [item.order.orderNumber] : [])),
    ),
    dashboardRequests: requestKeys(
      open.flatMap((item) => (item.type === 'request' ? [item.request.requestNumber] : [])),
    ),
  }
}

async function orderStatus(cookie: string, orderNumber: string): Promise<number> {
  const args = routeArgs(getRequest(`/orders/${orderNumber}`, { cookie }), { orderNumber })
  try {
    dataOf(await orderLoader(args))
    return 200
  } catch (error) {
    if (error instanceof Response) return error.status
    throw error
  }
}

async function requestStatus(cookie: string, requestNumber: string): Promise<number> {
  const args = routeArgs(getRequest(`/requests/${requestNumber}`, { cookie }), { requestNumber })
  try {
    dataOf(await requestLoader(args))
    return 200
  } catch (error) {
    if (error instanceof Response) return error.status
    throw error
  }
}

// --- who sees what -----------------------------------------------------------------------------

interface Case {
  who: Person
  context: Context
  role: string
  orders: OrderKey[]
  requests: RequestKey[]
}

// Written out by hand from the rules, not computed from db/item-visibility.ts.
const CASES: Case[] = [
  {
    who: 'olive',
    context: 'A',
    role: 'owner: every order of A, requests shared with A or hers, not a colleague’s private one',
    orders: ['aMia', 'aOlive'],
    requests: ['aNamed', 'aOrganisation', 'aPrivate'],
  },
  {
    who: 'bill',
    context: 'A',
    role: 'billing member: every order of A, no private or named request',
    orders: ['aMia', 'aOlive'],
    requests: ['aOrganisation'],
  },
  {
    who: 'mia',
    context: 'A',
    role: 'member named on a shared request: her orders and what is shared with her',
    orders: ['aMia', 'personalMia'],
    requests: ['aNamed', 'aOrganisation'],
  },
  {
    who: 'nora',
    context: 'A',
    role: 'member not named: only what is shared with the whole organisation',
    orders: [],
    requests: ['aOrganisation'],
  },
  {
    who: 'rex',
    context: 'A',
    role: 'removed member (old session acting for A): nothing of A',
    orders: [],
    requests: [],
  },
  {
    who: 'paula',
    context: 'A',
    role: 'in two organisations, acting for A: never B’s items, not even her own there',
    orders: ['personalPaula'],
    requests: ['aOrganisation', 'aPaula', 'personalPaula'],
  },
  {
    who: 'paula',
    context: 'B',
    role: 'in two organisations, acting for B: never A’s items',
    orders: ['bPaula', 'personalPaula'],
    requests: ['bPaula', 'personalPaula'],
  },
  {
    who: 'paula',
    context: null,
    role: 'acting for herself: her personal items only',
    orders: ['personalPaula'],
    requests: ['personalPaula'],
  },
]

describe.each(CASES.map((spec) => [`${spec.who}@${spec.context ?? 'personal'}`, spec] as const))(
  '%s',
  (_label, spec) => {
    test(`${spec.role}: lists and dashboard`, async () => {
      const cookie = await cookieOf(spec.who, spec.context)
      // Reading changes nothing.
      const before = await databaseFingerprint(database.db)
      const seen = await listsOf(cookie)
      const openOrders = spec.orders.filter(
        (key) => key !== 'aMia' && key !== 'personalPaula', // delivered: no longer open
      )
      expect(seen).toEqual({
        orders: [...spec.orders].sort(),
        requests: [...spec.requests].sort(),
        dashboardOrders: openOrders.sort(),
        dashboardRequests: [...spec.requests].sort(),
      })
      expect(await databaseFingerprint(database.db)).toEqual(before)
    })

    test(`${spec.role}: detail pages answer 200 exactly for what the lists show, else 404`, async () => {
      const cookie = await cookieOf(spec.who, spec.context)
      for (const key of Object.keys(world.orders) as OrderKey[]) {
        const expected = spec.orders.includes(key) ? 200 : 404
        expect(await orderStatus(cookie, world.orders[key].orderNumber), `order ${key}`).toBe(
          expected,
        )
      }
      for (const key of Object.keys(world.requests) as RequestKey[]) {
        const expected = spec.requests.includes(key) ? 200 : 404
        expect(
          await requestStatus(cookie, world.requests[key].requestNumber),
          `request ${key}`,
        ).toBe(expected)
      }
    })
  },
)

describe('what a list shows about items the viewer did not open', () => {
  test('the opener’s name and who sees it; nothing for the viewer’s own personal items', async () => {
    const mia = await listsOrRows(await cookieOf('mia', 'A'))
    expect(mia.requests).toEqual([
      {
        requestNumber: world.requests.aOrganisation.requestNumber,
        openerName: 'Olive Berg',
        sharing: 'organisation',
      },
      {
        requestNumber: world.requests.aNamed.requestNumber,
        openerName: 'Olive Berg',
        sharing: 'named',
      },
    ])
    expect(mia.orders).toEqual(
      expect.arrayContaining([
        { orderNumber: world.orders.aMia.orderNumber, openerName: null, sharing: 'private' },
        { orderNumber: world.orders.personalMia.orderNumber, openerName: null, sharing: null },
      ]),
    )
    const bill = await listsOrRows(await cookieOf('bill', 'A'))
    expect(bill.orders).toEqual(
      expect.arrayContaining([
        { orderNumber: world.orders.aMia.orderNumber, openerName: 'Mia Berg', sharing: 'private' },
        {
          orderNumber: world.orders.aOlive.orderNumber,
          openerName: 'Olive Berg',
          sharing: 'private',
        },
      ]),
    )
  })

  async function listsOrRows(cookie: string) {
    const orders = dataOf(await ordersLoader(routeArgs(getRequest('/orders', { cookie }))))
    const requests = dataOf(await requestsLoader(routeArgs(getRequest('/requests', { cookie }))))
    return {
      orders: orders.orders.map(({ orderNumber, openerName, sharing }) => ({
        orderNumber,
        openerName,
        sharing,
      })),
      requests: requests.requests.map(({ requestNumber, openerName, sharing }) => ({
        requestNumber,
        openerName,
        sharing,
      })),
    }
  }
})

// --- opener-only actions -----------------------------------------------------------------------

describe('only the opener cancels, answers or shares a request', () => {
  test('a colleague who may read it gets 403 on every intent, the forms are not offered, nothing changes', async () => {
    const cookie = await cookieOf('mia', 'A')
    const { requestNumber } = world.requests.aNamed
    const page = dataOf(
      await requestLoader(
        routeArgs(getRequest(`/requests/${requestNumber}`, { cookie }), { requestNumber }),
      ),
    )
    expect(page.request).toMatchObject({ isOpener: false, openerName: 'Olive Berg' })
    expect(page.whoCanSee.colleagues).toEqual([])

    const before = await databaseFingerprint(database.db)
    const attempts: Record<string, string>[] = [
      { intent: 'cancel' },
      { intent: 'answer', answer: 'Here it is' },
      { intent: 'answer' },
      { intent: 'sharing', visibility: 'organisation' },
    ]
    for (const fields of attempts) {
      const response = await thrownResponse(() =>
        requestAction(
          routeArgs(post(`/requests/${requestNumber}`, fields, cookie), { requestNumber }),
        ),
      )
      expect(response.status, JSON.stringify(fields)).toBe(403)
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('someone who may not see it gets 404 (removed member, other organisation, not named)', async () => {
    const { requestNumber } = world.requests.aNamed
    const people = [
      ['nora', 'A'],
      ['rex', 'A'],
      ['paula', 'B'],
      ['bill', 'A'],
    ] as const
    const cookies = await Promise.all(people.map(([who, context]) => cookieOf(who, context)))
    const before = await databaseFingerprint(database.db)
    for (const [index, [who]] of people.entries()) {
      const cookie = cookies[index]!
      const attempts: Record<string, string>[] = [
        { intent: 'cancel' },
        { intent: 'sharing', visibility: 'private' },
      ]
      for (const fields of attempts) {
        const response = await thrownResponse(() =>
          requestAction(
            routeArgs(post(`/requests/${requestNumber}`, fields, cookie), { requestNumber }),
          ),
        )
        expect(response.status, `${who} ${fields.intent}`).toBe(404)
      }
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('the opener changes who sees it (history row), and then cancels it', async () => {
    const cookie = await cookieOf('olive', 'A')
    const { id, requestNumber } = world.requests.aPrivate
    const nora = await cookieOf('nora', 'A')
    expect(await requestStatus(nora, requestNumber)).toBe(404)

    const page = dataOf(
      await requestLoader(
        routeArgs(getRequest(`/requests/${requestNumber}`, { cookie }), { requestNumber }),
      ),
    )
    expect(page.request.isOpener).toBe(true)
    expect(page.whoCanSee.colleagues.map((colleague) => colleague.name)).toContain('Nora Berg')

    // A colleague of another organisation cannot be named: a field error, nothing written.
    const before = await databaseFingerprint(database.db)
    const refused = await requestAction(
      routeArgs(
        post(
          `/requests/${requestNumber}`,
          { intent: 'sharing', visibility: 'named', sharedWith: world.people.bob.customerId },
          cookie,
        ),
        { requestNumber },
      ),
    )
    expect(refused).not.toBeInstanceOf(Response)
    expect(JSON.stringify(refused)).toContain('sharing:errors.invalidColleague')
    expect(await databaseFingerprint(database.db)).toEqual(before)

    const saved = await requestAction(
      routeArgs(
        post(
          `/requests/${requestNumber}`,
          { intent: 'sharing', visibility: 'named', sharedWith: world.people.nora.customerId },
          cookie,
        ),
        { requestNumber },
      ),
    )
    expect(saved).toBeInstanceOf(Response)
    expect((saved as Response).headers.get('Location')).toBe(
      `/requests/${requestNumber}?notice=sharing`,
    )
    expect(await requestStatus(nora, requestNumber)).toBe(200)
    const history = await database.db
      .selectFrom('record_history')
      .select(['customer_id', 'action', 'before', 'after'])
      .where('entity_id', '=', id)
      .where('action', '=', 'sharing_changed')
      .execute()
    expect(history).toEqual([
      {
        customer_id: world.people.olive.customerId,
        action: 'sharing_changed',
        before: { visibility: 'private', sharedWith: [] },
        after: { visibility: 'named', sharedWith: ['Nora Berg'] },
      },
    ])

    const cancelled = await requestAction(
      routeArgs(post(`/requests/${requestNumber}`, { intent: 'cancel' }, cookie), {
        requestNumber,
      }),
    )
    expect((cancelled as Response).headers.get('Location')).toBe(
      `/requests/${requestNumber}?notice=cancelled`,
    )
    const row = await database.db
      .selectFrom('requests')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('cancelled')
  })
})

describe('starting a request from an order', () => {
  const returnFields = (orderNumber: string) => ({
    kind: 'return',
    idempotencyKey: crypto.randomUUID(),
    orderNumber,
    lines: '1',
    reason: 'defective',
    outcome: 'refund',
    visibility: 'organisation',
  })

  test('a return only by the person who placed the order: a billing member gets 403, nothing changes', async () => {
    const cookie = await cookieOf('bill', 'A')
    const { orderNumber } = world.orders.aMia
    const order = dataOf(
      await orderLoader(
        routeArgs(getRequest(`/orders/${orderNumber}`, { cookie }), { orderNumber }),
      ),
    )
    expect(order.may).toEqual({ startRequest: true, startReturn: false })

    const before = await databaseFingerprint(database.db)
    const page = await thrownResponse(() =>
      newLoader(
        routeArgs(getRequest(`/requests/new?kind=return&order=${orderNumber}`, { cookie })),
      ),
    )
    expect(page.status).toBe(403)
    const sent = await thrownResponse(() =>
      newAction(routeArgs(post('/requests/new', returnFields(orderNumber), cookie))),
    )
    expect(sent.status).toBe(403)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('the person who placed it starts the return, for the organisation, shared as chosen', async () => {
    const cookie = await cookieOf('mia', 'A')
    const { id: orderId, orderNumber } = world.orders.aMia
    const form = dataOf(
      await newLoader(
        routeArgs(getRequest(`/requests/new?kind=return&order=${orderNumber}`, { cookie })),
      ),
    )
    expect(form.sharing).toMatchObject({
      organisationName: 'Lind & Co',
      defaultVisibility: 'organisation',
    })
    const created = await newAction(
      routeArgs(post('/requests/new', returnFields(orderNumber), cookie)),
    )
    expect(created).toBeInstanceOf(Response)
    const row = await database.db
      .selectFrom('requests')
      .select(['customer_id', 'organisation_id', 'visibility', 'order_id'])
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      customer_id: world.people.mia.customerId,
      organisation_id: world.a,
      visibility: 'organisation',
      order_id: orderId,
    })
    // Nora, not named on anything, now sees it: it is shared with the organisation.
    const nora = dataOf(
      await requestsLoader(
        routeArgs(getRequest('/requests', { cookie: await cookieOf('nora', 'A') })),
      ),
    )
    expect(nora.requests.map((item) => item.openerName)).toContain('Mia Berg')
  })

  test('a personal order cannot start an organisation’s request: switch first', async () => {
    const cookie = await cookieOf('paula', 'A')
    const { orderNumber } = world.orders.personalPaula
    const order = dataOf(
      await orderLoader(
        routeArgs(getRequest(`/orders/${orderNumber}`, { cookie }), { orderNumber }),
      ),
    )
    expect(order.may).toEqual({ startRequest: false, startReturn: false })
    const form = dataOf(
      await newLoader(
        routeArgs(getRequest(`/requests/new?kind=return&order=${orderNumber}`, { cookie })),
      ),
    )
    expect(form).toMatchObject({ order: null, orderOtherContext: orderNumber, orderNotFound: null })

    const before = await databaseFingerprint(database.db)
    const refused = await newAction(
      routeArgs(post('/requests/new', returnFields(orderNumber), cookie)),
    )
    expect(refused).not.toBeInstanceOf(Response)
    expect(JSON.stringify(refused)).toContain('requests:errors.orderOtherContext')
    expect(await databaseFingerprint(database.db)).toEqual(before)

    // Acting for herself, the same return is hers to start, and personal.
    const personal = await cookieOf('paula', null)
    expect(
      await newAction(routeArgs(post('/requests/new', returnFields(orderNumber), personal))),
    ).toBeInstanceOf(Response)
    const row = await database.db
      .selectFrom('requests')
      .select(['organisation_id', 'visibility'])
      .where('order_id', '=', world.orders.personalPaula.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ organisation_id: null, visibility: 'private' })
  })

  test('another organisation’s order is as unknown as a made-up number', async () => {
    const cookie = await cookieOf('paula', 'A')
    const { orderNumber } = world.orders.bPaula
    const form = dataOf(
      await newLoader(
        routeArgs(getRequest(`/requests/new?kind=repair&order=${orderNumber}`, { cookie })),
      ),
    )
    expect(form).toMatchObject({ order: null, orderNotFound: orderNumber })
    const before = await databaseFingerprint(database.db)
    const refused = await newAction(
      routeArgs(
        post(
          '/requests/new',
          {
            kind: 'repair',
            idempotencyKey: crypto.randomUUID(),
            orderNumber,
            product: 'Chair',
            fault: 'Wobbles',
            visibility: 'private',
          },
          cookie,
        ),
      ),
    )
    expect(JSON.stringify(refused)).toContain('requests:errors.orderNotFound')
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

describe('a new request while acting for an organisation', () => {
  const repair = (extra: Record<string, string | string[]>) => ({
    kind: 'repair',
    idempotencyKey: crypto.randomUUID(),
    product: 'Desk lamp',
    fault: 'Flickers',
    ...extra,
  })

  test('named colleagues must be current members of that organisation (field error, nothing written)', async () => {
    const cookie = await cookieOf('paula', 'A')
    const before = await databaseFingerprint(database.db)
    for (const sharedWith of [world.people.bob.customerId, world.people.rex.customerId]) {
      const refused = await newAction(
        routeArgs(post('/requests/new', repair({ visibility: 'named', sharedWith }), cookie)),
      )
      expect(refused).not.toBeInstanceOf(Response)
      expect(JSON.stringify(refused)).toContain('sharing:errors.invalidColleague')
    }
    const none = await newAction(
      routeArgs(post('/requests/new', repair({ visibility: 'named' }), cookie)),
    )
    expect(JSON.stringify(none)).toContain('sharing:errors.colleagueRequired')
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('shared by name: the request is the organisation’s and the named colleague sees it', async () => {
    const cookie = await cookieOf('paula', 'A')
    const created = await newAction(
      routeArgs(
        post(
          '/requests/new',
          repair({
            visibility: 'named',
            sharedWith: world.people.nora.customerId,
            subject: 'Lamp',
          }),
          cookie,
        ),
      ),
    )
    expect(created).toBeInstanceOf(Response)
    const requestNumber = (created as Response).headers
      .get('Location')!
      .split('/')[2]!
      .split('?')[0]!
    const row = await database.db
      .selectFrom('requests')
      .select(['id', 'organisation_id', 'visibility'])
      .where('request_number', '=', requestNumber)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ organisation_id: world.a, visibility: 'named' })
    const shares = await database.db
      .selectFrom('item_shares')
      .select('customer_id')
      .where('item_kind', '=', 'request')
      .where('item_id', '=', row.id)
      .execute()
    expect(shares).toEqual([{ customer_id: world.people.nora.customerId }])
    expect(await requestStatus(await cookieOf('nora', 'A'), requestNumber)).toBe(200)
    expect(await requestStatus(await cookieOf('mia', 'A'), requestNumber)).toBe(404)
    expect(await requestStatus(await cookieOf('paula', 'B'), requestNumber)).toBe(404)
  })

  test('acting for herself the request is personal and private, whatever sharing is posted', async () => {
    const cookie = await cookieOf('paula', null)
    const form = dataOf(
      await newLoader(routeArgs(getRequest('/requests/new?kind=repair', { cookie }))),
    )
    expect(form.sharing).toBeNull()
    const created = await newAction(
      routeArgs(
        post('/requests/new', repair({ visibility: 'organisation', subject: 'Mine' }), cookie),
      ),
    )
    const requestNumber = (created as Response).headers
      .get('Location')!
      .split('/')[2]!
      .split('?')[0]!
    const row = await database.db
      .selectFrom('requests')
      .select(['organisation_id', 'visibility'])
      .where('request_number', '=', requestNumber)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ organisation_id: null, visibility: 'private' })
  })
})
