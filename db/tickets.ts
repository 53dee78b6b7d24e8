import {
  type Kysely,
  type Selectable,
  type SelectQueryBuilder,
  sql,
  type UpdateObject,
} from 'kysely'
import { InvalidStateError, NotFoundError } from './errors.ts'
import { type Actor, type HistoryChannel, historyValues } from './history.ts'
import { afterCursor, decodeCursor, exactTime, pageOf } from './keyset.ts'
import type { DB, Tickets } from './schema.ts'
import { dueAt } from './service-targets.ts'
import { isUuid } from './ids.ts'
import {
  type Colleague,
  customerDisplayName,
  listSharedWith,
  NotOpenerError,
  writeSharing,
} from './item-shares.ts'
import {
  type ItemVisibility,
  openedBy,
  type OrganisationRole,
  type Viewer,
  visibleTo,
} from './item-visibility.ts'
import { notifyTicket } from './notifications.ts'

// Support tickets. Customer-side functions take the viewer (the person and what they act for)
// and filter every query with `visibleTo` in the WHERE clause, so a ticket the viewer may not
// see behaves exactly like an unknown number. Everyone who sees a ticket reads and replies;
// only the person who opened it closes, reopens or rates it (NotOpenerError otherwise).
// Internal notes (visibility 'internal') are filtered out in every query a customer's page uses.

export type TicketStatus = Selectable<Tickets>['status']
export type TicketCategory = Tickets['category']
export type TicketPriority = Selectable<Tickets>['priority']

export const ticketStatuses = [
  'open',
  'waiting_on_customer',
  'resolved',
  'closed',
] as const satisfies readonly TicketStatus[]

export const ticketCategories = [
  'order',
  'delivery',
  'billing',
  'account',
  'product',
  'other',
] as const satisfies readonly TicketCategory[]

/** Which promise a due time is: the first answer, or the solution. */
export type TicketPromiseKind = 'firstResponse' | 'resolution'

export interface TicketPromise {
  dueAt: Date | null
  dueKind: TicketPromiseKind | null
}

export interface PromiseSource {
  status: TicketStatus
  createdAt: Date
  firstResponseAt: Date | null
  firstResponseMinutes: number | null
  resolutionMinutes: number | null
  /** Set while the status is waiting_on_customer: when that wait began. */
  waitingOnCustomerSince?: Date | null
  /** Earlier waits on the customer, added up when each one ended. */
  waitingOnCustomerSeconds?: number
}

/**
 * The promise for a ticket still in progress: the priority's first-response target until staff
 * first answered, then its resolution target. Settled tickets promise nothing more. Time spent
 * waiting on the customer is not ours to count: the resolution due time moves later by every
 * finished wait and by the wait still running (up to `now`), and a paused promise is never
 * breached (see isBreached).
 */
export function ticketPromise(ticket: PromiseSource, now: Date = new Date()): TicketPromise {
  if (ticket.status === 'resolved' || ticket.status === 'closed') {
    return { dueAt: null, dueKind: null }
  }
  const dueKind: TicketPromiseKind = ticket.firstResponseAt ? 'resolution' : 'firstResponse'
  const minutes =
    dueKind === 'firstResponse' ? ticket.firstResponseMinutes : ticket.resolutionMinutes
  const due = dueAt(ticket.createdAt, minutes)
  if (!due) return { dueAt: null, dueKind: null }
  if (dueKind === 'firstResponse') return { dueAt: due, dueKind }
  const running =
    ticket.status === 'waiting_on_customer' && ticket.waitingOnCustomerSince
      ? Math.max(0, now.getTime() - ticket.waitingOnCustomerSince.getTime())
      : 0
  const waited = (ticket.waitingOnCustomerSeconds ?? 0) * 1000 + running
  return { dueAt: new Date(due.getTime() + waited), dueKind }
}

/**
 * The promise's due time has passed while the ball was with us. Waiting on the customer, the
 * clock is stopped: never breached then, whatever the date says.
 */
export function isBreached(
  ticket: { status: TicketStatus; dueAt: Date | null },
  now: Date = new Date(),
): boolean {
  return (
    ticket.status !== 'waiting_on_customer' &&
    ticket.dueAt !== null &&
    ticket.dueAt.getTime() < now.getTime()
  )
}

/** The columns ticketPromise reads, for any query over tickets (customer or staff side). */
export function withServiceTargets<O>(query: SelectQueryBuilder<DB, 'tickets', O>) {
  return query
    .leftJoin('service_targets', (join) =>
      join
        .on('service_targets.subject_kind', '=', 'ticket_priority')
        .onRef('service_targets.subject_value', '=', 'tickets.priority'),
    )
    .select([
      'tickets.status',
      'tickets.created_at as createdAt',
      'tickets.first_response_at as firstResponseAt',
      'tickets.waiting_on_customer_since as waitingOnCustomerSince',
      'tickets.waiting_on_customer_seconds as waitingOnCustomerSeconds',
      'service_targets.first_response_minutes as firstResponseMinutes',
      'service_targets.resolution_minutes as resolutionMinutes',
    ])
}

/** Where a customer's action came from and who did it, for the event and history rows. */
interface ChangeContext {
  actor: Actor
  channel: HistoryChannel
}

/**
 * The customer-side address of one ticket: the viewer and its number. A bare `customerId` is
 * that person acting for themselves (their personal tickets only).
 */
type CustomerTicketKey = { ticketNumber: string } & (
  { viewer: Viewer } | { customerId: string; viewer?: undefined }
)

function viewerOfKey(key: CustomerTicketKey): Viewer {
  return key.viewer ?? { customerId: key.customerId, actingFor: null }
}

// Listing -------------------------------------------------------------------------------------

export interface TicketListItem extends TicketPromise {
  id: string
  ticketNumber: string
  subject: string
  status: TicketStatus
  priority: TicketPriority
  createdAt: Date
  /** Last activity: every message and status change bumps it. */
  updatedAt: Date
}

