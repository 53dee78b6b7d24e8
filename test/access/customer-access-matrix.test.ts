import { beforeAll, describe, expect, test } from 'vitest'
import { loader as orderLoader } from '#app/routes/orders.$orderNumber.tsx'
import {
  action as addressAction,
  loader as addressLoader,
} from '#app/routes/profile.addresses.$addressId.tsx'
import { action as profileAction } from '#app/routes/profile._index.tsx'
import {
  action as phoneAction,
  loader as phoneLoader,
} from '#app/routes/profile.phones.$phoneId.tsx'
import {
  action as requestAction,
  loader as requestLoader,
} from '#app/routes/requests.$requestNumber.tsx'
import { action as newRequestAction } from '#app/routes/requests.new.tsx'
import { loader as attachmentLoader } from '#app/routes/tickets.$ticketNumber.attachments.$attachmentId.tsx'
import {
  action as ticketAction,
  loader as ticketLoader,
} from '#app/routes/tickets.$ticketNumber.tsx'
import { action as newTicketAction } from '#app/routes/tickets.new.tsx'
import { addCustomerAddress, addCustomerEmail, addCustomerPhone } from '#db/customer-contacts.ts'
import { createRequest } from '#db/requests.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import { formRequest, getRequest, routeArgs, signedInCustomer } from '#test/support/fixtures.ts'
import { createOrder } from '#test/orders/order-fixtures.ts'
import {
  addStaffMessage,
  createTicket,
  multipartRequest,
  useUploadsDir,
} from '#test/tickets/ticket-fixtures.ts'

// Every customer route and action that takes an id, called by a signed-in customer (Anna) with
// another customer's (Ben's) ids and with ids that do not exist. Both must answer the same 404,
// and the whole database (every table's rows) must be exactly as before: nothing read, nothing
// changed. Forms are otherwise valid, so it is the ownership check that refuses them.

const database = useTestDatabase()
useUploadsDir()

const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000'

interface Ids {
  orderNumber: string
  requestNumber: string
  waitingRequestNumber: string
  ticketNumber: string
  attachmentId: string
  emailId: string
  phoneId: string
  addressId: string
}

let annaCookie = ''
let annaTicketNumber = ''
let ben: Ids
const unknown: Ids = {
  orderNumber: 'O999999',
  requestNumber: 'R999999',
  waitingRequestNumber: 'R999998',
  ticketNumber: 'T999999',
  attachmentId: UNKNOWN_UUID,
  emailId: UNKNOWN_UUID,
  phoneId: UNKNOWN_UUID,
  addressId: UNKNOWN_UUID,
}

beforeAll(async () => {
  const db = database.db
  const anna = await signedInCustomer(db)
  annaCookie = anna.cookie
  annaTicketNumber = (await createTicket(db, anna)).ticketNumber

  const owner = await signedInCustomer(db)
  const actor = { kind: 'customer' as const, id: owner.accountId }
  const contact = { customerId: owner.customerId, actor, channel: 'portal' as const }
  const order = await createOrder(db, owner.customerId, { status: 'delivered' })
  const request = await createRequest(db, {
    ...contact,
    kind: 'document',
    subject: 'Invoice copy',
    details: { documentType: 'invoice_copy' },
    orderId: null,
  })
  const waiting = await createRequest(db, {
    ...contact,
    kind: 'document',
    subject: 'Contract copy',
    details: { documentType: 'contract' },
    orderId: null,
  })
  await db
    .updateTable('requests')
    .set({ status: 'waiting_for_customer' })
    .where('id', '=', waiting.id)
    .execute()
  const ticket = await createTicket(db, owner, { status: 'resolved' })
  const staff = { accountId: owner.accountId, customerId: owner.customerId }
  const withFile = await addStaffMessage(db, ticket.ticketId, staff, {
    visibility: 'public',
    body: 'Here is the label.',
    file: 'label.txt',
  })
  const email = await addCustomerEmail(db, { ...contact, email: 'ben.second@example.com' })
  const phone = await addCustomerPhone(db, { ...contact, e164: '+46701234567', kind: 'mobile' })
  const address = await addCustomerAddress(db, {
    ...contact,
    address: {
      label: null,
      recipient: 'Ben Olsen',
      line1: 'Storgatan 1',
      line2: null,
      city: 'Stockholm',
      region: null,
      postalCode: '111 22',
      countryCode: 'SE',
    },
  })
  ben = {
    orderNumber: order.orderNumber,
    requestNumber: request.requestNumber,
    waitingRequestNumber: waiting.requestNumber,
    ticketNumber: ticket.ticketNumber,
    attachmentId: withFile.attachmentId ?? '',
    emailId: email.id,
    phoneId: phone.id,
    addressId: address.id,
  }
})

