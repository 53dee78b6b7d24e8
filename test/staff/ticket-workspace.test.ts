import { beforeAll, describe, expect, it } from 'vitest'
import { getEnv } from '#app/lib/env.server.ts'
import { mailTransport, memorySmsProvider } from '#app/notifications/transports.server.ts'
import { processDueNotifications } from '#app/notifications/worker.server.ts'
import {
  action as ticketAction,
  loader as ticketLoader,
} from '#app/routes/staff.tickets.$ticketNumber.tsx'
import { createCannedReply } from '#db/canned-replies.ts'
import { addCustomerAddress } from '#db/customer-contacts.ts'
import { countQueries } from '#db/query-count.ts'
import { createRequest } from '#db/requests.ts'
import { correctCustomerDetails } from '#db/ticket-links.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import { notifiedCustomer } from '#test/notifications/notification-fixtures.ts'
import { type Answer, answerOf, createTicket } from '#test/tickets/ticket-fixtures.ts'

// The ticket workspace: the customer's record next to the thread, and what an agent changes
// there in place. Every change goes through the route's action as a browser would post it, and
// is checked in the database: the change, its history row (the agent, channel staff), the
// customer's notification, and that a stale form or someone else's record changes nothing.

const database = useTestDatabase()

let agent = { accountId: '', cookie: '' }

beforeAll(async () => {
  const account = await createStaffAccount(database.db, { displayName: 'Sam Agent' })
  agent = { accountId: account.accountId, cookie: await sessionCookieFor(account.accountId) }
})

/** A customer with a ticket, a default address, an order that is paid and a request. */
async function workspace(options: { language?: string } = {}) {
  const customer = await signedInCustomer(database.db, { givenName: 'Anna' })
  const { customerId } = customer
  if (options.language) {
    await database.db
      .updateTable('customers')
      .set({ language: options.language })
      .where('id', '=', customerId)
      .execute()
  }
  const ticket = await createTicket(database.db, customer)
  const address = await addCustomerAddress(database.db, {
    customerId,
    actor: { kind: 'customer', id: customer.accountId },
    channel: 'portal',
    address: {
      label: 'Home',
      recipient: 'Anna Berg',
      line1: 'Götgatan 12',
      line2: null,
      city: 'Stockholm',
      region: null,
      postalCode: '118 46',
      countryCode: 'SE',
    },
  })
  const order = await database.db
    .insertInto('orders')
    .values({
      customer_id: customerId,
      status: 'paid',
      currency: 'SEK',
      subtotal_minor: 10000,
      total_minor: 10000,
    })
    .returning(['id', 'order_number as orderNumber'])
    .executeTakeFirstOrThrow()
  const request = await createRequest(database.db, {
    customerId,
    actor: { kind: 'customer', id: customer.accountId },
    channel: 'portal',
    kind: 'repair',
    subject: 'Kettle keeps boiling',
    details: { product: 'Kettle KET-1001', fault: 'Keeps boiling' },
  })
  return { customer, ticket, addressId: address.id, order, request }
}

type Workspace = Awaited<ReturnType<typeof workspace>>

function post(ticketNumber: string, fields: Record<string, string>, cookie = agent.cookie) {
  return answerOf(() =>
    ticketAction(
      routeArgs(formRequest(`/staff/tickets/${ticketNumber}`, fields, { cookie }), {
        ticketNumber,
      }),
    ),
  )
}

interface PanelData {
  panel: {
    profile: { version: number; givenName: string }
    addresses: { id: string; line1: string; version: number }[]
    orders: { id: string; status: string; version: number; next: string[] }[]
    requests: { id: string; status: string; version: number; next: string[] }[]
    consent: { topic: string; granted: string[] }[]
    deliveries: { id: number; resendable: boolean }[]
  }
  link: {
    version: number
    orderNumber: string | null
    requestNumber: string | null
    choices: { value: string }[]
  }
  canned: {
    replies: { id: string; title: string; language: string }[]
    selected: string | null
    prefill: string | null
  }
}

