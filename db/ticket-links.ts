import { type Kysely, sql } from 'kysely'
import {
  type AddressInput,
  updateCustomerAddress,
  type VersionedAddress,
} from './customer-contacts.ts'
import {
  inTransaction,
  type ProfileDetails,
  updateProfileDetails,
  type VersionedProfileDetails,
} from './customers.ts'
import { InvalidStateError, NotFoundError, VersionConflictError } from './errors.ts'
import { type Actor, recordHistory } from './history.ts'
import { isUuid } from './ids.ts'
import {
  enqueueNotification,
  type NotificationEntityType,
  type NotificationTemplate,
} from './notifications.ts'
import { changeOrderStatus, type OrderStatus } from './orders.ts'
import { changeRequestStatus, type RequestStatus } from './requests.ts'
import type { DB, JsonValue } from './schema.ts'

// What an agent does from a ticket, next to the thread, on the record of the ticket's customer:
// link the ticket to one of that customer's orders or requests, move those along, correct the
// customer's details or an address, send a message again. Each function is scoped to the
// ticket's customer in its WHERE clause, so a form cannot reach another customer's records,
// and each goes through the same data-layer function the portal and the rest of staff use;
// what is added here is the version check (the workspace edits several records, each of which
// may have moved on since the page was rendered) and the customer's notification.

const staffActor = (staffAccountId: string): Actor => ({ kind: 'staff', id: staffAccountId })

/** The ticket and its customer by ticket number, for the workspace's actions; null when unknown. */
export async function findTicketCustomer(
  db: Kysely<DB>,
  ticketNumber: string,
): Promise<{ ticketId: string; customerId: string } | null> {
  const row = await db
    .selectFrom('tickets')
    .select(['id as ticketId', 'customer_id as customerId'])
    .where('ticket_number', '=', ticketNumber)
    .executeTakeFirst()
  return row ?? null
}

// Linking a ticket ---------------------------------------------------------------------------

/** What the link form saw; a conflict carries what is stored now. */
export interface TicketLinkState {
  version: number
  orderId: string | null
  orderNumber: string | null
  requestId: string | null
  requestNumber: string | null
}

export type TicketLinkTarget = { kind: 'order' | 'request'; id: string }

/** The ticket's version and the order and request it is about; null for an unknown ticket. */
export async function getTicketLinkState(
  db: Kysely<DB>,
  ticketId: string,
): Promise<TicketLinkState | null> {
  if (!isUuid(ticketId)) return null
  const row = await linkStateQuery(db).where('t.id', '=', ticketId).executeTakeFirst()
  return row ?? null
}

function linkStateQuery(db: Kysely<DB>) {
  return (
    db
      .selectFrom('tickets as t')
      // Scoped to the ticket's customer, so a link can only ever name their own things.
      .leftJoin('orders as o', (join) =>
        join.onRef('o.id', '=', 't.order_id').onRef('o.customer_id', '=', 't.customer_id'),
      )
      .leftJoin('requests as r', (join) =>
        join.onRef('r.id', '=', 't.request_id').onRef('r.customer_id', '=', 't.customer_id'),
      )
      .select([
        't.version',
        'o.id as orderId',
        'o.order_number as orderNumber',
        'r.id as requestId',
        'r.request_number as requestNumber',
      ])
  )
}

/**
 * Links the ticket to one of its customer's orders or requests (a ticket may have one of each).
 * The ticket row, a `linked` ticket event and the history row commit together. Linking what is
 * already linked changes nothing, whatever the version.
 * @returns whether anything changed
 * @throws NotFoundError (ticket, or an order/request that is not this customer's),
 *   VersionConflictError<TicketLinkState>
 */
