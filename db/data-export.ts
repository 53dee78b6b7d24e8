import { type Kysely, type Selectable, sql } from 'kysely'
import { type Actor, type HistoryChannel, recordHistory } from './history.ts'
import type { CustomerStatus } from './customers.ts'
import { isUuid } from './ids.ts'
import { personName } from './organisations.ts'
import type { DB, JsonValue, TicketEvents } from './schema.ts'

// "Download my data" (GDPR articles 15 and 20): everything we hold about one customer, as one
// machine-readable document. The scope, and what is left out and why, is decided in
// docs/decisions/004-data-export-scope.md; the test in test/account/ holds every table of the
// schema to that decision, so a new table cannot be forgotten here silently.
//
// Never in the document: password hashes, session ids (even hashed), one-time token hashes or
// payloads, idempotency keys, storage paths of files, internal notes of staff, and the ids of
// staff accounts (staff appear by their display name, as on the customer's own pages).

export const DATA_EXPORT_FORMAT = { name: 'cmr-portal.customer-data', version: 1 } as const

/** What the document says about its own scope; worded (and translated) by the caller. */
export const DATA_EXPORT_NOTES = [
  'scope',
  'internalNotesExcluded',
  'secretsExcluded',
  'attachmentsListed',
  'staffNamed',
  'historyAsWritten',
] as const
export type DataExportNoteKey = (typeof DATA_EXPORT_NOTES)[number]

type Ticket = Selectable<DB['tickets']>
type TicketEventKind = Selectable<TicketEvents>['kind']