async function view(ticketNumber: string, query = '') {
  const answer = await answerOf(() =>
    ticketLoader(
      routeArgs(getRequest(`/staff/tickets/${ticketNumber}${query}`, { cookie: agent.cookie }), {
        ticketNumber,
      }),
    ),
  )
  expect(answer.status).toBe(200)
  return answer.data as PanelData
}

async function historyRows(customerId: string, action: string) {
  return database.db
    .selectFrom('record_history')
    .select(['entity_type', 'entity_id', 'actor_kind', 'actor_id', 'channel', 'before', 'after'])
    .where('customer_id', '=', customerId)
    .where('action', '=', action)
    .orderBy('id')
    .execute()
}

async function outbox(customerId: string) {
  return database.db
    .selectFrom('notification_outbox')
    .select(['id', 'template', 'topic', 'payload', 'entity_type', 'entity_id', 'status'])
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute()
}

async function customerRow(customerId: string) {
  return database.db
    .selectFrom('customers')
    .select(['given_name', 'family_name', 'preferred_name', 'version'])
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow()
}

const detailsForm = (version: number, givenName: string) => ({
  intent: 'details',
  version: String(version),
  legalNameEditable: '1',
  givenName,
  familyName: 'Berg',
  preferredName: '',
  legalName: '',
  language: 'en',
  timeZone: 'UTC',
})

const addressForm = (w: Workspace, version: number, line2: string) => ({
  intent: 'address',
  addressId: w.addressId,
  version: String(version),
  label: 'Home',
  recipient: 'Anna Berg',
  line1: 'Götgatan 12',
  line2,
  postalCode: '118 46',
  city: 'Stockholm',
  region: '',
  countryCode: 'SE',
})

/** Expects the post to change nothing at all anywhere in the database. */
async function expectNothingChanged(run: () => Promise<Answer>, status: number) {
  const before = await databaseFingerprint(database.db)
  const answer = await run()
  expect(answer.status).toBe(status)
  expect(await databaseFingerprint(database.db)).toEqual(before)
  return answer
}

describe('the panel next to the thread', () => {
  it('shows the customer, default address, open order and request with versions, and logs the view', async () => {
    const w = await workspace()
    const data = await view(w.ticket.ticketNumber)
    expect(data.panel.profile.givenName).toBe('Anna')
    expect(data.panel.addresses.map((address) => address.id)).toEqual([w.addressId])
    expect(data.panel.orders).toEqual([
      expect.objectContaining({
        id: w.order.id,
        status: 'paid',
        next: ['packed', 'cancelled', 'refunded'],
      }),
    ])
    expect(data.panel.requests).toEqual([
      expect.objectContaining({ id: w.request.id, status: 'submitted' }),
    ])
    expect(data.panel.consent.map((row) => row.topic)).toContain('service')
    expect(data.link.choices.map((choice) => choice.value)).toEqual(
      expect.arrayContaining([`order:${w.order.id}`, `request:${w.request.id}`]),
    )
    const views = await database.db
      .selectFrom('record_access_log')
      .select(['staff_account_id', 'page'])
      .where('customer_id', '=', w.customer.customerId)
      .execute()
    expect(views).toEqual([{ staff_account_id: agent.accountId, page: 'ticket_workspace' }])
  })
})

