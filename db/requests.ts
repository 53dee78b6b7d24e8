import { type Kysely, type Selectable, sql } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import { InvalidStateError, NotFoundError } from './errors.ts'
import { type Actor, type HistoryChannel, historyValues } from './history.ts'
import { isUuid } from './ids.ts'
import { NotOpenerError, writeSharing } from './item-shares.ts'
import { type ItemVisibility, type Viewer, visibleTo } from './item-visibility.ts'
import { afterCursor, decodeCursor, exactTime, pageOf } from './keyset.ts'
import { notifyRequestStatus } from './notifications.ts'
import { isOpenerColumn, type ItemOwnership, ownershipColumns } from './orders.ts'
import type { DB, JsonValue, RequestEvents, Requests } from './schema.ts'
import { dueAt } from './service-targets.ts'

export type RequestKind = Selectable<Requests>['kind']
export type RequestStatus = Selectable<Requests>['status']
export type RequestEventVisibility = Selectable<RequestEvents>['visibility']
export type RequestDetails = { [key: string]: JsonValue }

/** Once here, a request is finished: no promise date, nothing more for anyone to do. */
export const CLOSED_REQUEST_STATUSES: readonly RequestStatus[] = [
  'rejected',
  'completed',
  'cancelled',
]

/** Statuses in which the next move is ours: the 360's "waiting on us" and the metrics. */
export const REQUEST_STATUSES_WAITING_ON_US = [
  'submitted',
  'in_review',
] as const satisfies readonly RequestStatus[]

/**
 * What staff may move a request to from each status. The customer's own moves (cancel while
 * submitted, answer while waiting) are narrower and checked by cancelRequest and answerRequest.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  submitted: ['in_review', 'rejected', 'cancelled'],
  in_review: ['waiting_for_customer', 'approved', 'rejected', 'cancelled'],
  waiting_for_customer: ['in_review', 'rejected', 'cancelled'],
  approved: ['completed', 'cancelled'],
  rejected: [],
  completed: [],
  cancelled: [],
}

/** Request numbers as the sequence makes them; anything else cannot exist, so needs no query. */
const requestNumberPattern = /^R[0-9]{1,18}$/

export function isRequestNumber(value: string): boolean {
  return requestNumberPattern.test(value)
}

export interface RequestSummary {
  id: string
  requestNumber: string
  kind: RequestKind
  status: RequestStatus
  subject: string
  createdAt: Date
  updatedAt: Date
  closedAt: Date | null
  /** When we aim to have finished, from the kind's resolution target; null once closed. */
  dueAt: Date | null
}

// The kind's resolution target is joined in, so a list costs one query; targets are staff data
// and a change applies to open requests at once, as the customer then reads it.
function requestsWithTarget(db: Kysely<DB>) {
  return db
    .selectFrom('requests as r')
    .leftJoin('service_targets as st', (join) =>
      join.on('st.subject_kind', '=', 'request_kind').onRef('st.subject_value', '=', 'r.kind'),
    )
}

const summaryColumns = [
  'r.id',
  'r.request_number as requestNumber',
  'r.kind',
  'r.status',
  'r.subject',
  'r.created_at as createdAt',
  'r.updated_at as updatedAt',
  'r.closed_at as closedAt',
  'st.resolution_minutes as resolutionMinutes',
] as const

function toSummary<
  T extends { createdAt: Date; status: RequestStatus; resolutionMinutes: number | null },
>(row: T): Omit<T, 'resolutionMinutes'> & { dueAt: Date | null } {
  const { resolutionMinutes, ...rest } = row
  const open = !CLOSED_REQUEST_STATUSES.includes(row.status)
  return { ...rest, dueAt: open ? dueAt(row.createdAt, resolutionMinutes) : null }
}

interface RequestListOptions {
  status?: RequestStatus | null
  after?: string | null
  limit: number
}

/**
 * Staff side: a page of every request the person started (in any organisation), newest first;
 * `after` is the cursor of the last row shown. The customer's own pages use listVisibleRequests.
 */
export async function listCustomerRequests(
  db: Kysely<DB>,
  customerId: string,
  options: RequestListOptions,
): Promise<{ items: RequestSummary[]; nextCursor: string | null }> {
  let query = requestsWithTarget(db)
    .select(summaryColumns)
    .select(exactTime('r.created_at').as('cursorAt'))
    .where('r.customer_id', '=', customerId)
  if (options.status) query = query.where('r.status', '=', options.status)
  const cursor = decodeCursor(options.after)
  if (cursor) query = query.where(afterCursor('r.created_at', 'r.id', cursor))
  const rows = await query
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(options.limit + 1)
    .execute()
  const page = pageOf(rows, options.limit)
  return { items: page.items.map(toSummary), nextCursor: page.nextCursor }
}