export async function linkTicket(
  db: Kysely<DB>,
  input: {
    ticketId: string
    staffAccountId: string
    expectedVersion: number
    target: TicketLinkTarget
  },
): Promise<boolean> {
  const { ticketId, target } = input
  if (!isUuid(ticketId)) throw new NotFoundError('ticket', ticketId)
  if (!isUuid(target.id)) throw new NotFoundError(target.kind, target.id)
  return inTransaction(db, async (trx) => {
    const ticket = await trx
      .selectFrom('tickets')
      .select(['id', 'customer_id as customerId'])
      .where('id', '=', ticketId)
      .forUpdate()
      .executeTakeFirst()
    if (!ticket) throw new NotFoundError('ticket', ticketId)
    const current = await linkStateQuery(trx).where('t.id', '=', ticketId).executeTakeFirstOrThrow()

    // Only the ticket's own customer's order or request: another customer's id is as unknown
    // as a made-up one, and nothing is written.
    const chosen =
      target.kind === 'order'
        ? await trx
            .selectFrom('orders')
            .select(['id', 'order_number as number'])
            .where('id', '=', target.id)
            .where('customer_id', '=', ticket.customerId)
            .executeTakeFirst()
        : await trx
            .selectFrom('requests')
            .select(['id', 'request_number as number'])
            .where('id', '=', target.id)
            .where('customer_id', '=', ticket.customerId)
            .executeTakeFirst()
    if (!chosen) throw new NotFoundError(target.kind, target.id)

    const linkedId = target.kind === 'order' ? current.orderId : current.requestId
    if (linkedId === chosen.id) return false
    if (current.version !== input.expectedVersion) {
      throw new VersionConflictError<TicketLinkState>({
        entity: 'ticket',
        id: ticketId,
        expectedVersion: input.expectedVersion,
        current,
        changes:
          target.kind === 'order'
            ? { orderId: chosen.id, orderNumber: chosen.number }
            : { requestId: chosen.id, requestNumber: chosen.number },
      })
    }

    await trx
      .updateTable('tickets')
      .set((eb) => ({
        ...(target.kind === 'order' ? { order_id: chosen.id } : { request_id: chosen.id }),
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', ticket.id)
      .execute()
    const previous = target.kind === 'order' ? current.orderNumber : current.requestNumber
    await trx
      .insertInto('ticket_events')
      .values({
        ticket_id: ticket.id,
        kind: 'linked',
        from_value: previous,
        to_value: chosen.number,
        actor_kind: 'staff',
        actor_id: input.staffAccountId,
      })
      .execute()
    // Numbers, not ids: the customer reads this row and knows their orders by number.
    const field = target.kind === 'order' ? 'order_number' : 'request_number'
    await recordHistory(trx, {
      customerId: ticket.customerId,
      entityType: 'ticket',
      entityId: ticket.id,
      action: 'linked',
      actor: staffActor(input.staffAccountId),
      channel: 'staff',
      before: { [field]: previous },
      after: { [field]: chosen.number },
    })
    return true
  })
}

// Orders and requests: status changes checked against the version shown ---------------------

/** What a status form saw; a conflict carries what is stored now. */
export interface StatusState<S extends string> {
  status: S
  version: number
}

/** The versions of the customer's orders and requests the workspace offers to change. */
export async function listRecordVersions(
  db: Kysely<DB>,
  customerId: string,
  ids: { orderIds: readonly string[]; requestIds: readonly string[] },
): Promise<{ orders: Record<string, number>; requests: Record<string, number> }> {
  if (!isUuid(customerId)) return { orders: {}, requests: {} }
  const [orders, requests] = await Promise.all([
    ids.orderIds.length
      ? db
          .selectFrom('orders')
          .select(['id', 'version'])
          .where('customer_id', '=', customerId)
          .where('id', 'in', ids.orderIds)
          .execute()
      : [],
    ids.requestIds.length
      ? db
          .selectFrom('requests')
          .select(['id', 'version'])
          .where('customer_id', '=', customerId)
          .where('id', 'in', ids.requestIds)
          .execute()
      : [],
  ])
  return {
    orders: Object.fromEntries(orders.map((row) => [row.id, row.version])),
    requests: Object.fromEntries(requests.map((row) => [row.id, row.version])),
  }
}

interface StatusChange<S extends string> {
  customerId: string
  expectedVersion: number
  toStatus: S
  /** Shown to the customer on the timeline. */
  note: string | null
  staffAccountId: string
}

/**
 * changeOrderStatus (timeline, history, the customer's notification), refused with both sides
 * if the order moved on since the form was rendered.
 * @throws NotFoundError (not this customer's order), VersionConflictError<StatusState>,
 *   InvalidStateError('orders:errors.transitionNotAllowed')
 */
export async function changeCustomerOrderStatus(
  db: Kysely<DB>,
  input: StatusChange<OrderStatus> & { orderId: string },
): Promise<void> {
  if (!isUuid(input.orderId) || !isUuid(input.customerId)) {
    throw new NotFoundError('order', input.orderId)
  }
  await inTransaction(db, async (trx) => {
    // Locked first, so the version compared is the one changeOrderStatus then moves on from.
    const order = await trx
      .selectFrom('orders')
      .select(['id', 'status', 'version'])
      .where('id', '=', input.orderId)
      .where('customer_id', '=', input.customerId)
      .forUpdate()
      .executeTakeFirst()
    if (!order) throw new NotFoundError('order', input.orderId)
    if (order.version !== input.expectedVersion) {
      throw new VersionConflictError<StatusState<OrderStatus>>({
        entity: 'order',
        id: order.id,
        expectedVersion: input.expectedVersion,
        current: { status: order.status, version: order.version },
        changes: { status: input.toStatus },
      })
    }
    await changeOrderStatus(trx, {
      orderId: order.id,
      toStatus: input.toStatus,
      note: input.note,
      actor: staffActor(input.staffAccountId),
      channel: 'staff',
    })
  })
}

/**
 * changeRequestStatus (timeline, history, the customer's notification), refused with both sides
 * if the request moved on since the form was rendered.
 * @throws NotFoundError (not this customer's request), VersionConflictError<StatusState>,
 *   InvalidStateError('requests:errors.transitionNotAllowed')
 */
export async function changeCustomerRequestStatus(
  db: Kysely<DB>,
  input: StatusChange<RequestStatus> & { requestId: string },
): Promise<void> {
  if (!isUuid(input.requestId) || !isUuid(input.customerId)) {
    throw new NotFoundError('request', input.requestId)
  }
  await inTransaction(db, async (trx) => {
    const request = await trx
      .selectFrom('requests')
      .select(['id', 'status', 'version'])
      .where('id', '=', input.requestId)
      .where('customer_id', '=', input.customerId)
      .forUpdate()
      .executeTakeFirst()
    if (!request) throw new NotFoundError('request', input.requestId)
    if (request.version !== input.expectedVersion) {
      throw new VersionConflictError<StatusState<RequestStatus>>({
        entity: 'request',
        id: request.id,
        expectedVersion: input.expectedVersion,
        current: { status: request.status, version: request.version },
        changes: { status: input.toStatus },
      })
    }
    await changeRequestStatus(trx, {
      requestId: request.id,
      toStatus: input.toStatus,
      note: input.note,
      visibility: 'public',
      actor: staffActor(input.staffAccountId),
      channel: 'staff',
    })
  })
}

// Corrections of the customer's record -------------------------------------------------------

/** What a correction by staff was about; the payload of the `record_corrected` message. */
export type CorrectedPart = 'details' | 'address'

/**
 * Someone other than the customer changed their record: they hear about it as a service
 * message, sent by the worker on the channel their consent allows at send time.
 */
function notifyRecordCorrected(trx: Kysely<DB>, customerId: string, part: CorrectedPart) {
  return enqueueNotification(trx, {
    customerId,
    topic: 'service',
    template: 'record_corrected',
    payload: { part },
  })
}

/**
 * The details form of the workspace: updateProfileDetails with the agent as actor and channel
 * 'staff', plus the customer's notification when anything changed (saving what is stored is a
 * no-op and tells nobody).
 * @returns whether anything changed
 * @throws NotFoundError, VersionConflictError<VersionedProfileDetails>
 */
export async function correctCustomerDetails(
  db: Kysely<DB>,
  input: {
    customerId: string
    expectedVersion: number
    changes: Partial<ProfileDetails>
    staffAccountId: string
  },
): Promise<boolean> {
  if (!isUuid(input.customerId)) throw new NotFoundError('customer', input.customerId)
  return inTransaction(db, async (trx) => {
    // Locked, so the version read here is the one the save starts from: a changed version after
    // the save then means this save changed the record, not someone else's.
    const before = await trx
      .selectFrom('customers')
      .select('version')
      .where('id', '=', input.customerId)
      .forUpdate()
      .executeTakeFirst()
    if (!before) throw new NotFoundError('customer', input.customerId)
    const after: VersionedProfileDetails = await updateProfileDetails(trx, {
      customerId: input.customerId,
      expectedVersion: input.expectedVersion,
      changes: input.changes,
      actor: staffActor(input.staffAccountId),
      channel: 'staff',
    })
    if (after.version === before.version) return false
    await notifyRecordCorrected(trx, input.customerId, 'details')
    return true
  })
}

/**
 * An address correction from the workspace: updateCustomerAddress with the agent as actor, plus
 * the customer's notification when anything changed.
 * @returns whether anything changed
 * @throws NotFoundError (not this customer's address, or removed),
 *   VersionConflictError<VersionedAddress>
 */
export async function correctCustomerAddress(
  db: Kysely<DB>,
  input: {
    customerId: string
    addressId: string
    expectedVersion: number
    changes: AddressInput
    staffAccountId: string
  },
): Promise<boolean> {
  if (!isUuid(input.customerId) || !isUuid(input.addressId)) {
    throw new NotFoundError('address', input.addressId)
  }
  return inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom('customer_addresses')
      .select('version')
      .where('id', '=', input.addressId)
      .where('customer_id', '=', input.customerId)
      .where('removed_at', 'is', null)
      .forUpdate()
      .executeTakeFirst()
    if (!before) throw new NotFoundError('address', input.addressId)
    const after: VersionedAddress = await updateCustomerAddress(trx, {
      customerId: input.customerId,
      addressId: input.addressId,
      expectedVersion: input.expectedVersion,
      changes: input.changes,
      actor: staffActor(input.staffAccountId),
      channel: 'staff',
    })
    if (after.version === before.version) return false
    await notifyRecordCorrected(trx, input.customerId, 'address')
    return true
  })
}

// Sending a message again --------------------------------------------------------------------

function isRecord(value: JsonValue): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function isEntityType(value: string | null): value is NotificationEntityType {
  return value === 'order' || value === 'request' || value === 'ticket'
}

/**
 * Queues one of the customer's earlier messages again: the same template and payload (so it
 * says what it said then), through the outbox, so the consent rules and the customer's contact
 * details are applied when it is sent, not as they were the first time. Marketing is never sent
 * again by hand. A copy already waiting in the outbox is not queued twice (two agents, or a
 * double click). History row `notification_resent` on what the message was about.
 * @returns the new outbox id
 * @throws NotFoundError (not this customer's message, or one without an outbox row),
 *   InvalidStateError('workspace:resend.errors.marketing' | 'workspace:resend.errors.pending')
 */
export async function resendNotification(
  db: Kysely<DB>,
  input: { customerId: string; deliveryId: number; staffAccountId: string },
): Promise<number> {
  if (!isUuid(input.customerId) || !Number.isSafeInteger(input.deliveryId)) {
    throw new NotFoundError('delivery', String(input.deliveryId))
  }
  return inTransaction(db, async (trx) => {
    const message = await trx
      .selectFrom('notification_deliveries as d')
      .innerJoin('notification_outbox as o', 'o.id', 'd.outbox_id')
      .innerJoin('topics as tp', 'tp.code', 'o.topic')
      .select([
        'd.subject',
        'o.topic',
        'o.template',
        'o.payload',
        'o.entity_type as entityType',
        'o.entity_id as entityId',
        'tp.is_marketing as isMarketing',
      ])
      .where('d.id', '=', input.deliveryId)
      .where('d.customer_id', '=', input.customerId)
      .where('o.customer_id', '=', input.customerId)
      .executeTakeFirst()
    if (!message || !isRecord(message.payload)) {
      throw new NotFoundError('delivery', String(input.deliveryId))
    }
    if (message.isMarketing) throw new InvalidStateError('workspace:resend.errors.marketing')

    // Serialises resends for the customer, so two at once cannot both find nothing pending.
    await trx
      .selectFrom('customers')
      .select('id')
      .where('id', '=', input.customerId)
      .forUpdate()
      .execute()
    const pending = await trx
      .selectFrom('notification_outbox')
      .select('id')
      .where('customer_id', '=', input.customerId)
      .where('template', '=', message.template)
      .where('status', 'in', ['pending', 'processing'])
      .where(sql<boolean>`payload = ${JSON.stringify(message.payload)}::jsonb`)
      .executeTakeFirst()
    if (pending) throw new InvalidStateError('workspace:resend.errors.pending')

    const entityType = isEntityType(message.entityType) ? message.entityType : null
    const outboxId = await enqueueNotification(trx, {
      customerId: input.customerId,
      topic: message.topic,
      // The row was queued under one of the templates, so it names one.
      template: message.template as NotificationTemplate,
      payload: message.payload,
      entityType,
      entityId: entityType ? message.entityId : null,
    })
    await recordHistory(trx, {
      customerId: input.customerId,
      entityType: entityType ?? 'customer',
      entityId: (entityType ? message.entityId : null) ?? input.customerId,
      action: 'notification_resent',
      actor: staffActor(input.staffAccountId),
      channel: 'staff',
      after: { subject: message.subject },
    })
    return outboxId
  })
}