type Probe = { name: string; run: (ids: Ids) => Promise<unknown> }

const get = (path: string, params: Record<string, string>) =>
  routeArgs(getRequest(path, { cookie: annaCookie }), params)
const post = (path: string, fields: Record<string, string>, params: Record<string, string> = {}) =>
  routeArgs(formRequest(path, fields, { cookie: annaCookie }), params)
const postMultipart = (
  path: string,
  fields: Record<string, string>,
  params: Record<string, string>,
) => routeArgs(multipartRequest(path, fields, [], { cookie: annaCookie }), params)

const refusedWith404: Probe[] = [
  {
    name: 'GET /orders/:orderNumber',
    run: (ids) => orderLoader(get(`/orders/${ids.orderNumber}`, { orderNumber: ids.orderNumber })),
  },
  {
    name: 'GET /requests/:requestNumber',
    run: (ids) =>
      requestLoader(get(`/requests/${ids.requestNumber}`, { requestNumber: ids.requestNumber })),
  },
  {
    name: 'POST /requests/:requestNumber intent=cancel',
    run: (ids) =>
      requestAction(
        post(
          `/requests/${ids.requestNumber}`,
          { intent: 'cancel' },
          {
            requestNumber: ids.requestNumber,
          },
        ),
      ),
  },
  {
    name: 'POST /requests/:requestNumber intent=answer',
    run: (ids) =>
      requestAction(
        post(
          `/requests/${ids.waitingRequestNumber}`,
          { intent: 'answer', answer: 'Here it is.' },
          { requestNumber: ids.waitingRequestNumber },
        ),
      ),
  },
  {
    name: 'GET /tickets/:ticketNumber',
    run: (ids) =>
      ticketLoader(get(`/tickets/${ids.ticketNumber}`, { ticketNumber: ids.ticketNumber })),
  },
  ...(['close', 'reopen'] as const).map((intent) => ({
    name: `POST /tickets/:ticketNumber intent=${intent}`,
    run: (ids: Ids) =>
      ticketAction(
        postMultipart(
          `/tickets/${ids.ticketNumber}`,
          { intent },
          {
            ticketNumber: ids.ticketNumber,
          },
        ),
      ),
  })),
  {
    name: 'POST /tickets/:ticketNumber intent=reply',
    run: (ids) =>
      ticketAction(
        postMultipart(
          `/tickets/${ids.ticketNumber}`,
          { intent: 'reply', message: 'Hello?', idempotencyKey: crypto.randomUUID() },
          { ticketNumber: ids.ticketNumber },
        ),
      ),
  },
  {
    name: 'POST /tickets/:ticketNumber intent=rate',
    run: (ids) =>
      ticketAction(
        postMultipart(
          `/tickets/${ids.ticketNumber}`,
          { intent: 'rate', rating: '1' },
          {
            ticketNumber: ids.ticketNumber,
          },
        ),
      ),
  },
  {
    name: 'GET /tickets/:ticketNumber/attachments/:attachmentId',
    run: (ids) =>
      attachmentLoader(
        get(`/tickets/${ids.ticketNumber}/attachments/${ids.attachmentId}`, {
          ticketNumber: ids.ticketNumber,
          attachmentId: ids.attachmentId,
        }),
      ),
  },
  {
    name: 'GET own ticket with another customer’s attachment id',
    run: (ids) =>
      attachmentLoader(
        get(`/tickets/${annaTicketNumber}/attachments/${ids.attachmentId}`, {
          ticketNumber: annaTicketNumber,
          attachmentId: ids.attachmentId,
        }),
      ),
  },
  {
    name: 'GET /profile/phones/:phoneId',
    run: (ids) => phoneLoader(get(`/profile/phones/${ids.phoneId}`, { phoneId: ids.phoneId })),
  },
  {
    name: 'POST /profile/phones/:phoneId',
    run: (ids) =>
      phoneAction(
        post(
          `/profile/phones/${ids.phoneId}`,
          { country: 'SE', number: '070-765 43 21', kind: 'home' },
          { phoneId: ids.phoneId },
        ),
      ),
  },
  {
    name: 'GET /profile/addresses/:addressId',
    run: (ids) =>
      addressLoader(get(`/profile/addresses/${ids.addressId}`, { addressId: ids.addressId })),
  },
  {
    name: 'POST /profile/addresses/:addressId',
    run: (ids) =>
      addressAction(
        post(
          `/profile/addresses/${ids.addressId}`,
          {
            version: '1',
            recipient: 'Anna Berg',
            line1: 'Drottninggatan 9',
            city: 'Stockholm',
            postalCode: '111 51',
            countryCode: 'SE',
          },
          { addressId: ids.addressId },
        ),
      ),
  },
  ...(
    [
      ['email-primary', 'emailId'],
      ['email-remove', 'emailId'],
      ['email-resend', 'emailId'],
      ['phone-primary', 'phoneId'],
      ['phone-remove', 'phoneId'],
      ['address-default-shipping', 'addressId'],
      ['address-default-billing', 'addressId'],
      ['address-remove', 'addressId'],
    ] as const
  ).map(([intent, key]) => ({
    name: `POST /profile intent=${intent}`,
    run: (ids: Ids) => profileAction(post('/profile', { intent, id: ids[key] })),
  })),
]