/** Whose a ticket in a customer's list is, as the list shows it. */
export interface TicketOwnership {
  /** The opener's name; null when the viewer opened it. */
  openerName: string | null
  /** Null for a personal ticket; otherwise who in the organisation sees it. */
  sharing: ItemVisibility | null
  /** How many colleagues a 'named' ticket is shared with (0 otherwise). */
  sharedCount: number
}

export type VisibleTicketListItem = TicketListItem & TicketOwnership

/**
 * The ticket columns with the priority's service targets joined, so the promise is computed
 * without a query per ticket.
 */
function ticketsWithTargets(db: Kysely<DB>) {
  return withServiceTargets(db.selectFrom('tickets')).select([
    'tickets.id',
    'tickets.ticket_number as ticketNumber',
    'tickets.subject',
    'tickets.priority',
    'tickets.updated_at as updatedAt',
  ])
}

/**
 * The TicketOwnership columns of the tickets row, in the list's own statement (no query per
 * ticket): the opener's customers row must be joined as `opener`.
 */
function ownershipColumns(viewer: Viewer) {
  return [
    sql<string | null>`case when tickets.customer_id = ${viewer.customerId} then null
      else ${customerDisplayName('opener')} end`.as('openerName'),
    sql<ItemVisibility | null>`case when tickets.organisation_id is null then null
      else tickets.visibility end`.as('sharing'),
    sql<number>`case when tickets.visibility = 'named' then (
      select count(*) from item_shares
      where item_shares.item_kind = 'ticket' and item_shares.item_id = tickets.id
    )::integer else 0 end`.as('sharedCount'),
  ] as const
}

type TicketWithTargets = PromiseSource & Omit<TicketListItem, keyof TicketPromise>

function toListItem(row: TicketWithTargets): TicketListItem {
  return {
    id: row.id,
    ticketNumber: row.ticketNumber,
    subject: row.subject,
    status: row.status,
    priority: row.priority,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    ...ticketPromise(row),
  }
}

interface TicketListOptions {
  status?: TicketStatus | null
  after?: string | null
  limit: number
}

/**
 * Staff side: one page of every ticket the person opened (personal or for any organisation),
 * newest first, optionally of one status, in the shape of the customer's own list (opened by
 * them, so no opener's name). The customer's own pages use listVisibleTickets.
 */
export async function listCustomerTickets(
  db: Kysely<DB>,
  customerId: string,
  options: TicketListOptions,
): Promise<{ items: VisibleTicketListItem[]; nextCursor: string | null }> {
  return ticketPage(db, { customerId, actingFor: null }, options, (query) =>
    query.where('tickets.customer_id', '=', customerId),
  )
}

type TicketPageQuery = ReturnType<typeof ticketPageQuery>

function ticketPageQuery(db: Kysely<DB>, viewer: Viewer, options: TicketListOptions) {
  let query = ticketsWithTargets(db)
    .innerJoin('customers as opener', 'opener.id', 'tickets.customer_id')
    .select([...ownershipColumns(viewer), exactTime('tickets.created_at').as('cursorAt')])
    .orderBy('tickets.created_at', 'desc')
    .orderBy('tickets.id', 'desc')
    .limit(options.limit + 1)
  if (options.status) query = query.where('tickets.status', '=', options.status)
  const cursor = decodeCursor(options.after)
  if (cursor) query = query.where(afterCursor('tickets.created_at', 'tickets.id', cursor))
  return query
}

/** One keyset page of tickets with whose each is; `scope` says which tickets. */
async function ticketPage(
  db: Kysely<DB>,
  viewer: Viewer,
  options: TicketListOptions,
  scope: (query: TicketPageQuery) => TicketPageQuery,
): Promise<{ items: VisibleTicketListItem[]; nextCursor: string | null }> {
  const rows = await scope(ticketPageQuery(db, viewer, options)).execute()
  const page = pageOf(rows, options.limit)
  return {
    items: page.items.map((row) => ({
      ...toListItem(row),
      openerName: row.openerName,
      sharing: row.sharing,
      sharedCount: Number(row.sharedCount),
    })),
    nextCursor: page.nextCursor,
  }
}

/**
 * Customer side: one page of the tickets the viewer may see where they act (their personal
 * ones; acting for an organisation also its tickets shared with them), newest first, with who
 * opened each and who sees it. One statement, however many openers the page shows.
 */
export async function listVisibleTickets(
  db: Kysely<DB>,
  viewer: Viewer,
  options: TicketListOptions,
): Promise<{ items: VisibleTicketListItem[]; nextCursor: string | null }> {
  return ticketPage(db, viewer, options, (query) =>
    query.where(visibleTo(viewer, 'ticket', 'tickets')),
  )
}

export interface OpenTicketSummary {
  id: string
  ticketNumber: string
  subject: string
  status: TicketStatus
  priority: TicketPriority
  createdAt: Date
  updatedAt: Date
  dueAt: Date | null
}

export type VisibleOpenTicketSummary = OpenTicketSummary & TicketOwnership

const IN_PROGRESS: TicketStatus[] = ['open', 'waiting_on_customer']

function toOpenSummary(row: TicketWithTargets): OpenTicketSummary {
  const { dueAt: due } = ticketPromise(row)
  return {
    id: row.id,
    ticketNumber: row.ticketNumber,
    subject: row.subject,
    status: row.status,
    priority: row.priority,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    dueAt: due,
  }
}

/**
 * Staff side: the tickets the person opened that are still in progress (open, or waiting on
 * the customer), newest first. The customer's dashboard uses listVisibleOpenTickets.
 */
export async function listOpenTickets(
  db: Kysely<DB>,
  customerId: string,
): Promise<OpenTicketSummary[]> {
  const rows = await ticketsWithTargets(db)
    .where('tickets.customer_id', '=', customerId)
    .where('tickets.status', 'in', IN_PROGRESS)
    .orderBy('tickets.created_at', 'desc')
    .orderBy('tickets.id', 'desc')
    .execute()
  return rows.map(toOpenSummary)
}