describe('correcting details', () => {
  it('saves with the agent as actor, channel staff, and tells the customer', async () => {
    const w = await workspace()
    const { version } = await customerRow(w.customer.customerId)
    const answer = await post(w.ticket.ticketNumber, detailsForm(version, 'Annika'))
    expect(answer.status).toBe(302)
    expect(answer.location).toBe(`/staff/tickets/${w.ticket.ticketNumber}?saved=details`)
    const row = await customerRow(w.customer.customerId)
    expect(row).toMatchObject({ given_name: 'Annika', version: version + 1 })
    expect(await historyRows(w.customer.customerId, 'details_changed')).toEqual([
      {
        entity_type: 'customer',
        entity_id: w.customer.customerId,
        actor_kind: 'staff',
        actor_id: agent.accountId,
        channel: 'staff',
        before: { given_name: 'Anna' },
        after: { given_name: 'Annika' },
      },
    ])
    const corrected = (await outbox(w.customer.customerId)).filter(
      (row) => row.template === 'record_corrected',
    )
    expect(corrected).toEqual([
      expect.objectContaining({ topic: 'service', payload: { part: 'details' } }),
    ])
  })

  it('saving the stored values changes nothing and tells nobody', async () => {
    const w = await workspace()
    const { version } = await customerRow(w.customer.customerId)
    const answer = await expectNothingChanged(
      () => post(w.ticket.ticketNumber, detailsForm(version, 'Anna')),
      302,
    )
    expect(answer).toMatchObject({
      location: `/staff/tickets/${w.ticket.ticketNumber}?saved=unchanged`,
    })
  })

  it('a stale form is refused with both versions, and nothing changes', async () => {
    const w = await workspace()
    const { version } = await customerRow(w.customer.customerId)
    expect((await post(w.ticket.ticketNumber, detailsForm(version, 'Annika'))).status).toBe(302)
    const answer = await expectNothingChanged(
      () => post(w.ticket.ticketNumber, detailsForm(version, 'Anneli')),
      409,
    )
    expect(answer.data).toMatchObject({
      intent: 'details',
      recordConflict: {
        kind: 'details',
        expectedVersion: version,
        current: { givenName: 'Annika', version: version + 1 },
        mine: { givenName: 'Anneli' },
      },
    })
    // Applying it again on the version now shown works.
    const again = await post(w.ticket.ticketNumber, detailsForm(version + 1, 'Anneli'))
    expect(again.status).toBe(302)
    expect((await customerRow(w.customer.customerId)).given_name).toBe('Anneli')
  })

  it('bad input answers 400 with field errors and changes nothing', async () => {
    const w = await workspace()
    const { version } = await customerRow(w.customer.customerId)
    const answer = await expectNothingChanged(
      () => post(w.ticket.ticketNumber, { ...detailsForm(version, ''), timeZone: 'Mars/Olympus' }),
      400,
    )
    expect(answer.data).toMatchObject({
      intent: 'details',
      fieldErrors: {
        givenName: ['profile:errors.givenNameRequired'],
        timeZone: ['profile:errors.timeZoneInvalid'],
      },
    })
  })
})

describe('correcting an address', () => {
  it('saves with history and a notification', async () => {
    const w = await workspace()
    const answer = await post(w.ticket.ticketNumber, addressForm(w, 1, 'Lgh 1102'))
    expect(answer.location).toBe(`/staff/tickets/${w.ticket.ticketNumber}?saved=address`)
    const stored = await database.db
      .selectFrom('customer_addresses')
      .select(['line2', 'version'])
      .where('id', '=', w.addressId)
      .executeTakeFirstOrThrow()
    expect(stored).toEqual({ line2: 'Lgh 1102', version: 2 })
    expect(await historyRows(w.customer.customerId, 'updated')).toEqual([
      {
        entity_type: 'address',
        entity_id: w.addressId,
        actor_kind: 'staff',
        actor_id: agent.accountId,
        channel: 'staff',
        before: { line2: null },
        after: { line2: 'Lgh 1102' },
      },
    ])
    expect(
      (await outbox(w.customer.customerId)).filter((row) => row.template === 'record_corrected'),
    ).toEqual([expect.objectContaining({ payload: { part: 'address' } })])
  })

  it('a stale form is refused with both versions, and nothing changes', async () => {
    const w = await workspace()
    await post(w.ticket.ticketNumber, addressForm(w, 1, 'Lgh 1102'))
    const answer = await expectNothingChanged(
      () => post(w.ticket.ticketNumber, addressForm(w, 1, 'Lgh 2204')),
      409,
    )
    expect(answer.data).toMatchObject({
      recordConflict: {
        kind: 'address',
        addressId: w.addressId,
        current: { line2: 'Lgh 1102', version: 2 },
        mine: { line2: 'Lgh 2204' },
      },
    })
  })

  it("another customer's address is not found, and nothing changes", async () => {
    const w = await workspace()
    const other = await workspace()
    await expectNothingChanged(
      () =>
        post(w.ticket.ticketNumber, {
          ...addressForm(other, 1, 'Lgh 9'),
          addressId: other.addressId,
        }),
      404,
    )
  })
})