export type VisibleRequestSummary = RequestSummary & ItemOwnership

/**
 * Customer side: a page of the requests the viewer may see in the context they act in (their
 * personal ones and the acting organisation's visible ones), newest first, with whose each is.
 * One statement.
 */
export async function listVisibleRequests(
  db: Kysely<DB>,
  viewer: Viewer,
  options: RequestListOptions,
): Promise<{ items: VisibleRequestSummary[]; nextCursor: string | null }> {
  let query = requestsWithTarget(db)
    .innerJoin('customers as opener', 'opener.id', 'r.customer_id')
    .select(summaryColumns)
    .select(ownershipColumns(viewer, 'r', 'opener'))
    .select(exactTime('r.created_at').as('cursorAt'))
    .where(visibleTo(viewer, 'request', 'r'))
  if (options.status) query = query.where('r.status', '=', options.status)
  const cursor = decodeCursor(options.after)
  if (cursor) query = query.where(afterCursor('r.created_at', 'r.id', cursor))
  const rows = await query
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(options.limit + 1)
    .execute()
  const page = pageOf(rows, options.limit)
  return { items: page.items.map(toSummary), nextCursor: page.nextCursor }
}

export type OpenRequest = Omit<RequestSummary, 'closedAt'>

/** Staff side: the person's requests not yet rejected, completed or cancelled. */
export async function listOpenRequests(db: Kysely<DB>, customerId: string): Promise<OpenRequest[]> {
  const rows = await requestsWithTarget(db)
    .select(summaryColumns)
    .where('r.customer_id', '=', customerId)
    .where('r.status', 'not in', CLOSED_REQUEST_STATUSES)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute()
  return rows.map((row) => {
    const { closedAt: _closedAt, ...summary } = toSummary(row)
    return summary
  })
}

export type VisibleOpenRequest = OpenRequest & ItemOwnership

/** The dashboard's contract: the open requests the viewer may see in their context. */
export async function listVisibleOpenRequests(
  db: Kysely<DB>,
  viewer: Viewer,
): Promise<VisibleOpenRequest[]> {
  const rows = await requestsWithTarget(db)
    .innerJoin('customers as opener', 'opener.id', 'r.customer_id')
    .select(summaryColumns)
    .select(ownershipColumns(viewer, 'r', 'opener'))
    .where(visibleTo(viewer, 'request', 'r'))
    .where('r.status', 'not in', CLOSED_REQUEST_STATUSES)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute()
  return rows.map((row) => {
    const { closedAt: _closedAt, ...summary } = toSummary(row)
    return summary
  })
}

export interface RequestTimelineEvent {
  id: number
  fromStatus: RequestStatus | null
  toStatus: RequestStatus
  note: string | null
  /** Who moved it, by kind only: staff ids and names are not the customer's business here. */
  actorKind: Selectable<RequestEvents>['actor_kind']
  occurredAt: Date
}

export interface CustomerRequest extends RequestSummary, ItemOwnership {
  version: number
  /** The request's organisation, or null for a personal request. */
  organisationId: string | null
  /** Whether the viewer started it: only they cancel, answer or change who sees it. */
  isOpener: boolean
  details: RequestDetails
  order: { orderNumber: string } | null
  /** Public events only, oldest first. */
  events: RequestTimelineEvent[]
}

/**
 * A request the viewer may see in the context they act in, with its public timeline (one
 * query), or null (unknown and hidden alike).
 */
export async function getCustomerRequest(
  db: Kysely<DB>,
  viewer: Viewer,
  requestNumber: string,
): Promise<CustomerRequest | null> {
  if (!isRequestNumber(requestNumber)) return null
  const row = await requestsWithTarget(db)
    .innerJoin('customers as opener', 'opener.id', 'r.customer_id')
    .leftJoin('orders as o', 'o.id', 'r.order_id')
    .select(summaryColumns)
    .select([
      'r.version',
      'r.details',
      'r.organisation_id as organisationId',
      'o.order_number as orderNumber',
      isOpenerColumn(viewer, 'r').as('isOpener'),
      ...ownershipColumns(viewer, 'r', 'opener'),
    ])
    .select((eb) =>
      jsonArrayFrom(
        eb
          .selectFrom('request_events as e')
          .select([
            'e.id',
            'e.from_status as fromStatus',
            'e.to_status as toStatus',
            'e.note',
            'e.actor_kind as actorKind',
            'e.occurred_at as occurredAt',
          ])
          .whereRef('e.request_id', '=', 'r.id')
          // Internal notes are staff's working notes: filtered here, so no page can leak them.
          .where('e.visibility', '=', 'public')
          .orderBy('e.occurred_at')
          .orderBy('e.id'),
      ).as('events'),
    )
    .where(visibleTo(viewer, 'request', 'r'))
    .where('r.request_number', '=', requestNumber)
    .executeTakeFirst()
  if (!row) return null
  const { orderNumber, details, events, ...rest } = row
  return {
    ...toSummary(rest),
    details: publicDetails(details),
    order: orderNumber ? { orderNumber } : null,
    events: events.map((event) => ({
      ...event,
      fromStatus: event.fromStatus as RequestStatus | null,
      toStatus: event.toStatus as RequestStatus,
      // JSON carries timestamps as text.
      occurredAt: new Date(event.occurredAt),
    })),
  }
}