async function statusOf(run: () => Promise<unknown>): Promise<number> {
  try {
    const result = await run()
    if (result instanceof Response) return result.status
    const init = (result as { init?: { status?: number } | null }).init
    return init?.status ?? 200
  } catch (error) {
    if (error instanceof Response) return error.status
    throw error
  }
}

describe('a customer reaching for another customer’s records', () => {
  test.each(refusedWith404.map((probe) => [probe.name, probe] as const))(
    '%s: another customer’s id and an unknown id both answer 404 and change nothing',
    async (_name, probe) => {
      const before = await databaseFingerprint(database.db)
      expect(await statusOf(() => probe.run(ben))).toBe(404)
      expect(await statusOf(() => probe.run(unknown))).toBe(404)
      expect(await databaseFingerprint(database.db)).toEqual(before)
    },
  )

  test('a new request or ticket naming another customer’s order is refused like an unknown order', async () => {
    const attempt = (orderNumber: string) => ({
      request: () =>
        newRequestAction(
          post('/requests/new', {
            kind: 'repair',
            orderNumber,
            product: 'Kettle',
            fault: 'It leaks.',
            idempotencyKey: crypto.randomUUID(),
          }),
        ),
      ticket: () =>
        newTicketAction(
          postMultipart(
            `/tickets/new?order=${orderNumber}`,
            {
              category: 'order',
              subject: 'About this order',
              message: 'Hello',
              order: orderNumber,
              idempotencyKey: crypto.randomUUID(),
            },
            {},
          ),
        ),
    })
    const before = await databaseFingerprint(database.db)
    const foreign = attempt(ben.orderNumber)
    const missing = attempt(unknown.orderNumber)
    const answers = {
      request: [await statusOf(foreign.request), await statusOf(missing.request)],
      ticket: [await statusOf(foreign.ticket), await statusOf(missing.ticket)],
    }
    // The request form answers at its order field, the ticket form with the 404 of an unknown
    // order; either way a foreign order cannot be told from one that does not exist.
    expect(answers).toEqual({ request: [400, 400], ticket: [404, 404] })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})