/** The document; dates become ISO 8601 text in UTC when it is serialised. */
export interface CustomerDataExport {
  format: typeof DATA_EXPORT_FORMAT
  generatedAt: Date
  notes: { topic: DataExportNoteKey; text: string | null }[]
  customer: {
    id: string
    customerNumber: string
    givenName: string
    familyName: string
    preferredName: string | null
    legalName: string | null
    language: string
    timeZone: string
    status: CustomerStatus
    createdAt: Date
    updatedAt: Date
    closedAt: Date | null
    anonymisedAt: Date | null
  }
  emails: {
    id: string
    email: string
    isPrimary: boolean
    verifiedAt: Date | null
    createdAt: Date
  }[]
  phones: {
    id: string
    e164: string
    kind: 'mobile' | 'home' | 'work'
    isPrimary: boolean
    verifiedAt: Date | null
    createdAt: Date
  }[]
  /** Removed addresses too: we keep the row, so it is data we hold. */
  addresses: {
    id: string
    label: string | null
    recipient: string
    line1: string
    line2: string | null
    city: string
    region: string | null
    postalCode: string | null
    countryCode: string
    isDefaultShipping: boolean
    isDefaultBilling: boolean
    createdAt: Date
    updatedAt: Date
    removed: boolean
    removedAt: Date | null
  }[]
  accounts: {
    email: string
    createdAt: Date
    emailVerifiedAt: Date | null
    disabledAt: Date | null
  }[]
  /** Devices signed in: when, from which browser and address; never the session's id. */
  sessions: {
    createdAt: Date
    lastSeenAt: Date
    expiresAt: Date
    userAgent: string | null
    ipAddress: string | null
  }[]
  /** Links we emailed (password reset, verification, ...): what for and when, never the token. */
  emailLinks: {
    purpose: Selectable<DB['account_tokens']>['purpose']
    createdAt: Date
    expiresAt: Date
    usedAt: Date | null
  }[]
  communicationPreferences: {
    preferredServiceChannel: string
    marketingFrequency: string
    quietHoursStart: string | null
    quietHoursEnd: string | null
    messageLanguage: string | null
    updatedAt: Date
  } | null
  consentCurrent: {
    channel: string
    topic: string
    decision: string
    updatedAt: Date
  }[]
  /** Every grant and withdrawal, oldest first, with the wording the customer was shown. */
  consentLedger: {
    recordedAt: Date
    channel: string
    topic: string
    decision: string
    source: string
    actorKind: string
    language: string
    wording: { version: number; language: string; text: string } | null
  }[]
  orders: {
    id: string
    orderNumber: string
    status: string
    currency: string
    subtotalMinor: number
    shippingMinor: number
    taxMinor: number
    totalMinor: number
    shippingAddress: JsonValue | null
    billingAddress: JsonValue | null
    promisedDeliveryOn: string | null
    placedAt: Date
    updatedAt: Date
    lines: {
      lineNumber: number
      sku: string
      description: string
      quantity: number
      unitPriceMinor: number
      lineTotalMinor: number
    }[]
    shipments: {
      carrier: string
      trackingNumber: string | null
      status: string
      shippedAt: Date | null
      deliveredAt: Date | null
      createdAt: Date
    }[]
    events: { status: string; note: string | null; actorKind: string; occurredAt: Date }[]
  }[]
  requests: {
    id: string
    requestNumber: string
    kind: string
    status: string
    subject: string
    details: JsonValue
    orderNumber: string | null
    createdAt: Date
    updatedAt: Date
    closedAt: Date | null
    /** Public events only: see the notes. */
    events: {
      fromStatus: string | null
      toStatus: string
      note: string | null
      actorKind: string
      occurredAt: Date
    }[]
  }[]
  tickets: {
    id: string
    ticketNumber: string
    subject: string
    category: Ticket['category']
    status: string
    priority: string
    orderNumber: string | null
    requestNumber: string | null
    createdAt: Date
    updatedAt: Date
    firstResponseAt: Date | null
    resolvedAt: Date | null
    closedAt: Date | null
    rating: number | null
    ratingComment: string | null
    /** Public messages only: see the notes. */
    messages: {
      author: 'customer' | 'staff' | 'system'
      staffName: string | null
      body: string
      createdAt: Date
      attachments: {
        fileName: string
        contentType: string
        sizeBytes: number
        sha256: string
        createdAt: Date
      }[]
    }[]
    events: {
      kind: TicketEventKind
      fromValue: string | null
      toValue: string | null
      actorKind: string
      occurredAt: Date
    }[]
  }[]
  /** Messages waiting to be sent or given up on; their content is in the deliveries once sent. */
  notificationOutbox: {
    topic: string
    template: string
    status: string
    attempts: number
    entityType: string | null
    createdAt: Date
    processedAt: Date | null
  }[]
  notificationDeliveries: {
    channel: string | null
    topic: string
    outcome: string
    reason: string | null
    recipient: string | null
    subject: string | null
    createdAt: Date
  }[]
  /** The whole history of the record, oldest first, as each row was written. */
  history: {
    occurredAt: Date
    entityType: string
    entityId: string
    action: string
    actorKind: string
    staffName: string | null
    channel: string
    before: JsonValue | null
    after: JsonValue | null
  }[]
  /** Every time someone of our staff opened the record. */
  accessLog: { viewedAt: Date; staffName: string; page: string }[]
  /** The organisations the person belongs or belonged to, with their role there. */
  organisationMemberships: {
    organisationName: string
    organisationNumber: string
    role: string
    joinedAt: Date
    removedAt: Date | null
  }[]
  /**
   * The organisations' history rows about the person (invited, joined, role changed, left), as
   * written; the member or staff member who acted by name.
   */
  organisationHistory: {
    organisationName: string
    occurredAt: Date
    action: string
    actorKind: string
    actorName: string | null
    channel: string
    before: JsonValue | null
    after: JsonValue | null
  }[]
  /** Other records we held for the same person, merged into this one: when, and what they held. */
  merges: { mergedAt: Date; moved: JsonValue; recordBefore: JsonValue }[]
}

export interface ExportOptions {
  /** Words each of DATA_EXPORT_NOTES in the reader's language; without it only the topics. */
  notes?: Partial<Record<DataExportNoteKey, string>>
  /**
   * Writes the download into the customer's history (account / data_exported) in the same
   * transaction as the reading: the customer downloads it through the portal, staff on their
   * behalf. Without it nothing is written (for tests and previews).
   */
  record?: { actor: Actor; channel: HistoryChannel }
}

/**
 * Everything we hold about the customer, or null for an unknown one. One statement per table,
 * whatever the number of rows, all read from one snapshot (repeatable read), so the document is
 * consistent even while the customer or staff change things; nested rows are grouped here.
 */
