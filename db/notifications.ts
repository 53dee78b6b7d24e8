import { type Kysely, type Selectable, sql } from 'kysely'
import type { ChannelCode, TopicCode } from './consent.ts'
import type { CustomerStatus } from './customers.ts'
import { isUuid } from './ids.ts'
import { afterCursor, decodeCursor, exactTime, pageOf } from './keyset.ts'
import type { DB, JsonValue, NotificationDeliveries, NotificationOutbox } from './schema.ts'
import type { MarketingFrequency } from './preferences.ts'

// The notification outbox and the record of what became of each message.
//
// A change that the customer should hear about writes its outbox row in the same transaction as
// the change itself (pass the transaction), so a message is queued exactly when the change
// commits. The worker (app/notifications/worker.server.ts) delivers the rows later, deciding
// the channel at send time, and records every delivery or refusal in notification_deliveries:
// the customer's "Messages we sent you".

export type OutboxStatus = Selectable<NotificationOutbox>['status']
export type DeliveryOutcome = Selectable<NotificationDeliveries>['outcome']

/** What the message is about; the templates in app/notifications/templates.server.ts. */
export type NotificationTemplate =
  | 'order_status_changed'
  | 'request_status_changed'
  | 'ticket_status_changed'
  | 'ticket_replied'
  | 'marketing_message'
  /** Staff corrected the customer's details or an address (db/ticket-links.ts). */
  | 'record_corrected'

export type NotificationEntityType = 'order' | 'request' | 'ticket'

export interface EnqueueNotificationInput {
  customerId: string
  topic: TopicCode
  template: NotificationTemplate
  payload: { [key: string]: JsonValue }
  entityType?: NotificationEntityType | null
  entityId?: string | null
  /** Not to be sent before this instant; now when absent. */
  notBefore?: Date
}

