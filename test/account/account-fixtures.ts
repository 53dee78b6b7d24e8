import { createAccountToken } from '#db/account-tokens.ts'
import { currentWordings, recordConsent, type TopicCode } from '#db/consent.ts'
import {
  addCustomerAddress,
  addCustomerEmail,
  addCustomerPhone,
  removeCustomerAddress,
} from '#db/customer-contacts.ts'
import type { Database } from '#db/database.ts'
import { changeRequestStatus, createRequest } from '#db/requests.ts'
import { hashSessionId } from '#db/sessions.ts'
import { createWordings } from '#test/consent/consent-fixtures.ts'
import { createOrder } from '#test/orders/order-fixtures.ts'
import {
  cookieValue,
  createStaffAccount,
  sessionCookieFor,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import { addStaffMessage, createTicket } from '#test/tickets/ticket-fixtures.ts'

// One customer with at least one row in every table that can hold their data, made through the
// data layer where it exists (so the rows look like the app's own), and the secrets and internal
// texts that must never leave in an export, to search the export for.

export const INTERNAL_REQUEST_NOTE = 'Internal: customer sounded upset, check with Berta in billing'
export const INTERNAL_TICKET_NOTE =
  'Internal: the courier says the neighbour Mr Olsen signed for it'
export const INTERNAL_FILE_NAME = 'courier-internal-report.txt'
export const PUBLIC_REQUEST_NOTE = 'We have ordered the spare part.'
export const PUBLIC_TICKET_REPLY = 'We are sorry, a new parcel is on its way.'
export const PUBLIC_FILE_NAME = 'new-parcel-label.txt'

export interface RichCustomer {
  customerId: string
  accountId: string
  customerNumber: string
  email: string
  extraEmail: string
  phone: string
  cookie: string
  secondCookie: string
  staffAccountId: string
  staffName: string
  orderNumber: string
  requestId: string
  requestNumber: string
  ticketNumber: string
  /** Values that must never appear in an export. */
  secrets: {
    passwordHash: string
    sessionIds: string[]
    sessionHashes: string[]
    rawTokens: string[]
    tokenHashes: string[]
    idempotencyKeys: string[]
    storageKeys: string[]
  }
}

export async function customerWithEverything(
  db: Database,
  options: { givenName?: string; staffName?: string } = {},
): Promise<RichCustomer> {
  const customer = await signedInCustomer(db, {
    givenName: options.givenName ?? 'Anna',
    preferredName: 'Annie',
  })
  const { customerId, accountId } = customer
  const secondCookie = await sessionCookieFor(accountId)
  const staffName = options.staffName ?? 'Sam Agent'
  const staff = await createStaffAccount(db, { displayName: staffName })
  const actor = { kind: 'customer' as const, id: accountId }
  const contact = { customerId, actor, channel: 'portal' as const }

  await db
    .updateTable('customers')
    .set({ legal_name: `${options.givenName ?? 'Anna'} Maria Berg` })
    .where('id', '=', customerId)
    .execute()
  const extraEmail = `second.${customer.email}`
  await addCustomerEmail(db, { ...contact, email: extraEmail })
  const phone = `+4670${Math.floor(1_000_000 + Math.random() * 8_999_999)}`
  await addCustomerPhone(db, { ...contact, e164: phone, kind: 'mobile' })
  const home = await addCustomerAddress(db, {
    ...contact,
    address: {
      label: 'Home',
      recipient: 'Anna Berg',
      line1: 'Götgatan 12',
      line2: 'Lgh 1102',
      city: 'Stockholm',
      region: null,
      postalCode: '118 46',
      countryCode: 'SE',
    },
    defaultShipping: true,
    defaultBilling: true,
  })
  const old = await addCustomerAddress(db, {
    ...contact,
    address: {
      label: 'Old flat',
      recipient: 'Anna Berg',
      line1: 'Storgatan 3',
      line2: null,
      city: 'Uppsala',
      region: null,
      postalCode: '753 20',
      countryCode: 'SE',
    },
  })
  await removeCustomerAddress(db, { ...contact, addressId: old.id })
  void home

  const rawTokens = [
    await createAccountToken(db, {
      accountId,
      customerId,
      purpose: 'password_reset',
      ttlMinutes: 60,
    }),
  ]

  const wordings = await wordingsOf(db)
  await recordConsent(db, {
    customerId,
    source: 'portal',
    actor,
    channel: 'sms',
    topic: 'newsletter',
    decision: 'granted',
    wordingId: wordings.newsletter,
    language: 'en',
  })
  await recordConsent(db, {
    customerId,
    source: 'portal',
    actor,
    channel: 'email',
    topic: 'offers',
    decision: 'pending',
    wordingId: wordings.offers,
    language: 'en',
  })
  await recordConsent(db, {
    customerId,
    source: 'portal',
    actor,
    channel: 'sms',
    topic: 'order_updates',
    decision: 'granted',
    wordingId: wordings.order_updates,
    language: 'en',
  })

  const order = await createOrder(db, customerId, {
    status: 'shipped',
    lines: [
      { sku: 'KET-1001', description: 'Electric kettle, 1.7 l', quantity: 1, unitPriceMinor: 4990 },
      { sku: 'MUG-0300', description: 'Mug, blue', quantity: 2, unitPriceMinor: 990 },
    ],
    shipment: { carrier: 'PostNord', trackingNumber: 'PN123456789SE', status: 'in_transit' },
  })

  const requestKey = crypto.randomUUID()
  const request = await createRequest(db, {
    ...contact,
    kind: 'repair',
    subject: 'Kettle does not switch off',
    details: { product: 'Electric kettle', fault: 'Keeps boiling' },
    orderId: order.id,
    idempotencyKey: requestKey,
  })
  const staffActor = { kind: 'staff' as const, id: staff.accountId }
  await changeRequestStatus(db, {
    requestId: request.id,
    toStatus: 'in_review',
    note: INTERNAL_REQUEST_NOTE,
    visibility: 'internal',
    actor: staffActor,
    channel: 'staff',
  })
  await changeRequestStatus(db, {
    requestId: request.id,
    toStatus: 'waiting_for_customer',
    note: PUBLIC_REQUEST_NOTE,
    visibility: 'public',
    actor: staffActor,
    channel: 'staff',
  })

  const ticket = await createTicket(db, customer, { subject: 'Parcel has not arrived' })
  const owner = { accountId: staff.accountId, customerId }
  await addStaffMessage(db, ticket.ticketId, owner, {
    visibility: 'public',
    body: PUBLIC_TICKET_REPLY,
    file: PUBLIC_FILE_NAME,
  })
  await addStaffMessage(db, ticket.ticketId, owner, {
    visibility: 'internal',
    body: INTERNAL_TICKET_NOTE,
    file: INTERNAL_FILE_NAME,
  })
  await db
    .insertInto('ticket_events')
    .values({
      ticket_id: ticket.ticketId,
      kind: 'assigned',
      from_value: null,
      to_value: staff.accountId,
      actor_kind: 'staff',
      actor_id: staff.accountId,
    })
    .execute()

  const outbox = await db
    .insertInto('notification_outbox')
    .values({
      customer_id: customerId,
      topic: 'order_updates',
      template: 'order_status_changed',
      payload: JSON.stringify({ orderNumber: order.orderNumber, status: 'shipped' }),
      entity_type: 'order',
      entity_id: order.id,
      status: 'sent',
      attempts: 1,
      processed_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('notification_deliveries')
    .values({
      outbox_id: outbox.id,
      customer_id: customerId,
      channel: 'sms',
      topic: 'order_updates',
      outcome: 'sent',
      recipient: phone,
      subject: `Your order ${order.orderNumber} is on its way`,
    })
    .execute()

  await db
    .insertInto('record_access_log')
    .values({
      customer_id: customerId,
      staff_account_id: staff.accountId,
      page: 'customer/overview',
    })
    .execute()

  const [account, sessions, tokens, attachments, messageKeys] = await Promise.all([
    db
      .selectFrom('accounts')
      .select('password_hash')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow(),
    db.selectFrom('sessions').select('id').where('account_id', '=', accountId).execute(),
    db
      .selectFrom('account_tokens')
      .select('token_hash')
      .where('account_id', '=', accountId)
      .execute(),
    db
      .selectFrom('ticket_attachments')
      .select('storage_key')
      .where('customer_id', '=', customerId)
      .execute(),
    db
      .selectFrom('ticket_messages')
      .select('idempotency_key')
      .where('ticket_id', '=', ticket.ticketId)
      .where('idempotency_key', 'is not', null)
      .execute(),
  ])

  return {
    customerId,
    accountId,
    customerNumber: customer.customerNumber,
    email: customer.email,
    extraEmail,
    phone,
    cookie: customer.cookie,
    secondCookie,
    staffAccountId: staff.accountId,
    staffName,
    orderNumber: order.orderNumber,
    requestId: request.id,
    requestNumber: request.requestNumber,
    ticketNumber: ticket.ticketNumber,
    secrets: {
      passwordHash: account.password_hash ?? '',
      sessionIds: [cookieValue(customer.cookie), cookieValue(secondCookie)],
      sessionHashes: sessions.map((session) => session.id),
      rawTokens,
      tokenHashes: tokens.map((token) => token.token_hash),
      idempotencyKeys: [
        requestKey,
        ...messageKeys.flatMap((row) => (row.idempotency_key ? [row.idempotency_key] : [])),
      ],
      storageKeys: attachments.map((attachment) => attachment.storage_key),
    },
  }
}

/** Version 1 of every topic's English wording, made by the first caller in a database. */
async function wordingsOf(db: Database): Promise<Record<TopicCode, string>> {
  const existing = await currentWordings(db, 'en')
  if (existing.length === 0) return createWordings(db)
  return Object.fromEntries(existing.map((wording) => [wording.topic, wording.id])) as Record<
    TopicCode,
    string
  >
}

/** The stored hash of a cookie's session, as the sessions table has it. */
export function sessionHashOf(cookie: string): string {
  return hashSessionId(cookieValue(cookie))
}