/** Customer side: the tickets in progress the viewer may see where they act, newest first. */
export async function listVisibleOpenTickets(
  db: Kysely<DB>,
  viewer: Viewer,
): Promise<VisibleOpenTicketSummary[]> {
  const rows = await ticketsWithTargets(db)
    .innerJoin('customers as opener', 'opener.id', 'tickets.customer_id')
    .select(ownershipColumns(viewer))
    .where(visibleTo(viewer, 'ticket', 'tickets'))
    .where('tickets.status', 'in', IN_PROGRESS)
    .orderBy('tickets.created_at', 'desc')
    .orderBy('tickets.id', 'desc')
    .execute()
  return rows.map((row) => ({
    ...toOpenSummary(row),
    openerName: row.openerName,
    sharing: row.sharing,
    sharedCount: Number(row.sharedCount),
  }))
}

// The thread ----------------------------------------------------------------------------------

/** 'you': the viewer; 'colleague': another person of the organisation (see authorName). */
export type MessageAuthor = 'you' | 'colleague' | 'staff' | 'system'

export interface ThreadAttachment {
  id: string
  fileName: string
  sizeBytes: number
}

export interface ThreadMessage {
  id: string
  author: MessageAuthor
  /** The staff member's display name for staff replies, else null. */
  staffName: string | null
  /** The colleague's name for a colleague's message, else null. */
  authorName: string | null
  body: string
  createdAt: Date
  attachments: ThreadAttachment[]
}

export interface TicketThread extends TicketPromise {
  ticket: {
    id: string
    ticketNumber: string
    subject: string
    category: TicketCategory
    status: TicketStatus
    priority: TicketPriority
    createdAt: Date
    updatedAt: Date
    /** When the ticket came into its current status. */
    statusChangedAt: Date
    rating: number | null
    ratingComment: string | null
    orderNumber: string | null
    requestNumber: string | null
    /** The viewer opened it: only they close, reopen, rate it or change who sees it. */
    isOpener: boolean
    /** The opener's name; null when that is the viewer. */
    openerName: string | null
    /** Null for a personal ticket. */
    organisation: { id: string; name: string } | null
    visibility: ItemVisibility
    /** The colleagues a 'named' ticket is shared with, by name. */
    sharedWith: Colleague[]
  }
  messages: ThreadMessage[]
}

/**
 * A ticket the viewer may see, with its public conversation and who wrote each message: three
 * queries however long the thread (the ticket, its public messages with their authors' names,
 * their attachments), a fourth for the named colleagues of a 'named' ticket. Null for a number
 * that is unknown or not visible to the viewer.
 */
export async function getVisibleTicketThread(
  db: Kysely<DB>,
  viewer: Viewer,
  ticketNumber: string,
): Promise<TicketThread | null> {
  const row = await ticketsWithTargets(db)
    .innerJoin('customers as opener', 'opener.id', 'tickets.customer_id')
    .leftJoin('organisations', 'organisations.id', 'tickets.organisation_id')
    // A link shows only if the viewer may see the order or request too, where they act.
    .leftJoin('orders', (join) =>
      join.onRef('orders.id', '=', 'tickets.order_id').on(visibleTo(viewer, 'order', 'orders')),
    )
    .leftJoin('requests', (join) =>
      join
        .onRef('requests.id', '=', 'tickets.request_id')
        .on(visibleTo(viewer, 'request', 'requests')),
    )
    .select((eb) => [
      'tickets.category',
      'tickets.rating',
      'tickets.rating_comment as ratingComment',
      'tickets.visibility',
      'tickets.customer_id as openerId',
      customerDisplayName('opener').as('openerName'),
      'organisations.id as organisationId',
      'organisations.name as organisationName',
      'orders.order_number as orderNumber',
      'requests.request_number as requestNumber',
      eb
        .selectFrom('ticket_events')
        .select((sub) => sub.fn.max('ticket_events.occurred_at').as('at'))
        .whereRef('ticket_events.ticket_id', '=', 'tickets.id')
        .where('ticket_events.kind', 'in', ['created', 'status_changed'])
        .as('statusChangedAt'),
    ])
    .where(visibleTo(viewer, 'ticket', 'tickets'))
    .where('tickets.ticket_number', '=', ticketNumber)
    .executeTakeFirst()
  if (!row) return null

  const [messages, attachments, shared] = await Promise.all([
    db
      .selectFrom('ticket_messages')
      .leftJoin('staff_members', 'staff_members.account_id', 'ticket_messages.author_account_id')
      .leftJoin('accounts', 'accounts.id', 'ticket_messages.author_account_id')
      .leftJoin('customers as author', 'author.id', 'accounts.customer_id')
      .select([
        'ticket_messages.id',
        'ticket_messages.author_kind as authorKind',
        'ticket_messages.body',
        'ticket_messages.created_at as createdAt',
        'staff_members.display_name as staffName',
        'author.id as authorCustomerId',
        customerDisplayName('author').as('authorName'),
      ])
      .where('ticket_messages.ticket_id', '=', row.id)
      // The customer never sees internal notes.
      .where('ticket_messages.visibility', '=', 'public')
      .orderBy('ticket_messages.created_at')
      .orderBy('ticket_messages.id')
      .execute(),
    db
      .selectFrom('ticket_attachments')
      .innerJoin('ticket_messages', 'ticket_messages.id', 'ticket_attachments.message_id')
      .select([
        'ticket_attachments.id',
        'ticket_attachments.message_id as messageId',
        'ticket_attachments.file_name as fileName',
        'ticket_attachments.size_bytes as sizeBytes',
      ])
      .where('ticket_messages.ticket_id', '=', row.id)
      .where('ticket_messages.visibility', '=', 'public')
      .orderBy('ticket_attachments.created_at')
      .orderBy('ticket_attachments.id')
      .execute(),
    row.visibility === 'named'
      ? listSharedWith(db, 'ticket', [row.id])
      : Promise.resolve(new Map<string, Colleague[]>()),
  ])

  const byMessage = new Map<string, ThreadAttachment[]>()
  for (const { messageId, ...attachment } of attachments) {
    const list = byMessage.get(messageId) ?? []
    list.push(attachment)
    byMessage.set(messageId, list)
  }
  const isOpener = row.openerId === viewer.customerId

  return {
    ticket: {
      id: row.id,
      ticketNumber: row.ticketNumber,
      subject: row.subject,
      category: row.category,
      status: row.status,
      priority: row.priority,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      statusChangedAt: row.statusChangedAt ?? row.createdAt,
      rating: row.rating,
      ratingComment: row.ratingComment,
      orderNumber: row.orderNumber,
      requestNumber: row.requestNumber,
      isOpener,
      openerName: isOpener ? null : row.openerName,
      organisation:
        row.organisationId !== null && row.organisationName !== null
          ? { id: row.organisationId, name: row.organisationName }
          : null,
      visibility: row.visibility,
      sharedWith: shared.get(row.id) ?? [],
    },
    ...ticketPromise(row),
    messages: messages.map((message) => {
      // A customer message without an account left (a closed account) is the opener's.
      const authorId = message.authorCustomerId ?? row.openerId
      const author: MessageAuthor =
        message.authorKind === 'customer'
          ? authorId === viewer.customerId
            ? 'you'
            : 'colleague'
          : message.authorKind === 'staff'
            ? 'staff'
            : 'system'
      return {
        id: message.id,
        author,
        staffName: message.authorKind === 'staff' ? message.staffName : null,
        authorName:
          author === 'colleague'
            ? message.authorCustomerId
              ? message.authorName
              : row.openerName
            : null,
        body: message.body,
        createdAt: message.createdAt,
        attachments: byMessage.get(message.id) ?? [],
      }
    }),
  }
}