/** The details as the customer gave them, without our bookkeeping. */
function publicDetails(details: JsonValue): RequestDetails {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return {}
  const { idempotency_key: _key, ...rest } = details
  return rest
}

/**
 * A request the viewer may see, by number, or null: for answering 404 (or 403 to someone who
 * did not start it) before anything else.
 */
export async function findVisibleRequest(
  db: Kysely<DB>,
  viewer: Viewer,
  requestNumber: string,
): Promise<{ id: string; organisationId: string | null; isOpener: boolean } | null> {
  if (!isRequestNumber(requestNumber)) return null
  const row = await db
    .selectFrom('requests as r')
    .select([
      'r.id',
      'r.organisation_id as organisationId',
      isOpenerColumn(viewer, 'r').as('isOpener'),
    ])
    .where(visibleTo(viewer, 'request', 'r'))
    .where('r.request_number', '=', requestNumber)
    .executeTakeFirst()
  return row ?? null
}

export interface OrderLineChoice {
  lineNumber: number
  sku: string
  description: string
  quantity: number
}

/** The lines of an order the viewer may see, for choosing what to return. */
export async function listOrderLinesForRequest(
  db: Kysely<DB>,
  viewer: Viewer,
  orderId: string,
): Promise<OrderLineChoice[]> {
  if (!isUuid(orderId)) return []
  return db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select(['l.line_number as lineNumber', 'l.sku', 'l.description', 'l.quantity'])
    .where(visibleTo(viewer, 'order', 'o'))
    .where('o.id', '=', orderId)
    .orderBy('l.line_number')
    .execute()
}

export interface CreateRequestInput {
  customerId: string
  /**
   * The organisation the person acts for (the session's), or null/absent for a personal
   * request. The request then belongs to it, and an order it is about must be that
   * organisation's and visible to the person.
   */
  actingFor?: Viewer['actingFor']
  /**
   * Who sees an organisation's request besides the person ('private' when absent); ignored for
   * a personal request, which is always private.
   */
  sharing?: { visibility: ItemVisibility; customerIds: readonly string[] } | null
  actor: Actor
  channel: HistoryChannel
  kind: RequestKind
  subject: string
  details: RequestDetails
  orderId?: string | null
  /**
   * The form's one-time key: a second submission of the same form (two clicks, a resend)
   * returns the request the first one made instead of making another.
   */
  idempotencyKey?: string | null
}

/**
 * A new request in status `submitted`, with its sharing, its first timeline event and its
 * history row, in one transaction. `created` is false when the idempotency key had already made
 * one. An order it is about must be visible to the person in the context they act in
 * (NotFoundError otherwise), and a return only from an order they placed (NotOpenerError);
 * colleagues to share with must be current members (InvalidColleagueError, nothing written).
 */