async function orderState(orderId: string) {
  return database.db
    .selectFrom('orders')
    .select(['status', 'version'])
    .where('id', '=', orderId)
    .executeTakeFirstOrThrow()
}

describe("changing an order's or a request's status", () => {
  it('moves the order with a note, history by the agent, and the customer notified', async () => {
    const w = await workspace()
    const { version } = await orderState(w.order.id)
    const answer = await post(w.ticket.ticketNumber, {
      intent: 'orderStatus',
      orderId: w.order.id,
      toStatus: 'packed',
      note: 'Packed today, ships tomorrow.',
      version: String(version),
    })
    expect(answer.location).toBe(`/staff/tickets/${w.ticket.ticketNumber}?saved=orderStatus`)
    expect(await orderState(w.order.id)).toEqual({ status: 'packed', version: version + 1 })
    const events = await database.db
      .selectFrom('order_events')
      .select(['status', 'note', 'actor_kind', 'actor_id'])
      .where('order_id', '=', w.order.id)
      .execute()
    expect(events).toEqual([
      {
        status: 'packed',
        note: 'Packed today, ships tomorrow.',
        actor_kind: 'staff',
        actor_id: agent.accountId,
      },
    ])
    expect(await historyRows(w.customer.customerId, 'status_changed')).toEqual([
      expect.objectContaining({
        entity_type: 'order',
        actor_kind: 'staff',
        actor_id: agent.accountId,
        channel: 'staff',
        before: { status: 'paid' },
        after: { status: 'packed' },
      }),
    ])
    expect((await outbox(w.customer.customerId)).map((row) => row.template)).toContain(
      'order_status_changed',
    )
  })

  it("a stale order form is a conflict; another customer's order is not found", async () => {
    const w = await workspace()
    const { version } = await orderState(w.order.id)
    await post(w.ticket.ticketNumber, {
      intent: 'orderStatus',
      orderId: w.order.id,
      toStatus: 'packed',
      version: String(version),
    })
    const stale = await expectNothingChanged(
      () =>
        post(w.ticket.ticketNumber, {
          intent: 'orderStatus',
          orderId: w.order.id,
          toStatus: 'cancelled',
          version: String(version),
        }),
      409,
    )
    expect(stale.data).toMatchObject({
      recordConflict: {
        kind: 'orderStatus',
        current: { status: 'packed', version: version + 1 },
        mine: { toStatus: 'cancelled' },
        stillAllowed: true,
      },
    })
    const other = await workspace()
    await expectNothingChanged(
      () =>
        post(w.ticket.ticketNumber, {
          intent: 'orderStatus',
          orderId: other.order.id,
          toStatus: 'packed',
          version: '1',
        }),
      404,
    )
    // A move the order cannot make from where it is: refused, nothing written.
    await expectNothingChanged(
      () =>
        post(w.ticket.ticketNumber, {
          intent: 'orderStatus',
          orderId: w.order.id,
          toStatus: 'placed',
          version: String(version + 1),
        }),
      409,
    )
  })

  it('moves the request with history by the agent; stale is a conflict', async () => {
    const w = await workspace()
    const data = await view(w.ticket.ticketNumber)
    const shown = data.panel.requests[0]
    expect(shown?.next).toContain('in_review')
    const fields = {
      intent: 'requestStatus',
      requestId: w.request.id,
      toStatus: 'in_review',
      note: 'We are looking at it.',
      version: String(shown?.version),
    }
    expect((await post(w.ticket.ticketNumber, fields)).location).toBe(
      `/staff/tickets/${w.ticket.ticketNumber}?saved=requestStatus`,
    )
    const stored = await database.db
      .selectFrom('requests')
      .select(['status'])
      .where('id', '=', w.request.id)
      .executeTakeFirstOrThrow()
    expect(stored.status).toBe('in_review')
    expect(
      (await historyRows(w.customer.customerId, 'status_changed')).filter(
        (row) => row.entity_type === 'request',
      ),
    ).toEqual([
      expect.objectContaining({
        actor_kind: 'staff',
        channel: 'staff',
        before: { status: 'submitted' },
        after: { status: 'in_review' },
      }),
    ])
    await expectNothingChanged(
      () => post(w.ticket.ticketNumber, { ...fields, toStatus: 'rejected' }),
      409,
    )
  })
})