/**
 * The person's own personal ticket with its conversation, as if they acted for themselves.
 * @deprecated Pass the session's viewer to getVisibleTicketThread: this one never finds an
 * organisation's ticket.
 */
export async function getCustomerTicketThread(
  db: Kysely<DB>,
  customerId: string,
  ticketNumber: string,
): Promise<TicketThread | null> {
  return getVisibleTicketThread(db, { customerId, actingFor: null }, ticketNumber)
}

export interface VisibleTicketRef {
  id: string
  status: TicketStatus
  organisationId: string | null
  /** The viewer opened it: only they close, reopen, rate it or change who sees it. */
  isOpener: boolean
}

/** The ticket's id and status, or null when the number is unknown or not visible to the viewer. */
export async function findCustomerTicket(
  db: Kysely<DB>,
  viewer: Viewer,
  ticketNumber: string,
): Promise<VisibleTicketRef | null> {
  const row = await db
    .selectFrom('tickets')
    .select([
      'tickets.id',
      'tickets.status',
      'tickets.organisation_id as organisationId',
      openedBy(viewer, 'tickets').as('isOpener'),
    ])
    .where(visibleTo(viewer, 'ticket', 'tickets'))
    .where('tickets.ticket_number', '=', ticketNumber)
    .executeTakeFirst()
  return row ? { ...row, isOpener: Boolean(row.isOpener) } : null
}

export interface CustomerAttachment {
  fileName: string
  contentType: string
  sizeBytes: number
  /** For the storage module only; never sent to the browser. */
  storageKey: string
}

/**
 * An attachment the viewer may download: on a ticket they may see, on a public message. An
 * attachment of an internal note is as unknown as a made-up id.
 */
export async function getCustomerAttachment(
  db: Kysely<DB>,
  viewer: Viewer,
  ticketNumber: string,
  attachmentId: string,
): Promise<CustomerAttachment | null> {
  if (!isUuid(attachmentId)) return null
  const row = await db
    .selectFrom('ticket_attachments')
    .innerJoin('ticket_messages', 'ticket_messages.id', 'ticket_attachments.message_id')
    .innerJoin('tickets', 'tickets.id', 'ticket_messages.ticket_id')
    .select([
      'ticket_attachments.file_name as fileName',
      'ticket_attachments.content_type as contentType',
      'ticket_attachments.size_bytes as sizeBytes',
      'ticket_attachments.storage_key as storageKey',
    ])
    .where('ticket_attachments.id', '=', attachmentId)
    .where(visibleTo(viewer, 'ticket', 'tickets'))
    .where('tickets.ticket_number', '=', ticketNumber)
    .where('ticket_messages.visibility', '=', 'public')
    .executeTakeFirst()
  return row ?? null
}

// Links to a request (orders are looked up with findVisibleOrder of db/orders.ts) -------------

/** A request the viewer may see where they act, by its number, for linking a ticket to it. */
export async function findTicketRequestLink(
  db: Kysely<DB>,
  viewer: Viewer,
  requestNumber: string,
): Promise<{ id: string; requestNumber: string } | null> {
  const row = await db
    .selectFrom('requests')
    .select(['requests.id', 'requests.request_number as requestNumber'])
    .where(visibleTo(viewer, 'request', 'requests'))
    .where('requests.request_number', '=', requestNumber)
    .executeTakeFirst()
  return row ?? null
}

// Writing -------------------------------------------------------------------------------------

/** An attachment whose bytes the storage module already holds. */
export interface NewAttachment {
  fileName: string
  contentType: string
  sizeBytes: number
  sha256: string
  storageKey: string
}

/**
 * A second post of a form that was already saved (the idempotency key is taken). Thrown inside
 * the transaction to roll back what it wrote, then answered with the earlier result.
 */
class DuplicateSubmission extends Error {
  override name = 'DuplicateSubmission'
}

/**
 * The message a form with this key already created, on a ticket the viewer still sees (a
 * colleague's reply lands on a ticket someone else opened).
 */