export async function createRequest(
  db: Kysely<DB>,
  input: CreateRequestInput,
): Promise<{ id: string; requestNumber: string; created: boolean }> {
  return inTransaction(db, async (trx) => {
    const key = input.idempotencyKey ?? null
    if (key) {
      // Serialises submissions that carry the same key, so two racing posts cannot both pass
      // the check below. (A unique index on the key would let the database enforce it.)
      await sql`select pg_advisory_xact_lock(hashtextextended(${`request:${key}`}, 0))`.execute(trx)
      const existing = await trx
        .selectFrom('requests')
        .select(['id', 'request_number as requestNumber'])
        .where('customer_id', '=', input.customerId)
        .where(sql<string>`details->>'idempotency_key'`, '=', key)
        .executeTakeFirst()
      if (existing) return { ...existing, created: false }
    }

    const viewer: Viewer = { customerId: input.customerId, actingFor: input.actingFor ?? null }
    const organisationId = viewer.actingFor?.id ?? null
    let orderNumber: string | null = null
    if (input.orderId) {
      // The order must be one the person may see, in the same context as the request, whoever
      // calls: a personal order for a personal request, the organisation's for its request.
      const order = isUuid(input.orderId)
        ? await trx
            .selectFrom('orders as o')
            .select(['o.order_number', isOpenerColumn(viewer, 'o').as('isOpener')])
            .where('o.id', '=', input.orderId)
            .where(visibleTo(viewer, 'order', 'o'))
            .where(sql<boolean>`o.organisation_id is not distinct from ${organisationId}`)
            .executeTakeFirst()
        : undefined
      if (!order) throw new NotFoundError('order', input.orderId)
      if (input.kind === 'return' && !order.isOpener) {
        throw new NotOpenerError('order', input.orderId)
      }
      orderNumber = order.order_number
    }

    const details: RequestDetails = key ? { ...input.details, idempotency_key: key } : input.details
    const request = await trx
      .insertInto('requests')
      .values({
        customer_id: input.customerId,
        organisation_id: organisationId,
        kind: input.kind,
        subject: input.subject,
        details: JSON.stringify(details),
        order_id: input.orderId ?? null,
      })
      .returning(['id', 'request_number as requestNumber', 'status'])
      .executeTakeFirstOrThrow()
    const visibility = organisationId ? (input.sharing?.visibility ?? 'private') : 'private'
    if (organisationId && visibility !== 'private') {
      await writeSharing(trx, {
        kind: 'request',
        itemId: request.id,
        organisationId,
        visibility,
        customerIds: input.sharing?.customerIds ?? [],
        addedBy: input.actor.kind === 'customer' ? (input.actor.id ?? null) : null,
        openerCustomerId: input.customerId,
      })
    }
    await trx
      .insertInto('request_events')
      .values({
        request_id: request.id,
        from_status: null,
        to_status: request.status,
        visibility: 'public',
        actor_kind: input.actor.kind,
        actor_id: input.actor.id ?? null,
      })
      .execute()
    await trx
      .insertInto('record_history')
      .values(
        historyValues({
          customerId: input.customerId,
          entityType: 'request',
          entityId: request.id,
          action: 'created',
          actor: input.actor,
          channel: input.channel,
          after: {
            request_number: request.requestNumber,
            kind: input.kind,
            subject: input.subject,
            status: request.status,
            ...(orderNumber ? { order_number: orderNumber } : {}),
            ...(organisationId ? { organisation_id: organisationId, visibility } : {}),
          },
        }),
      )
      .execute()
    return { id: request.id, requestNumber: request.requestNumber, created: true }
  })
}

interface LockedRequest {
  id: string
  customerId: string
  requestNumber: string
  status: RequestStatus
}

const lockedColumns = [
  'id',
  'customer_id as customerId',
  'request_number as requestNumber',
  'status',
] as const

/**
 * Locks a request the viewer may see and started: NotFoundError if they may not see it (or it
 * does not exist), NotOpenerError if a colleague started it.
 */
async function lockCustomerRequest(
  trx: Kysely<DB>,
  viewer: Viewer,
  requestNumber: string,
): Promise<LockedRequest> {
  const row = isRequestNumber(requestNumber)
    ? await trx
        .selectFrom('requests as r')
        .select([
          'r.id',
          'r.customer_id as customerId',
          'r.request_number as requestNumber',
          'r.status',
          isOpenerColumn(viewer, 'r').as('isOpener'),
        ])
        .where(visibleTo(viewer, 'request', 'r'))
        .where('r.request_number', '=', requestNumber)
        .forUpdate()
        .executeTakeFirst()
    : undefined
  if (!row) throw new NotFoundError('request', requestNumber)
  const { isOpener, ...request } = row
  if (!isOpener) throw new NotOpenerError('request', requestNumber)
  return request
}

interface Transition {
  toStatus: RequestStatus
  action: 'cancelled' | 'answered' | 'status_changed'
  note: string | null
  noteVisibility: RequestEventVisibility
  actor: Actor
  channel: HistoryChannel
}

export interface TransitionResult {
  requestNumber: string
  status: RequestStatus
}