/** Queues one message; returns the outbox id. Call with the transaction of the change. */
export async function enqueueNotification(
  db: Kysely<DB>,
  input: EnqueueNotificationInput,
): Promise<number> {
  const row = await db
    .insertInto('notification_outbox')
    .values({
      customer_id: input.customerId,
      topic: input.topic,
      template: input.template,
      payload: JSON.stringify(input.payload),
      entity_type: input.entityType ?? null,
      entity_id: input.entityId ?? null,
      // Whole milliseconds, as the worker's clock (a JavaScript Date) has them: a row queued in
      // the millisecond a pass starts is due in that pass, not only in the next one.
      next_attempt_at: input.notBefore ?? sql<Date>`date_trunc('milliseconds', now())`,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

// The change functions of db/orders.ts, db/requests.ts and db/tickets.ts call these. The
// payload holds the number and status as of the change, so the message says what happened even
// if the entity has moved on by the time it is sent.

export function notifyOrderStatus(
  trx: Kysely<DB>,
  order: { customerId: string; orderId: string; orderNumber: string; status: string },
): Promise<number> {
  return enqueueNotification(trx, {
    customerId: order.customerId,
    topic: 'order_updates',
    template: 'order_status_changed',
    payload: { orderNumber: order.orderNumber, status: order.status },
    entityType: 'order',
    entityId: order.orderId,
  })
}

export function notifyRequestStatus(
  trx: Kysely<DB>,
  request: { customerId: string; requestId: string; requestNumber: string; status: string },
): Promise<number> {
  return enqueueNotification(trx, {
    customerId: request.customerId,
    topic: 'service',
    template: 'request_status_changed',
    payload: { requestNumber: request.requestNumber, status: request.status },
    entityType: 'request',
    entityId: request.requestId,
  })
}

export function notifyTicket(
  trx: Kysely<DB>,
  ticket: {
    customerId: string
    ticketId: string
    ticketNumber: string
    status: string
    event: 'status_changed' | 'replied'
  },
): Promise<number> {
  return enqueueNotification(trx, {
    customerId: ticket.customerId,
    topic: 'service',
    template: ticket.event === 'replied' ? 'ticket_replied' : 'ticket_status_changed',
    payload: { ticketNumber: ticket.ticketNumber, status: ticket.status },
    entityType: 'ticket',
    entityId: ticket.ticketId,
  })
}

// The worker's side ------------------------------------------------------------------------------

export interface ClaimedNotification {
  id: number
  customerId: string
  topic: TopicCode
  isMarketing: boolean
  template: string
  payload: JsonValue
  entityType: string | null
  entityId: string | null
  /** Attempts that failed before this one. */
  attempts: number
  createdAt: Date
}

/**
 * Takes up to `batchSize` due rows for this worker: locked with FOR UPDATE SKIP LOCKED, so
 * workers running at the same time never take the same row, and marked 'processing' until
 * `leaseUntil` in the same transaction. A row whose worker died is handed out again once its
 * lease has run out (at least once, never lost).
 */
export async function claimDueNotifications(
  db: Kysely<DB>,
  options: { now: Date; batchSize: number; leaseUntil: Date },
): Promise<ClaimedNotification[]> {
  const { now, batchSize, leaseUntil } = options
  return db.transaction().execute(async (trx) => {
    // Claims of workers that stopped answering go back to the queue first.
    await trx
      .updateTable('notification_outbox')
      .set({ status: 'pending' })
      .where('status', '=', 'processing')
      .where('next_attempt_at', '<=', now)
      .execute()
    const due = await trx
      .selectFrom('notification_outbox')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute()
    if (due.length === 0) return []
    const claimed = await trx
      .updateTable('notification_outbox as o')
      .from('topics as t')
      .set({ status: 'processing', next_attempt_at: leaseUntil })
      .whereRef('t.code', '=', 'o.topic')
      .where(
        'o.id',
        'in',
        due.map((row) => row.id),
      )
      .returning([
        'o.id',
        'o.customer_id as customerId',
        'o.topic',
        't.is_marketing as isMarketing',
        'o.template',
        'o.payload',
        'o.entity_type as entityType',
        'o.entity_id as entityId',
        'o.attempts',
        'o.created_at as createdAt',
      ])
      .execute()
    return claimed.sort((a, b) => a.id - b.id)
  })
}

/** Everything the worker needs to know about the customer at send time, in one query. */
export interface DeliveryContext {
  customerId: string
  status: CustomerStatus
  name: string
  /** The language messages are written in: the chosen one, else the record's. */
  language: string
  timeZone: string
  preferredServiceChannel: ChannelCode
  marketingFrequency: MarketingFrequency
  /** 'HH:MM' in the customer's time zone; both set or both null. */
  quietHoursStart: string | null
  quietHoursEnd: string | null
  unsubscribeGeneration: number
  /** The primary address. */
  email: string | null
  /** The primary mobile number, else the first one added. */
  mobile: string | null
}

export async function getDeliveryContext(
  db: Kysely<DB>,
  customerId: string,
): Promise<DeliveryContext | null> {
  if (!isUuid(customerId)) return null
  const row = await db
    .selectFrom('customers as c')
    .innerJoin('communication_preferences as cp', 'cp.customer_id', 'c.id')
    .select((eb) => [
      'c.id as customerId',
      'c.status',
      sql<string>`coalesce(c.preferred_name, c.given_name)`.as('name'),
      sql<string>`coalesce(cp.message_language, c.language)`.as('language'),
      'c.time_zone as timeZone',
      'cp.preferred_service_channel as preferredServiceChannel',
      'cp.marketing_frequency as marketingFrequency',
      sql<string | null>`to_char(cp.quiet_hours_start, 'HH24:MI')`.as('quietHoursStart'),
      sql<string | null>`to_char(cp.quiet_hours_end, 'HH24:MI')`.as('quietHoursEnd'),
      'cp.unsubscribe_generation as unsubscribeGeneration',
      eb
        .selectFrom('customer_emails as e')
        .select('e.email')
        .whereRef('e.customer_id', '=', 'c.id')
        .where('e.is_primary', '=', true)
        .as('email'),
      eb
        .selectFrom('customer_phones as p')
        .select('p.e164')
        .whereRef('p.customer_id', '=', 'c.id')
        .where('p.kind', '=', 'mobile')
        .orderBy('p.is_primary', 'desc')
        .orderBy('p.created_at')
        .limit(1)
        .as('mobile'),
    ])
    .where('c.id', '=', customerId)
    .executeTakeFirst()
  return row ?? null
}

export interface DeliveryRecord {
  channel: ChannelCode | null
  outcome: DeliveryOutcome
  /** Why it was refused or failed; null when sent. */
  reason: string | null
  recipient: string | null
  /** What the message was about: the mail's subject line, in the customer's language. */
  subject: string | null
}

/**
 * Settles a claimed row (sent, refused or failed for good) and records the delivery, in one
 * transaction. Does nothing and returns false when the row is no longer this worker's to settle
 * (its claim ran out and another worker settled it), so a delivery is never recorded twice.
 */
export async function settleNotification(
  db: Kysely<DB>,
  options: {
    outboxId: number
    customerId: string
    topic: TopicCode
    now: Date
    status: 'sent' | 'refused' | 'failed'
    attempts?: number
    lastError?: string | null
    delivery: DeliveryRecord
  },
): Promise<boolean> {
  const { outboxId, customerId, topic, now, status, delivery } = options
  return db.transaction().execute(async (trx) => {
    const settled = await trx
      .updateTable('notification_outbox')
      .set({
        status,
        processed_at: now,
        ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
        ...(options.lastError === undefined ? {} : { last_error: options.lastError }),
      })
      .where('id', '=', outboxId)
      .where('status', '=', 'processing')
      .returning('id')
      .executeTakeFirst()
    if (!settled) return false
    await trx
      .insertInto('notification_deliveries')
      .values({
        outbox_id: outboxId,
        customer_id: customerId,
        channel: delivery.channel,
        topic,
        outcome: delivery.outcome,
        reason: delivery.reason,
        recipient: delivery.recipient,
        subject: delivery.subject,
        created_at: now,
      })
      .execute()
    return true
  })
}

/** Puts a claimed row back in the queue until `until` (quiet hours, the next digest). */
export async function deferNotification(
  db: Kysely<DB>,
  options: { outboxId: number; until: Date },
): Promise<void> {
  await db
    .updateTable('notification_outbox')
    .set({ status: 'pending', next_attempt_at: options.until })
    .where('id', '=', options.outboxId)
    .where('status', '=', 'processing')
    .execute()
}

/** A failed attempt that will be tried again at `nextAttemptAt`. */
export async function retryNotification(
  db: Kysely<DB>,
  options: { outboxId: number; attempts: number; nextAttemptAt: Date; error: string },
): Promise<void> {
  await db
    .updateTable('notification_outbox')
    .set({
      status: 'pending',
      attempts: options.attempts,
      next_attempt_at: options.nextAttemptAt,
      last_error: options.error,
    })
    .where('id', '=', options.outboxId)
    .where('status', '=', 'processing')
    .execute()
}

// Messages we sent you ---------------------------------------------------------------------------

export interface CustomerDelivery {
  id: number
  createdAt: Date
  channel: ChannelCode | null
  topic: TopicCode
  outcome: DeliveryOutcome
  reason: string | null
  subject: string | null
  /** Where the message pointed: the order, request or ticket it was about, if still theirs. */
  link: { entityType: NotificationEntityType; number: string } | null
}

/**
 * Every message we sent the customer, or decided not to send, newest first, one keyset page at
 * a time (created_at desc, id desc). One statement per page. The recipient address is not
 * returned: the page says which channel, and the customer knows their own details.
 */
export async function listCustomerDeliveries(
  db: Kysely<DB>,
  customerId: string,
  options: { after?: string | null; limit: number },
): Promise<{ items: CustomerDelivery[]; nextCursor: string | null }> {
  if (!isUuid(customerId)) return { items: [], nextCursor: null }
  const limit = Math.max(1, Math.min(options.limit, 100))
  const cursor = decodeCursor(options.after)
  let query = db
    .selectFrom('notification_deliveries as d')
    .leftJoin('notification_outbox as o', 'o.id', 'd.outbox_id')
    // Each join is scoped to the same customer, so a row can only ever link to their own things.
    .leftJoin('orders as ord', (join) =>
      join
        .on('o.entity_type', '=', 'order')
        .onRef('ord.customer_id', '=', 'd.customer_id')
        .on(sql<boolean>`ord.id::text = o.entity_id`),
    )
    .leftJoin('requests as req', (join) =>
      join
        .on('o.entity_type', '=', 'request')
        .onRef('req.customer_id', '=', 'd.customer_id')
        .on(sql<boolean>`req.id::text = o.entity_id`),
    )
    .leftJoin('tickets as tic', (join) =>
      join
        .on('o.entity_type', '=', 'ticket')
        .onRef('tic.customer_id', '=', 'd.customer_id')
        .on(sql<boolean>`tic.id::text = o.entity_id`),
    )
    .select([
      'd.id',
      'd.created_at as createdAt',
      exactTime('d.created_at').as('cursorAt'),
      'd.channel',
      'd.topic',
      'd.outcome',
      'd.reason',
      'd.subject',
      'o.entity_type as entityType',
      sql<string | null>`coalesce(ord.order_number, req.request_number, tic.ticket_number)`.as(
        'entityNumber',
      ),
    ])
    .where('d.customer_id', '=', customerId)
  if (cursor) query = query.where(afterCursor('d.created_at', 'd.id', cursor))
  const rows = await query
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(limit + 1)
    .execute()
  const page = pageOf(rows, limit)
  return {
    nextCursor: page.nextCursor,
    items: page.items.map(({ entityType, entityNumber, ...item }) => ({
      ...item,
      link: entityNumber && isEntityType(entityType) ? { entityType, number: entityNumber } : null,
    })),
  }
}

function isEntityType(value: string | null): value is NotificationEntityType {
  return value === 'order' || value === 'request' || value === 'ticket'
}