async function findSubmission(db: Kysely<DB>, viewer: Viewer, idempotencyKey: string) {
  const row = await db
    .selectFrom('ticket_messages')
    .innerJoin('tickets', 'tickets.id', 'ticket_messages.ticket_id')
    .select([
      'ticket_messages.id as messageId',
      'tickets.id as ticketId',
      'tickets.ticket_number as ticketNumber',
    ])
    .where('ticket_messages.idempotency_key', '=', idempotencyKey)
    .where(visibleTo(viewer, 'ticket', 'tickets'))
    .executeTakeFirst()
  return row ?? null
}

function authorKindOf(actor: Actor): 'customer' | 'staff' | 'system' {
  return actor.kind === 'customer' ? 'customer' : actor.kind === 'staff' ? 'staff' : 'system'
}

/**
 * Inserts the message unless its idempotency key is taken. ON CONFLICT DO NOTHING also waits
 * for a concurrent transaction holding the same key, so of two simultaneous posts exactly one
 * inserts; the other gets no row back.
 */
async function insertMessage(
  trx: Kysely<DB>,
  values: {
    ticketId: string
    customerId: string
    actor: Actor
    body: string
    idempotencyKey: string
    attachments: NewAttachment[]
  },
): Promise<string> {
  const message = await trx
    .insertInto('ticket_messages')
    .values({
      ticket_id: values.ticketId,
      author_kind: authorKindOf(values.actor),
      author_account_id: values.actor.id ?? null,
      visibility: 'public',
      body: values.body,
      idempotency_key: values.idempotencyKey,
    })
    .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (!message) throw new DuplicateSubmission()
  if (values.attachments.length > 0) {
    await refuseOverQuota(trx, values.customerId, values.attachments)
    await trx
      .insertInto('ticket_attachments')
      .values(
        values.attachments.map((attachment) => ({
          message_id: message.id,
          customer_id: values.customerId,
          file_name: attachment.fileName,
          content_type: attachment.contentType,
          size_bytes: attachment.sizeBytes,
          sha256: attachment.sha256,
          storage_key: attachment.storageKey,
        })),
      )
      .execute()
  }
  return message.id
}

/** What one customer may keep in attachments, all tickets together. */
export const ATTACHMENT_QUOTA_BYTES = 100 * 1024 * 1024

/**
 * Uploads past the customer's quota are refused, so one account cannot fill our disk. The
 * customer's row is locked first: two uploads at once are counted one after the other, not both
 * against the same old total.
 */
async function refuseOverQuota(
  trx: Kysely<DB>,
  customerId: string,
  attachments: readonly NewAttachment[],
): Promise<void> {
  // One statement: the lock, then the sum. NO KEY UPDATE, not UPDATE: the ticket and message
  // rows inserted before hold KEY SHARE on the customer's row (their foreign keys), which FOR
  // UPDATE would wait on, deadlocking two posts at once.
  const { rows } = await sql<{ bytes: string | number }>`
    with locked as (select id from customers where id = ${customerId} for no key update)
    select coalesce(sum(size_bytes), 0) as bytes from ticket_attachments
    where customer_id = (select id from locked)`.execute(trx)
  const stored = Number(rows[0]?.bytes ?? 0)
  const adding = attachments.reduce((sum, attachment) => sum + attachment.sizeBytes, 0)
  if (stored + adding > ATTACHMENT_QUOTA_BYTES) {
    throw new InvalidStateError('tickets:errors.quotaFull')
  }
}

/** Joins the caller's transaction, or opens one. */
function inTransaction<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}

/**
 * Runs a write that inserts a message; a duplicate answers with the earlier submission. Always
 * its own transaction (a duplicate rolls it back), so it cannot join the caller's.
 */