/** The status change, its timeline event(s) and its history row; call inside a transaction. */
async function applyTransition(
  trx: Kysely<DB>,
  request: LockedRequest,
  change: Transition,
): Promise<TransitionResult> {
  const closing = CLOSED_REQUEST_STATUSES.includes(change.toStatus)
  const updated = await trx
    .updateTable('requests')
    .set((eb) => ({
      status: change.toStatus,
      updated_at: sql<Date>`now()`,
      closed_at: closing ? sql<Date>`now()` : null,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', request.id)
    .returning(['status'])
    .executeTakeFirstOrThrow()

  const actor = { actor_kind: change.actor.kind, actor_id: change.actor.id ?? null }
  const statusEvent = {
    request_id: request.id,
    from_status: request.status,
    to_status: change.toStatus,
    visibility: 'public' as const,
    ...actor,
  }
  // The status change itself is always the customer's to see; an internal note rides on a
  // separate event so it never becomes visible with it.
  const events =
    change.note && change.noteVisibility === 'internal'
      ? [
          { ...statusEvent, note: null },
          {
            ...statusEvent,
            from_status: change.toStatus,
            note: change.note,
            visibility: 'internal' as const,
          },
        ]
      : [{ ...statusEvent, note: change.note }]
  await trx.insertInto('request_events').values(events).execute()

  await trx
    .insertInto('record_history')
    .values(
      historyValues({
        customerId: request.customerId,
        entityType: 'request',
        entityId: request.id,
        action: change.action,
        actor: change.actor,
        channel: change.channel,
        before: { status: request.status },
        after: { status: change.toStatus },
      }),
    )
    .execute()
  return { requestNumber: request.requestNumber, status: updated.status }
}

interface CustomerChange {
  customerId: string
  /** The organisation the person acts for (the session's); null/absent: for themselves. */
  actingFor?: Viewer['actingFor']
  requestNumber: string
  actor: Actor
  channel: HistoryChannel
}

function viewerOfChange(input: CustomerChange): Viewer {
  return { customerId: input.customerId, actingFor: input.actingFor ?? null }
}

/** The customer withdraws a request nobody has started on yet (status `submitted` only). */
export async function cancelRequest(
  db: Kysely<DB>,
  input: CustomerChange,
): Promise<TransitionResult> {
  return inTransaction(db, async (trx) => {
    const request = await lockCustomerRequest(trx, viewerOfChange(input), input.requestNumber)
    if (request.status !== 'submitted') {
      throw new InvalidStateError('requests:errors.cannotCancel')
    }
    return applyTransition(trx, request, {
      toStatus: 'cancelled',
      action: 'cancelled',
      note: null,
      noteVisibility: 'public',
      actor: input.actor,
      channel: input.channel,
    })
  })
}

/** The customer answers our question; the request goes back to us (`in_review`). */
export async function answerRequest(
  db: Kysely<DB>,
  input: CustomerChange & { answer: string },
): Promise<TransitionResult> {
  return inTransaction(db, async (trx) => {
    const request = await lockCustomerRequest(trx, viewerOfChange(input), input.requestNumber)
    if (request.status !== 'waiting_for_customer') {
      throw new InvalidStateError('requests:errors.cannotAnswer')
    }
    return applyTransition(trx, request, {
      toStatus: 'in_review',
      action: 'answered',
      note: input.answer,
      noteVisibility: 'public',
      actor: input.actor,
      channel: input.channel,
    })
  })
}

/**
 * Staff (or an integration) move a request along ALLOWED_TRANSITIONS. A note is shown to the
 * customer on the timeline unless `visibility` is 'internal'. The customer's notification is
 * queued in the same transaction (their own cancel and answer above need none).
 */
export async function changeRequestStatus(
  db: Kysely<DB>,
  input: {
    requestId: string
    toStatus: RequestStatus
    note?: string | null
    visibility?: RequestEventVisibility
    actor: Actor
    channel: HistoryChannel
  },
): Promise<TransitionResult> {
  return inTransaction(db, async (trx) => {
    const request = isUuid(input.requestId)
      ? await trx
          .selectFrom('requests')
          .select(lockedColumns)
          .where('id', '=', input.requestId)
          .forUpdate()
          .executeTakeFirst()
      : undefined
    if (!request) throw new NotFoundError('request', input.requestId)
    if (!ALLOWED_TRANSITIONS[request.status].includes(input.toStatus)) {
      throw new InvalidStateError('requests:errors.transitionNotAllowed')
    }
    const result = await applyTransition(trx, request, {
      toStatus: input.toStatus,
      action: 'status_changed',
      note: input.note?.trim() || null,
      noteVisibility: input.visibility ?? 'public',
      actor: input.actor,
      channel: input.channel,
    })
    if (input.actor.kind !== 'customer') {
      await notifyRequestStatus(trx, {
        customerId: request.customerId,
        requestId: request.id,
        requestNumber: request.requestNumber,
        status: result.status,
      })
    }
    return result
  })
}

function inTransaction<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}