async function ticketRow(ticketId: string) {
  return database.db
    .selectFrom('tickets')
    .select(['order_id', 'request_id', 'version'])
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow()
}

describe('linking the ticket', () => {
  it("links to the customer's order with an event and history", async () => {
    const w = await workspace()
    const { version } = await ticketRow(w.ticket.ticketId)
    const answer = await post(w.ticket.ticketNumber, {
      intent: 'link',
      target: `order:${w.order.id}`,
      version: String(version),
    })
    expect(answer.location).toBe(`/staff/tickets/${w.ticket.ticketNumber}?saved=link`)
    expect(await ticketRow(w.ticket.ticketId)).toEqual({
      order_id: w.order.id,
      request_id: null,
      version: version + 1,
    })
    const events = await database.db
      .selectFrom('ticket_events')
      .select(['from_value', 'to_value', 'actor_kind', 'actor_id'])
      .where('ticket_id', '=', w.ticket.ticketId)
      .where('kind', '=', 'linked')
      .execute()
    expect(events).toEqual([
      {
        from_value: null,
        to_value: w.order.orderNumber,
        actor_kind: 'staff',
        actor_id: agent.accountId,
      },
    ])
    expect(await historyRows(w.customer.customerId, 'linked')).toEqual([
      {
        entity_type: 'ticket',
        entity_id: w.ticket.ticketId,
        actor_kind: 'staff',
        actor_id: agent.accountId,
        channel: 'staff',
        before: { order_number: null },
        after: { order_number: w.order.orderNumber },
      },
    ])
    const data = await view(w.ticket.ticketNumber)
    expect(data.link.orderNumber).toBe(w.order.orderNumber)
  })

  it("another customer's order or request is refused, and nothing changes", async () => {
    const w = await workspace()
    const other = await workspace()
    const { version } = await ticketRow(w.ticket.ticketId)
    for (const target of [`order:${other.order.id}`, `request:${other.request.id}`, 'order:x']) {
      await expectNothingChanged(
        () => post(w.ticket.ticketNumber, { intent: 'link', target, version: String(version) }),
        404,
      )
    }
    await expectNothingChanged(
      () => post(w.ticket.ticketNumber, { intent: 'link', target: 'ticket:1', version: '1' }),
      400,
    )
  })

  it('a stale link form is a conflict with both versions', async () => {
    const w = await workspace()
    const { version } = await ticketRow(w.ticket.ticketId)
    await post(w.ticket.ticketNumber, {
      intent: 'link',
      target: `request:${w.request.id}`,
      version: String(version),
    })
    const answer = await expectNothingChanged(
      () =>
        post(w.ticket.ticketNumber, {
          intent: 'link',
          target: `order:${w.order.id}`,
          version: String(version),
        }),
      409,
    )
    expect(answer.data).toMatchObject({
      recordConflict: {
        kind: 'link',
        current: { version: version + 1, requestNumber: w.request.requestNumber },
        mine: { target: `order:${w.order.id}`, number: w.order.orderNumber },
      },
    })
  })
})