async function oncePerKey<T>(
  db: Kysely<DB>,
  viewer: Viewer,
  idempotencyKey: string,
  earlier: (submission: NonNullable<Awaited<ReturnType<typeof findSubmission>>>) => T,
  write: (trx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  const found = await findSubmission(db, viewer, idempotencyKey)
  if (found) return earlier(found)
  try {
    return await db.transaction().execute(write)
  } catch (error) {
    if (!(error instanceof DuplicateSubmission)) throw error
    const winner = await findSubmission(db, viewer, idempotencyKey)
    // Only possible if another customer's form carried the same key: never reuse theirs.
    if (!winner) throw new InvalidStateError('tickets:errors.duplicateSubmission')
    return earlier(winner)
  }
}

export interface OpenTicketInput extends ChangeContext {
  /** The person opening it. */
  customerId: string
  /**
   * Opened while acting for an organisation (a current membership, as the session carries it):
   * the ticket belongs to it too, and is seen as chosen. Null or absent: a personal, private one.
   */
  organisation?: {
    id: string
    role: OrganisationRole
    visibility: ItemVisibility
    /** The colleagues for 'named'. */
    sharedWith: readonly string[]
  } | null
  category: TicketCategory
  subject: string
  body: string
  orderId: string | null
  requestId: string | null
  /** From the form; a second post with the same key opens nothing new. */
  idempotencyKey: string
  attachments: NewAttachment[]
}

export interface OpenTicketResult {
  ticketId: string
  ticketNumber: string
  /** False when the key had been used: the ticket is the one the first post opened. */
  created: boolean
}

/**
 * Opens a ticket (open, normal priority) with its first message and attachments, its 'created'
 * event and history, and for an organisation who sees it, in one transaction of its own. The
 * order and request must already be known to be visible to the opener where they act
 * (findVisibleOrder of db/orders.ts, findTicketRequestLink).
 * @throws InvalidColleagueError (db/item-shares.ts) if a named colleague is not a member
 */
export async function openTicket(
  db: Kysely<DB>,
  input: OpenTicketInput,
): Promise<OpenTicketResult> {
  const organisation = input.organisation ?? null
  const viewer: Viewer = {
    customerId: input.customerId,
    actingFor: organisation ? { id: organisation.id, role: organisation.role } : null,
  }
  return oncePerKey<OpenTicketResult>(
    db,
    viewer,
    input.idempotencyKey,
    (earlier) => ({
      ticketId: earlier.ticketId,
      ticketNumber: earlier.ticketNumber,
      created: false,
    }),
    async (trx) => {
      const ticket = await trx
        .insertInto('tickets')
        .values({
          customer_id: input.customerId,
          subject: input.subject,
          category: input.category,
          status: 'open',
          priority: 'normal',
          order_id: input.orderId,
          request_id: input.requestId,
          organisation_id: organisation?.id ?? null,
          last_customer_message_at: sql<Date>`now()`,
        })
        .returning(['id', 'ticket_number as ticketNumber'])
        .executeTakeFirstOrThrow()
      if (organisation && organisation.visibility !== 'private') {
        await writeSharing(trx, {
          kind: 'ticket',
          itemId: ticket.id,
          organisationId: organisation.id,
          visibility: organisation.visibility,
          customerIds: organisation.sharedWith,
          addedBy: input.actor.kind === 'customer' ? input.actor.id : null,
          openerCustomerId: input.customerId,
        })
      }
      await insertMessage(trx, {
        ticketId: ticket.id,
        customerId: input.customerId,
        actor: input.actor,
        body: input.body,
        idempotencyKey: input.idempotencyKey,
        attachments: input.attachments,
      })

      const events: { kind: 'created' | 'linked'; to: string }[] = [{ kind: 'created', to: 'open' }]
      if (input.orderId) events.push({ kind: 'linked', to: input.orderId })
      if (input.requestId) events.push({ kind: 'linked', to: input.requestId })
      await trx
        .insertInto('ticket_events')
        .values(
          events.map((event) => ({
            ticket_id: ticket.id,
            kind: event.kind,
            from_value: null,
            to_value: event.to,
            actor_kind: input.actor.kind,
            actor_id: input.actor.id ?? null,
          })),
        )
        .execute()
      await trx
        .insertInto('record_history')
        .values(
          historyValues({
            customerId: input.customerId,
            entityType: 'ticket',
            entityId: ticket.id,
            action: 'opened',
            actor: input.actor,
            channel: input.channel,
            after: { status: 'open', subject: input.subject, category: input.category },
          }),
        )
        .execute()
      return { ticketId: ticket.id, ticketNumber: ticket.ticketNumber, created: true }
    },
  )
}

interface LockedTicket {
  id: string
  /** The person who opened it: its history is theirs. */
  customerId: string
  status: TicketStatus
  rating: number | null
}

/**
 * The ticket the viewer may see, locked for the rest of the transaction, or NotFoundError; with
 * `openerOnly`, NotOpenerError when the viewer sees it but did not open it.
 */
async function lockCustomerTicket(
  trx: Kysely<DB>,
  key: CustomerTicketKey,
  options: { openerOnly: boolean },
): Promise<LockedTicket> {
  const viewer = viewerOfKey(key)
  const row = await trx
    .selectFrom('tickets')
    .select(['tickets.id', 'tickets.customer_id as customerId', 'tickets.status', 'tickets.rating'])
    .where(visibleTo(viewer, 'ticket', 'tickets'))
    .where('tickets.ticket_number', '=', key.ticketNumber)
    .forUpdate()
    .executeTakeFirst()
  if (!row) throw new NotFoundError('ticket', key.ticketNumber)
  if (options.openerOnly && row.customerId !== viewer.customerId) {
    throw new NotOpenerError('ticket', row.id)
  }
  return row
}

type TicketUpdate = UpdateObject<DB, 'tickets'>

/**
 * The paused resolution clock: entering waiting_on_customer starts a wait; leaving it, by any
 * path (the customer's reply, a staff status change, resolve, close), adds the whole seconds
 * waited to the total and clears the start. now() is the transaction's time, the same as the
 * updated_at written with it.
 */
function clockColumns(from: TicketStatus, to: TicketStatus): TicketUpdate {
  const waiting: TicketStatus = 'waiting_on_customer'
  if (to === waiting && from !== waiting) {
    return { waiting_on_customer_since: sql<Date>`now()` }
  }
  if (from === waiting && to !== waiting) {
    // A wait with no start (a row set to waiting by hand) adds nothing rather than failing.
    const waited = sql<number>`coalesce(greatest(0, floor(extract(epoch from
      now() - waiting_on_customer_since)))::integer, 0)`
    return {
      waiting_on_customer_seconds: sql<number>`waiting_on_customer_seconds + ${waited}`,
      waiting_on_customer_since: null,
    }
  }
  return {}
}

/** The timestamps that go with moving from one status to another. */
function statusColumns(from: TicketStatus, to: TicketStatus): TicketUpdate {
  const now = sql<Date>`now()`
  const clock = clockColumns(from, to)
  switch (to) {
    case 'resolved':
      return { status: to, resolved_at: now, closed_at: null, ...clock }
    case 'closed':
      return { status: to, closed_at: now, ...clock }
    default:
      return { status: to, resolved_at: null, closed_at: null, ...clock }
  }
}

/**
 * The status columns, plus, on entering resolved, whether it was resolved in one interaction:
 * there was a first public staff answer and the customer wrote nothing after it. Both staff
 * paths to resolved use this, so the metric cannot depend on which button the agent pressed.
 */
async function enterStatusColumns(
  trx: Kysely<DB>,
  ticketId: string,
  from: TicketStatus,
  to: TicketStatus,
): Promise<TicketUpdate> {
  if (to !== 'resolved') return statusColumns(from, to)
  const firstAnswer = trx
    .selectFrom('ticket_messages')
    .select((eb) => eb.fn.min('created_at').as('at'))
    .where('ticket_id', '=', ticketId)
    .where('author_kind', '=', 'staff')
    .where('visibility', '=', 'public')
  const row = await trx
    .selectFrom(firstAnswer.as('first_answer'))
    .select((eb) => [
      'first_answer.at as answeredAt',
      eb
        .exists(
          eb
            .selectFrom('ticket_messages as later')
            .select('later.id')
            .where('later.ticket_id', '=', ticketId)
            .where('later.author_kind', '=', 'customer')
            .whereRef('later.created_at', '>', 'first_answer.at'),
        )
        .as('customerWroteAgain'),
    ])
    .executeTakeFirstOrThrow()
  // SQLite answers exists() with 0/1, PostgreSQL with a boolean.
  const oneInteraction = row.answeredAt !== null && !row.customerWroteAgain
  return { ...statusColumns(from, to), resolved_in_one_interaction: oneInteraction }
}

/** Saves a change to the ticket row, bumping its version and last activity. */
async function updateTicket(trx: Kysely<DB>, ticketId: string, set: TicketUpdate) {
  await trx
    .updateTable('tickets')
    .set((eb) => ({ ...set, version: eb('version', '+', 1), updated_at: sql<Date>`now()` }))
    .where('id', '=', ticketId)
    .execute()
}

async function recordStatusEvent(
  trx: Kysely<DB>,
  ticketId: string,
  from: TicketStatus,
  to: TicketStatus,
  actor: Actor,
) {
  await trx
    .insertInto('ticket_events')
    .values({
      ticket_id: ticketId,
      kind: 'status_changed',
      from_value: from,
      to_value: to,
      actor_kind: actor.kind,
      actor_id: actor.id ?? null,
    })
    .execute()
}

async function recordTicketHistory(
  trx: Kysely<DB>,
  ticket: LockedTicket,
  action: 'replied' | 'closed' | 'reopened' | 'rated' | 'status_changed',
  context: ChangeContext,
  change: { before?: Record<string, string | number>; after?: Record<string, string | number> },
) {
  await trx
    .insertInto('record_history')
    .values(
      historyValues({
        customerId: ticket.customerId,
        entityType: 'ticket',
        entityId: ticket.id,
        action,
        actor: context.actor,
        channel: context.channel,
        before: change.before ?? null,
        after: change.after ?? null,
      }),
    )
    .execute()
}

export type ReplyInput = CustomerTicketKey &
  ChangeContext & {
    body: string
    idempotencyKey: string
    attachments: NewAttachment[]
  }

/**
 * A reply by anyone who sees the ticket (its opener or a colleague it is shared with). A ticket
 * waiting on the customer goes back to open, and so does a resolved one (the problem is
 * evidently not solved); a closed ticket must be reopened first. Attachments count against the
 * quota of the person who uploads them.
 * @throws NotFoundError, InvalidStateError('tickets:errors.replyClosed')
 */
export async function replyToTicket(
  db: Kysely<DB>,
  input: ReplyInput,
): Promise<{ messageId: string; created: boolean }> {
  const viewer = viewerOfKey(input)
  return oncePerKey<{ messageId: string; created: boolean }>(
    db,
    viewer,
    input.idempotencyKey,
    (earlier) => ({ messageId: earlier.messageId, created: false }),
    async (trx) => {
      const ticket = await lockCustomerTicket(trx, input, { openerOnly: false })
      if (ticket.status === 'closed') throw new InvalidStateError('tickets:errors.replyClosed')
      const messageId = await insertMessage(trx, {
        ticketId: ticket.id,
        customerId: viewer.customerId,
        actor: input.actor,
        body: input.body,
        idempotencyKey: input.idempotencyKey,
        attachments: input.attachments,
      })
      const next: TicketStatus = 'open'
      const changed = ticket.status !== next
      await updateTicket(trx, ticket.id, {
        ...(changed ? statusColumns(ticket.status, next) : {}),
        last_customer_message_at: sql<Date>`now()`,
      })
      if (changed) await recordStatusEvent(trx, ticket.id, ticket.status, next, input.actor)
      await recordTicketHistory(
        trx,
        ticket,
        'replied',
        input,
        changed ? { before: { status: ticket.status }, after: { status: next } } : {},
      )
      return { messageId, created: true }
    },
  )
}

/** Moves a locked ticket to another status with its event and history, or refuses. */
async function moveTicket(
  trx: Kysely<DB>,
  ticket: LockedTicket,
  to: TicketStatus,
  action: 'closed' | 'reopened' | 'status_changed',
  context: ChangeContext,
) {
  await updateTicket(trx, ticket.id, await enterStatusColumns(trx, ticket.id, ticket.status, to))
  await recordStatusEvent(trx, ticket.id, ticket.status, to, context.actor)
  await recordTicketHistory(trx, ticket, action, context, {
    before: { status: ticket.status },
    after: { status: to },
  })
}

/** Only by its opener. @throws NotFoundError, NotOpenerError, InvalidStateError */
export async function closeTicket(
  db: Kysely<DB>,
  input: CustomerTicketKey & ChangeContext,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const ticket = await lockCustomerTicket(trx, input, { openerOnly: true })
    if (ticket.status === 'closed') throw new InvalidStateError('tickets:errors.alreadyClosed')
    await moveTicket(trx, ticket, 'closed', 'closed', input)
  })
}