export async function exportCustomerData(
  db: Kysely<DB>,
  customerId: string,
  options: ExportOptions = {},
): Promise<CustomerDataExport | null> {
  if (!isUuid(customerId)) return null
  const work = async (trx: Kysely<DB>) => {
    const document = await readEverything(trx, customerId, options.notes ?? {})
    if (document && options.record) {
      await recordHistory(trx, {
        customerId,
        entityType: 'account',
        // The sign-in account the data belongs to; the record itself for a customer without one.
        entityId: document.accountIds[0] ?? customerId,
        action: 'data_exported',
        actor: options.record.actor,
        channel: options.record.channel,
        after: { format: DATA_EXPORT_FORMAT.name, format_version: DATA_EXPORT_FORMAT.version },
      })
    }
    return document?.data ?? null
  }
  if (db.isTransaction) return work(db)
  return db.transaction().setIsolationLevel('repeatable read').execute(work)
}

async function readEverything(
  db: Kysely<DB>,
  customerId: string,
  notes: Partial<Record<DataExportNoteKey, string>>,
): Promise<{ data: CustomerDataExport; accountIds: string[] } | null> {
  const customer = await db
    .selectFrom('customers')
    .select([
      'id',
      'customer_number as customerNumber',
      'given_name as givenName',
      'family_name as familyName',
      'preferred_name as preferredName',
      'legal_name as legalName',
      'language',
      'time_zone as timeZone',
      'status',
      'created_at as createdAt',
      'updated_at as updatedAt',
      'closed_at as closedAt',
      'anonymised_at as anonymisedAt',
    ])
    .where('id', '=', customerId)
    .executeTakeFirst()
  if (!customer) return null

  // The customer's own accounts: the join every sign-in table below is scoped through.
  const ownAccounts = db.selectFrom('accounts').select('id').where('customer_id', '=', customerId)

  const emails = await db
    .selectFrom('customer_emails')
    .select([
      'id',
      'email',
      'is_primary as isPrimary',
      'verified_at as verifiedAt',
      'created_at as createdAt',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()

  const phones = await db
    .selectFrom('customer_phones')
    .select([
      'id',
      'e164',
      'kind',
      'is_primary as isPrimary',
      'verified_at as verifiedAt',
      'created_at as createdAt',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()

  const addresses = await db
    .selectFrom('customer_addresses')
    .select([
      'id',
      'label',
      'recipient',
      'line1',
      'line2',
      'city',
      'region',
      'postal_code as postalCode',
      'country_code as countryCode',
      'is_default_shipping as isDefaultShipping',
      'is_default_billing as isDefaultBilling',
      'created_at as createdAt',
      'updated_at as updatedAt',
      'removed_at as removedAt',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()

  const accounts = await db
    .selectFrom('accounts')
    .select([
      'id',
      'email',
      'created_at as createdAt',
      'email_verified_at as emailVerifiedAt',
      'disabled_at as disabledAt',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .execute()

  const sessions = await db
    .selectFrom('sessions')
    .select([
      'created_at as createdAt',
      'last_seen_at as lastSeenAt',
      'expires_at as expiresAt',
      'user_agent as userAgent',
      'ip_address as ipAddress',
    ])
    .where('account_id', 'in', ownAccounts)
    .orderBy('created_at')
    .execute()

  const emailLinks = await db
    .selectFrom('account_tokens')
    .select(['purpose', 'created_at as createdAt', 'expires_at as expiresAt', 'used_at as usedAt'])
    .where((eb) => eb.or([eb('customer_id', '=', customerId), eb('account_id', 'in', ownAccounts)]))
    .orderBy('created_at')
    .execute()

  const preferences = await db
    .selectFrom('communication_preferences')
    .select([
      'preferred_service_channel as preferredServiceChannel',
      'marketing_frequency as marketingFrequency',
      sql<string | null>`to_char(quiet_hours_start, 'HH24:MI')`.as('quietHoursStart'),
      sql<string | null>`to_char(quiet_hours_end, 'HH24:MI')`.as('quietHoursEnd'),
      'message_language as messageLanguage',
      'updated_at as updatedAt',
    ])
    .where('customer_id', '=', customerId)
    .executeTakeFirst()

  const consentCurrent = await db
    .selectFrom('consent_current')
    .select(['channel', 'topic', 'decision', 'updated_at as updatedAt'])
    .where('customer_id', '=', customerId)
    .orderBy('topic')
    .orderBy('channel')
    .execute()

  const ledger = await db
    .selectFrom('consent_ledger as l')
    .leftJoin('consent_wordings as w', 'w.id', 'l.wording_id')
    .select([
      'l.recorded_at as recordedAt',
      'l.channel',
      'l.topic',
      'l.decision',
      'l.source',
      'l.actor_kind as actorKind',
      'l.language',
      'w.version as wordingVersion',
      'w.language as wordingLanguage',
      'w.body as wordingText',
    ])
    .where('l.customer_id', '=', customerId)
    .orderBy('l.recorded_at')
    .orderBy('l.id')
    .execute()

  const orders = await db
    .selectFrom('orders')
    .select([
      'id',
      'order_number as orderNumber',
      'status',
      'currency',
      'subtotal_minor as subtotalMinor',
      'shipping_minor as shippingMinor',
      'tax_minor as taxMinor',
      'total_minor as totalMinor',
      'shipping_address as shippingAddress',
      'billing_address as billingAddress',
      'promised_delivery_on as promisedDeliveryOn',
      'placed_at as placedAt',
      'updated_at as updatedAt',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('placed_at')
    .orderBy('id')
    .execute()

  const orderLines = await db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select([
      'l.order_id as orderId',
      'l.line_number as lineNumber',
      'l.sku',
      'l.description',
      'l.quantity',
      'l.unit_price_minor as unitPriceMinor',
      'l.line_total_minor as lineTotalMinor',
    ])
    .where('o.customer_id', '=', customerId)
    .orderBy('l.order_id')
    .orderBy('l.line_number')
    .execute()

  const shipments = await db
    .selectFrom('shipments as s')
    .innerJoin('orders as o', 'o.id', 's.order_id')
    .select([
      's.order_id as orderId',
      's.carrier',
      's.tracking_number as trackingNumber',
      's.status',
      's.shipped_at as shippedAt',
      's.delivered_at as deliveredAt',
      's.created_at as createdAt',
    ])
    .where('o.customer_id', '=', customerId)
    .orderBy('s.created_at')
    .orderBy('s.id')
    .execute()

  const orderEvents = await db
    .selectFrom('order_events as e')
    .innerJoin('orders as o', 'o.id', 'e.order_id')
    .select([
      'e.order_id as orderId',
      'e.status',
      'e.note',
      'e.actor_kind as actorKind',
      'e.occurred_at as occurredAt',
    ])
    .where('o.customer_id', '=', customerId)
    .orderBy('e.occurred_at')
    .orderBy('e.id')
    .execute()

  const requests = await db
    .selectFrom('requests as r')
    // Scoped to the same customer, so a link can never show another customer's order number.
    .leftJoin('orders as o', (join) =>
      join.onRef('o.id', '=', 'r.order_id').onRef('o.customer_id', '=', 'r.customer_id'),
    )
    .select([
      'r.id',
      'r.request_number as requestNumber',
      'r.kind',
      'r.status',
      'r.subject',
      'r.details',
      'o.order_number as orderNumber',
      'r.created_at as createdAt',
      'r.updated_at as updatedAt',
      'r.closed_at as closedAt',
    ])
    .where('r.customer_id', '=', customerId)
    .orderBy('r.created_at')
    .orderBy('r.id')
    .execute()

  const requestEvents = await db
    .selectFrom('request_events as e')
    .innerJoin('requests as r', 'r.id', 'e.request_id')
    .select([
      'e.request_id as requestId',
      'e.from_status as fromStatus',
      'e.to_status as toStatus',
      'e.note',
      'e.actor_kind as actorKind',
      'e.occurred_at as occurredAt',
    ])
    .where('r.customer_id', '=', customerId)
    .where('e.visibility', '=', 'public')
    .orderBy('e.occurred_at')
    .orderBy('e.id')
    .execute()

  const tickets = await db
    .selectFrom('tickets as t')
    .leftJoin('orders as o', (join) =>
      join.onRef('o.id', '=', 't.order_id').onRef('o.customer_id', '=', 't.customer_id'),
    )
    .leftJoin('requests as r', (join) =>
      join.onRef('r.id', '=', 't.request_id').onRef('r.customer_id', '=', 't.customer_id'),
    )
    .select([
      't.id',
      't.ticket_number as ticketNumber',
      't.subject',
      't.category',
      't.status',
      't.priority',
      'o.order_number as orderNumber',
      'r.request_number as requestNumber',
      't.created_at as createdAt',
      't.updated_at as updatedAt',
      't.first_response_at as firstResponseAt',
      't.resolved_at as resolvedAt',
      't.closed_at as closedAt',
      't.rating',
      't.rating_comment as ratingComment',
    ])
    .where('t.customer_id', '=', customerId)
    .orderBy('t.created_at')
    .orderBy('t.id')
    .execute()

  const messages = await db
    .selectFrom('ticket_messages as m')
    .innerJoin('tickets as t', 't.id', 'm.ticket_id')
    .leftJoin('staff_members as s', (join) =>
      join.onRef('s.account_id', '=', 'm.author_account_id').on('m.author_kind', '=', 'staff'),
    )
    .select([
      'm.id',
      'm.ticket_id as ticketId',
      'm.author_kind as author',
      's.display_name as staffName',
      'm.body',
      'm.created_at as createdAt',
    ])
    .where('t.customer_id', '=', customerId)
    .where('m.visibility', '=', 'public')
    .orderBy('m.created_at')
    .orderBy('m.id')
    .execute()

  const attachments = await db
    .selectFrom('ticket_attachments as a')
    .innerJoin('ticket_messages as m', 'm.id', 'a.message_id')
    .innerJoin('tickets as t', 't.id', 'm.ticket_id')
    .select([
      'a.message_id as messageId',
      'a.file_name as fileName',
      'a.content_type as contentType',
      'a.size_bytes as sizeBytes',
      'a.sha256',
      'a.created_at as createdAt',
    ])
    .where('t.customer_id', '=', customerId)
    .where('m.visibility', '=', 'public')
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute()

  const ticketEvents = await db
    .selectFrom('ticket_events as e')
    .innerJoin('tickets as t', 't.id', 'e.ticket_id')
    .select([
      'e.ticket_id as ticketId',
      'e.kind',
      'e.from_value as fromValue',
      'e.to_value as toValue',
      'e.actor_kind as actorKind',
      'e.occurred_at as occurredAt',
    ])
    .where('t.customer_id', '=', customerId)
    .orderBy('e.occurred_at')
    .orderBy('e.id')
    .execute()

  const outbox = await db
    .selectFrom('notification_outbox')
    .select([
      'topic',
      'template',
      'status',
      'attempts',
      'entity_type as entityType',
      'created_at as createdAt',
      'processed_at as processedAt',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()

  const deliveries = await db
    .selectFrom('notification_deliveries')
    .select([
      'channel',
      'topic',
      'outcome',
      'reason',
      'recipient',
      'subject',
      'created_at as createdAt',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()

  const history = await db
    .selectFrom('record_history as h')
    // Only staff rows name someone; the customer's own account id is never turned into a name.
    .leftJoin('staff_members as s', (join) =>
      join.onRef('s.account_id', '=', 'h.actor_id').on('h.actor_kind', '=', 'staff'),
    )
    .select([
      'h.occurred_at as occurredAt',
      'h.entity_type as entityType',
      'h.entity_id as entityId',
      'h.action',
      'h.actor_kind as actorKind',
      's.display_name as staffName',
      'h.channel',
      'h.before',
      'h.after',
    ])
    .where('h.customer_id', '=', customerId)
    .orderBy('h.occurred_at')
    .orderBy('h.id')
    .execute()

  const accessLog = await db
    .selectFrom('record_access_log as l')
    .innerJoin('staff_members as s', 's.account_id', 'l.staff_account_id')
    .select(['l.viewed_at as viewedAt', 's.display_name as staffName', 'l.page'])
    .where('l.customer_id', '=', customerId)
    .orderBy('l.viewed_at')
    .orderBy('l.id')
    .execute()

  const merges = await db
    .selectFrom('customer_merges')
    .select(['merged_at as mergedAt', 'moved', 'duplicate_before as recordBefore'])
    .where('survivor_id', '=', customerId)
    .orderBy('merged_at')
    .orderBy('id')
    .execute()

  const organisationMemberships = await db
    .selectFrom('organisation_members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select([
      'o.name as organisationName',
      'o.customer_number as organisationNumber',
      'm.role',
      'm.joined_at as joinedAt',
      'm.removed_at as removedAt',
    ])
    .where('m.customer_id', '=', customerId)
    .orderBy('m.joined_at')
    .orderBy('m.id')
    .execute()

  const organisationHistory = await db
    .selectFrom('organisation_history as h')
    .innerJoin('organisations as o', 'o.id', 'h.organisation_id')
    .leftJoin('staff_members as s', (join) =>
      join.onRef('s.account_id', '=', 'h.actor_id').on('h.actor_kind', '=', 'staff'),
    )
    .leftJoin('accounts as a', (join) =>
      join.onRef('a.id', '=', 'h.actor_id').on('h.actor_kind', '=', 'customer'),
    )
    .leftJoin('customers as c', 'c.id', 'a.customer_id')
    .select([
      'o.name as organisationName',
      'h.occurred_at as occurredAt',
      'h.action',
      'h.actor_kind as actorKind',
      sql<string | null>`coalesce(s.display_name, ${personName('c')})`.as('actorName'),
      'h.channel',
      'h.before',
      'h.after',
    ])
    .where('h.subject_customer_id', '=', customerId)
    .orderBy('h.occurred_at')
    .orderBy('h.id')
    .execute()

  const attachmentsOf = groupBy(attachments, (row) => row.messageId)
  const messagesOf = groupBy(messages, (row) => row.ticketId)
  const linesOf = groupBy(orderLines, (row) => row.orderId)
  const shipmentsOf = groupBy(shipments, (row) => row.orderId)
  const orderEventsOf = groupBy(orderEvents, (row) => row.orderId)
  const requestEventsOf = groupBy(requestEvents, (row) => row.requestId)
  const ticketEventsOf = groupBy(ticketEvents, (row) => row.ticketId)

  const data: CustomerDataExport = {
    format: DATA_EXPORT_FORMAT,
    generatedAt: new Date(),
    notes: DATA_EXPORT_NOTES.map((topic) => ({ topic, text: notes[topic] ?? null })),
    customer,
    emails,
    phones,
    addresses: addresses.map((address) => ({ ...address, removed: address.removedAt !== null })),
    accounts: accounts.map(({ id: _id, ...account }) => account),
    sessions,
    emailLinks,
    communicationPreferences: preferences ?? null,
    consentCurrent,
    consentLedger: ledger.map(({ wordingVersion, wordingLanguage, wordingText, ...entry }) => ({
      ...entry,
      wording:
        wordingVersion !== null && wordingLanguage !== null && wordingText !== null
          ? { version: wordingVersion, language: wordingLanguage, text: wordingText }
          : null,
    })),
    orders: orders.map((order) => ({
      ...order,
      lines: (linesOf.get(order.id) ?? []).map(({ orderId: _orderId, ...line }) => line),
      shipments: (shipmentsOf.get(order.id) ?? []).map(
        ({ orderId: _orderId, ...shipment }) => shipment,
      ),
      events: (orderEventsOf.get(order.id) ?? []).map(({ orderId: _orderId, ...event }) => event),
    })),
    requests: requests.map((request) => ({
      ...request,
      details: withoutBookkeeping(request.details),
      events: (requestEventsOf.get(request.id) ?? []).map(
        ({ requestId: _requestId, ...event }) => event,
      ),
    })),
    tickets: tickets.map((ticket) => ({
      ...ticket,
      messages: (messagesOf.get(ticket.id) ?? []).map(
        ({ id, ticketId: _ticketId, ...message }) => ({
          ...message,
          attachments: (attachmentsOf.get(id) ?? []).map(
            ({ messageId: _messageId, ...attachment }) => attachment,
          ),
        }),
      ),
      events: (ticketEventsOf.get(ticket.id) ?? []).map(({ ticketId: _ticketId, ...event }) =>
        // An assignment names a staff account by its id: who handles a ticket is ours to know.
        event.kind === 'assigned' ? { ...event, fromValue: null, toValue: null } : event,
      ),
    })),
    notificationOutbox: outbox,
    notificationDeliveries: deliveries,
    history,
    accessLog,
    merges,
    organisationMemberships,
    organisationHistory,
  }
  return { data, accountIds: accounts.map((account) => account.id) }
}

/** The details as the customer gave them, without the form's one-time key. */
function withoutBookkeeping(details: JsonValue): JsonValue {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return details
  const { idempotency_key: _key, ...rest } = details
  return rest
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const row of rows) {
    const key = keyOf(row)
    const group = groups.get(key)
    if (group) group.push(row)
    else groups.set(key, [row])
  }
  return groups
}

/** When the customer last downloaded their data, for the page that offers it; null if never. */
export async function getLastDataExport(db: Kysely<DB>, customerId: string): Promise<Date | null> {
  if (!isUuid(customerId)) return null
  const row = await db
    .selectFrom('record_history')
    .select('occurred_at')
    .where('customer_id', '=', customerId)
    .where('entity_type', '=', 'account')
    .where('action', '=', 'data_exported')
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.occurred_at ?? null
}