/** A message the worker already handled: its outbox row and the delivery it recorded. */
async function sentMessage(
  customerId: string,
  options: { topic?: 'service' | 'newsletter'; template?: string } = {},
) {
  const row = await database.db
    .insertInto('notification_outbox')
    .values({
      customer_id: customerId,
      topic: options.topic ?? 'service',
      template: options.template ?? 'ticket_replied',
      payload: JSON.stringify({ ticketNumber: 'T1', status: 'open' }),
      status: 'sent',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const delivery = await database.db
    .insertInto('notification_deliveries')
    .values({
      outbox_id: row.id,
      customer_id: customerId,
      channel: 'email',
      topic: options.topic ?? 'service',
      outcome: 'sent',
      subject: 'We answered you',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { outboxId: row.id, deliveryId: delivery.id }
}

describe('sending a message again', () => {
  it('queues the same template and payload, with a history row', async () => {
    const w = await workspace()
    const { deliveryId } = await sentMessage(w.customer.customerId)
    const data = await view(w.ticket.ticketNumber)
    expect(data.panel.deliveries).toEqual([
      expect.objectContaining({ id: deliveryId, resendable: true }),
    ])
    const answer = await post(w.ticket.ticketNumber, {
      intent: 'resend',
      deliveryId: String(deliveryId),
    })
    expect(answer.location).toBe(`/staff/tickets/${w.ticket.ticketNumber}?saved=resend`)
    const queued = (await outbox(w.customer.customerId)).filter((row) => row.status === 'pending')
    expect(queued).toEqual([
      expect.objectContaining({
        template: 'ticket_replied',
        topic: 'service',
        payload: { ticketNumber: 'T1', status: 'open' },
      }),
    ])
    expect(await historyRows(w.customer.customerId, 'notification_resent')).toEqual([
      expect.objectContaining({
        entity_type: 'customer',
        actor_kind: 'staff',
        actor_id: agent.accountId,
        channel: 'staff',
        after: { subject: 'We answered you' },
      }),
    ])
    // A second click while the copy still waits: refused, not queued twice.
    await expectNothingChanged(
      () => post(w.ticket.ticketNumber, { intent: 'resend', deliveryId: String(deliveryId) }),
      409,
    )
  })

  it("marketing is never resent by hand; another customer's message is not found", async () => {
    const w = await workspace()
    const marketing = await sentMessage(w.customer.customerId, {
      topic: 'newsletter',
      template: 'marketing_message',
    })
    await expectNothingChanged(
      () =>
        post(w.ticket.ticketNumber, { intent: 'resend', deliveryId: String(marketing.deliveryId) }),
      409,
    )
    const other = await workspace()
    const foreign = await sentMessage(other.customer.customerId)
    await expectNothingChanged(
      () =>
        post(w.ticket.ticketNumber, { intent: 'resend', deliveryId: String(foreign.deliveryId) }),
      404,
    )
  })
})

describe('replying and resolving', () => {
  it('the reply with "mark resolved" resolves the ticket', async () => {
    const w = await workspace()
    const answer = await post(w.ticket.ticketNumber, {
      intent: 'reply',
      body: 'Sorted, thank you for your patience.',
      status: 'resolved',
    })
    expect(answer.location).toBe(`/staff/tickets/${w.ticket.ticketNumber}?saved=reply`)
    const row = await database.db
      .selectFrom('tickets')
      .select(['status'])
      .where('id', '=', w.ticket.ticketId)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('resolved')
  })
})

describe('canned replies', () => {
  it('prefill the reply with the placeholders filled in', async () => {
    const w = await workspace()
    const reply = await createCannedReply(database.db, {
      title: `Parcel found ${w.ticket.ticketNumber}`,
      language: 'en',
      body: 'Hi {{customerName}}, about {{ticketNumber}}: your parcel is found. {{agentName}}',
      staffAccountId: agent.accountId,
    })
    const data = await view(w.ticket.ticketNumber, `?canned=${reply.id}`)
    expect(data.canned.selected).toBe(reply.id)
    expect(data.canned.prefill).toBe(
      `Hi Anna Berg, about ${w.ticket.ticketNumber}: your parcel is found. Sam Agent`,
    )
    // An unknown id prefills nothing (and is no error).
    const unknown = await view(w.ticket.ticketNumber, '?canned=not-an-id')
    expect(unknown.canned.prefill).toBeNull()
  })

  it("offer the customer's language first, and English where it has no counterpart", async () => {
    const w = await workspace({ language: 'de' })
    const suffix = w.ticket.ticketNumber
    const english = await createCannedReply(database.db, {
      title: `Refund ${suffix}`,
      language: 'en',
      body: 'Your refund is on its way.',
      staffAccountId: agent.accountId,
    })
    const germanTwin = await createCannedReply(database.db, {
      title: `Delay ${suffix}`,
      language: 'de',
      body: 'Es dauert etwas länger.',
      staffAccountId: agent.accountId,
    })
    const englishTwin = await createCannedReply(database.db, {
      title: `Delay ${suffix}`,
      language: 'en',
      body: 'It takes a little longer.',
      staffAccountId: agent.accountId,
    })
    const data = await view(w.ticket.ticketNumber)
    const ids = data.canned.replies.map((reply) => reply.id)
    expect(ids).toContain(english.id)
    expect(ids).toContain(germanTwin.id)
    expect(ids).not.toContain(englishTwin.id)
  })
})

describe('the cost of the page', () => {
  it('is a fixed number of statements, however much the customer has', async () => {
    const count = async (w: Workspace) =>
      (
        await countQueries(() =>
          ticketLoader(
            routeArgs(
              getRequest(`/staff/tickets/${w.ticket.ticketNumber}`, { cookie: agent.cookie }),
              { ticketNumber: w.ticket.ticketNumber },
            ),
          ),
        )
      ).queries
    const small = await workspace()
    const busy = await workspace()
    for (let index = 0; index < 3; index++) {
      await database.db
        .insertInto('orders')
        .values({
          customer_id: busy.customer.customerId,
          status: 'placed',
          currency: 'SEK',
          subtotal_minor: 100,
          total_minor: 100,
        })
        .execute()
      await sentMessage(busy.customer.customerId)
    }
    expect(await count(busy)).toBe(await count(small))
  })
})

describe('the message about a correction', () => {
  it('is sent as a service message on the channel the customer prefers', async () => {
    const anna = await notifiedCustomer(database.db, {
      mobile: '+46701234568',
      preferredServiceChannel: 'sms',
    })
    const { version } = await customerRow(anna.customerId)
    await correctCustomerDetails(database.db, {
      customerId: anna.customerId,
      expectedVersion: version,
      changes: { givenName: 'Annika' },
      staffAccountId: agent.accountId,
    })
    // The worker takes every due row: only this customer's may be due in this pass.
    await database.db
      .updateTable('notification_outbox')
      .set({ status: 'failed', last_error: 'left over by a test' })
      .where('status', 'in', ['pending', 'processing'])
      .where('customer_id', '<>', anna.customerId)
      .execute()
    const sms = memorySmsProvider()
    const result = await processDueNotifications(database.db, {
      transports: { email: mailTransport, sms },
    })
    expect(result).toMatchObject({ sent: 1, refused: 0, failed: 0 })
    expect(sms.sent).toEqual([
      {
        to: '+46701234568',
        text: `We corrected your details in your customer record. See what changed: ${getEnv().appUrl}/history`,
      },
    ])
    const delivery = await database.db
      .selectFrom('notification_deliveries')
      .select(['channel', 'topic', 'subject'])
      .where('customer_id', '=', anna.customerId)
      .executeTakeFirstOrThrow()
    expect(delivery).toEqual({
      channel: 'sms',
      topic: 'service',
      subject: 'We corrected your details',
    })
  })
})