/**
 * From resolved or closed back to open, only by its opener.
 * @throws NotFoundError, NotOpenerError, InvalidStateError
 */
export async function reopenTicket(
  db: Kysely<DB>,
  input: CustomerTicketKey & ChangeContext,
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const ticket = await lockCustomerTicket(trx, input, { openerOnly: true })
    if (ticket.status !== 'resolved' && ticket.status !== 'closed') {
      throw new InvalidStateError('tickets:errors.notReopenable')
    }
    await moveTicket(trx, ticket, 'open', 'reopened', input)
  })
}

/**
 * The customer's rating (1–5, optional comment) of a resolved or closed ticket, once. The
 * comment stays on the ticket; history records the stars only. Only by its opener.
 * @throws NotFoundError, NotOpenerError, InvalidStateError('tickets:errors.notRatable' | '...alreadyRated')
 */
export async function rateTicket(
  db: Kysely<DB>,
  input: CustomerTicketKey & ChangeContext & { rating: number; comment: string | null },
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const ticket = await lockCustomerTicket(trx, input, { openerOnly: true })
    if (ticket.status !== 'resolved' && ticket.status !== 'closed') {
      throw new InvalidStateError('tickets:errors.notRatable')
    }
    if (ticket.rating !== null) throw new InvalidStateError('tickets:errors.alreadyRated')
    await updateTicket(trx, ticket.id, { rating: input.rating, rating_comment: input.comment })
    await trx
      .insertInto('ticket_events')
      .values({
        ticket_id: ticket.id,
        kind: 'rated',
        from_value: null,
        to_value: String(input.rating),
        actor_kind: input.actor.kind,
        actor_id: input.actor.id ?? null,
      })
      .execute()
    await recordTicketHistory(trx, ticket, 'rated', input, { after: { rating: input.rating } })
  })
}

/**
 * Any status change by staff (or the system), addressed by the ticket's id: staff screens are
 * not scoped to one customer. Recorded as 'status_changed' in the customer's history, and the
 * customer's notification is queued in the same transaction.
 * @throws NotFoundError, InvalidStateError('tickets:errors.sameStatus')
 */
export async function changeTicketStatus(
  db: Kysely<DB>,
  input: { ticketId: string; toStatus: TicketStatus } & ChangeContext,
): Promise<void> {
  if (!isUuid(input.ticketId)) throw new NotFoundError('ticket', input.ticketId)
  await inTransaction(db, async (trx) => {
    const ticket = await trx
      .selectFrom('tickets')
      .select([
        'id',
        'customer_id as customerId',
        'ticket_number as ticketNumber',
        'status',
        'rating',
      ])
      .where('id', '=', input.ticketId)
      .forUpdate()
      .executeTakeFirst()
    if (!ticket) throw new NotFoundError('ticket', input.ticketId)
    if (ticket.status === input.toStatus) throw new InvalidStateError('tickets:errors.sameStatus')
    await moveTicket(trx, ticket, input.toStatus, 'status_changed', input)
    if (input.actor.kind !== 'customer') {
      await notifyTicket(trx, {
        customerId: ticket.customerId,
        ticketId: ticket.id,
        ticketNumber: ticket.ticketNumber,
        status: input.toStatus,
        event: 'status_changed',
      })
    }
  })
}

export interface StaffReplyInput {
  ticketId: string
  /** The staff member writing; must be an active staff account. */
  staffAccountId: string
  body: string
  /** 'public': an answer the customer sees and is told about. 'internal': a note for staff. */
  visibility: 'public' | 'internal'
  /** Moves the ticket too (e.g. to waiting_on_customer with a question); same status: no move. */
  toStatus?: TicketStatus | null
}

/**
 * A staff member's answer or internal note on a ticket, in one transaction. A public answer is
 * the ticket's first response if there was none, counts as activity, goes into the customer's
 * history ('replied') and queues their notification. An internal note is none of that: the
 * customer's pages, history and messages never learn of it, unless it comes with a status
 * change, which is recorded and announced like any other.
 * @throws NotFoundError (ticket or staff member), InvalidStateError('tickets:errors.messageRequired'
 *   | 'tickets:errors.messageTooLong' | 'tickets:errors.replyClosed')
 */
export async function addStaffReply(
  db: Kysely<DB>,
  input: StaffReplyInput,
): Promise<{ messageId: string; status: TicketStatus }> {
  if (!isUuid(input.ticketId)) throw new NotFoundError('ticket', input.ticketId)
  if (!isUuid(input.staffAccountId)) throw new NotFoundError('staff', input.staffAccountId)
  const body = input.body.trim()
  if (!body) throw new InvalidStateError('tickets:errors.messageRequired')
  if (body.length > 20_000) throw new InvalidStateError('tickets:errors.messageTooLong')
  const context: ChangeContext = {
    actor: { kind: 'staff', id: input.staffAccountId },
    channel: 'staff',
  }
  return inTransaction(db, async (trx) => {
    const staff = await trx
      .selectFrom('staff_members')
      .select('account_id')
      .where('account_id', '=', input.staffAccountId)
      .where('deactivated_at', 'is', null)
      .executeTakeFirst()
    if (!staff) throw new NotFoundError('staff', input.staffAccountId)
    const ticket = await trx
      .selectFrom('tickets')
      .select([
        'id',
        'customer_id as customerId',
        'ticket_number as ticketNumber',
        'status',
        'rating',
        'first_response_at as firstResponseAt',
      ])
      .where('id', '=', input.ticketId)
      .forUpdate()
      .executeTakeFirst()
    if (!ticket) throw new NotFoundError('ticket', input.ticketId)
    const next = input.toStatus ?? ticket.status
    const moved = next !== ticket.status
    const isPublic = input.visibility === 'public'
    // Like the customer, staff answer on a closed ticket only by reopening it with the answer.
    if (isPublic && next === 'closed') throw new InvalidStateError('tickets:errors.replyClosed')

    const message = await trx
      .insertInto('ticket_messages')
      .values({
        ticket_id: ticket.id,
        author_kind: 'staff',
        author_account_id: input.staffAccountId,
        visibility: input.visibility,
        body,
      })
      .returning('id')
      .executeTakeFirstOrThrow()

    if (isPublic || moved) {
      await updateTicket(trx, ticket.id, {
        ...(moved ? await enterStatusColumns(trx, ticket.id, ticket.status, next) : {}),
        ...(isPublic && !ticket.firstResponseAt ? { first_response_at: sql<Date>`now()` } : {}),
      })
    }
    if (moved) await recordStatusEvent(trx, ticket.id, ticket.status, next, context.actor)
    const statusChange = moved ? { before: { status: ticket.status }, after: { status: next } } : {}
    if (isPublic) {
      await recordTicketHistory(trx, ticket, 'replied', context, statusChange)
    } else if (moved) {
      await recordTicketHistory(trx, ticket, 'status_changed', context, statusChange)
    }
    if (isPublic || moved) {
      await notifyTicket(trx, {
        customerId: ticket.customerId,
        ticketId: ticket.id,
        ticketNumber: ticket.ticketNumber,
        status: next,
        event: isPublic ? 'replied' : 'status_changed',
      })
    }
    return { messageId: message.id, status: next }
  })
}
