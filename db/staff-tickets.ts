import { type Kysely, type RawBuilder, sql } from 'kysely'
import { InvalidStateError, NotFoundError, VersionConflictError } from './errors.ts'
import { type Actor, historyValues } from './history.ts'
import { decodeCursor, pageOf } from './keyset.ts'
import type { DB } from './schema.ts'
import {
  isBreached,
  type TicketPriority,
  type TicketPromise,
  type TicketStatus,
  ticketPromise,
  withServiceTargets,
} from './tickets.ts'

// The staff side of tickets: the queue across all customers, and a ticket's thread including
// internal notes. Replies and status changes go through db/tickets.ts (addStaffReply,
// changeTicketStatus) like everywhere else; only what no customer-side function covers lives here.

export const ticketPriorities = [
  'low',
  'normal',
  'high',
  'urgent',
] as const satisfies readonly TicketPriority[]

/** The queue's status filter: one status, the two in progress together, or all. */
export const queueStatusFilters = [
  'active',
  'open',
  'waiting_on_customer',
  'resolved',
  'closed',
  'all',
] as const
export type QueueStatusFilter = (typeof queueStatusFilters)[number]

export const queueAssigneeFilters = ['anyone', 'me', 'unassigned'] as const
export type QueueAssigneeFilter = (typeof queueAssigneeFilters)[number]

export const queueSorts = ['age', 'lastCustomerMessage'] as const
export type QueueSort = (typeof queueSorts)[number]

/** Rows per queue page; later pages follow by keyset (see listTicketQueue). */
export const QUEUE_PAGE_SIZE = 50

export interface QueueOptions {
  status: QueueStatusFilter
  priority: TicketPriority | null
  assignee: QueueAssigneeFilter
  sort: QueueSort
  /** The signed-in staff member, for "assigned to me". */
  staffAccountId: string
  /** The `nextCursor` of the previous page; absent or malformed: the first page. */
  after?: string | null
  /** Rows per page; QUEUE_PAGE_SIZE unless a test asks for fewer. */
  limit?: number
}

export interface QueueItem extends TicketPromise {
  id: string
  ticketNumber: string
  subject: string
  status: TicketStatus
  priority: TicketPriority
  customerName: string
  customerNumber: string
  assigneeName: string | null
  createdAt: Date
  lastCustomerMessageAt: Date | null
  /** The promise's due time has passed while the ball was with us (never while paused). */
  breached: boolean
}

function statusesOf(filter: QueueStatusFilter): TicketStatus[] | null {
  switch (filter) {
    case 'active':
      return ['open', 'waiting_on_customer']
    case 'all':
      return null
    default:
      return [filter]
  }
}

/** The filters other than status, shared by the list and its counts so the two always agree. */
function filteredTickets(db: Kysely<DB>, options: Omit<QueueOptions, 'status' | 'sort'>) {
  let query = db.selectFrom('tickets')
  if (options.priority) query = query.where('tickets.priority', '=', options.priority)
  if (options.assignee === 'me') {
    query = query.where('tickets.assignee_id', '=', options.staffAccountId)
  } else if (options.assignee === 'unassigned') {
    query = query.where('tickets.assignee_id', 'is', null)
  }
  return query
}

// A ticket the customer never wrote on sorts after every real time, as `asc nulls last` would;
// as a value instead of a null, the sort key can be compared in a row comparison and carried in
// a cursor (keyset.ts's exact-time format) like any other time.
const NEVER = '9999-12-31T23:59:59.999999Z'

/** The queue's sort key: the ticket's age, or when the customer last wrote. */
function sortKey(sort: QueueSort): RawBuilder<Date> {
  return sort === 'age'
    ? sql<Date>`tickets.created_at`
    : sql<Date>`coalesce(tickets.last_customer_message_at, ${NEVER}::timestamptz)`
}

/**
 * One page of the queue: oldest first, or longest since the customer last wrote (tickets with
 * no customer message last), ties by id. Later pages by keyset: the rows after the previous
 * page's last one in `key asc, id asc` order, so a page deep in the queue costs the same as the
 * first and nothing is shown twice or skipped while tickets arrive. One query per page, with the
 * customer, the assignee and the priority's service targets joined.
 */
export async function listTicketQueue(
  db: Kysely<DB>,
  options: QueueOptions,
  now: Date = new Date(),
): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(options.limit ?? QUEUE_PAGE_SIZE, 200))
  const key = sortKey(options.sort)
  let query = withServiceTargets(filteredTickets(db, options))
    .innerJoin('customers', 'customers.id', 'tickets.customer_id')
    .leftJoin('staff_members', 'staff_members.account_id', 'tickets.assignee_id')
    .select([
      'tickets.id',
      'tickets.ticket_number as ticketNumber',
      'tickets.subject',
      'tickets.priority',
      'tickets.last_customer_message_at as lastCustomerMessageAt',
      'customers.given_name as givenName',
      'customers.family_name as familyName',
      'customers.customer_number as customerNumber',
      'staff_members.display_name as assigneeName',
      sql<string>`to_char(${key} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'cursorAt',
      ),
    ])
  const statuses = statusesOf(options.status)
  if (statuses) query = query.where('tickets.status', 'in', statuses)
  const cursor = decodeCursor(options.after)
  if (cursor) {
    query = query.where(
      sql<boolean>`(${key}, tickets.id) > (${cursor.at}::timestamptz, ${cursor.id})`,
    )
  }
  const rows = await query
    .orderBy(key, 'asc')
    .orderBy('tickets.id', 'asc')
    .limit(limit + 1)
    .execute()
  const page = pageOf(rows, limit)
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((row) => {
      const promise = ticketPromise(row, now)
      return {
        id: row.id,
        ticketNumber: row.ticketNumber,
        subject: row.subject,
        status: row.status,
        priority: row.priority,
        customerName: `${row.givenName} ${row.familyName}`,
        customerNumber: row.customerNumber,
        assigneeName: row.assigneeName,
        createdAt: row.createdAt,
        lastCustomerMessageAt: row.lastCustomerMessageAt,
        ...promise,
        breached: isBreached({ status: row.status, dueAt: promise.dueAt }, now),
      }
    }),
  }
}

/** How many tickets each status filter would show, given the other filters: one grouped query. */
export async function countTicketQueue(
  db: Kysely<DB>,
  options: Omit<QueueOptions, 'status' | 'sort'>,
): Promise<Record<QueueStatusFilter, number>> {
  const rows = await filteredTickets(db, options)
    .select((eb) => ['tickets.status', eb.fn.countAll<string | number | bigint>().as('n')])
    .groupBy('tickets.status')
    .execute()
  const byStatus: Record<TicketStatus, number> = {
    open: 0,
    waiting_on_customer: 0,
    resolved: 0,
    closed: 0,
  }
  for (const row of rows) byStatus[row.status] = Number(row.n)
  return {
    active: byStatus.open + byStatus.waiting_on_customer,
    open: byStatus.open,
    waiting_on_customer: byStatus.waiting_on_customer,
    resolved: byStatus.resolved,
    closed: byStatus.closed,
    all: byStatus.open + byStatus.waiting_on_customer + byStatus.resolved + byStatus.closed,
  }
}

// The staff thread -----------------------------------------------------------------------------

export interface StaffThreadMessage {
  id: string
  authorKind: 'customer' | 'staff' | 'system'
  /** The customer's or staff member's name; null for system messages. */
  authorName: string | null
  visibility: 'public' | 'internal'
  body: string
  createdAt: Date
}

export interface StaffMemberOption {
  accountId: string
  displayName: string
}

export interface StaffTicketThread extends TicketPromise {
  ticket: {
    id: string
    ticketNumber: string
    subject: string
    status: TicketStatus
    priority: TicketPriority
    version: number
    createdAt: Date
    updatedAt: Date
    customerId: string
    customerName: string
    customerNumber: string
    assigneeId: string | null
    assigneeName: string | null
  }
  breached: boolean
  /** Public replies and internal notes, oldest first. */
  messages: StaffThreadMessage[]
  /** Active staff, for the assign form. */
  staff: StaffMemberOption[]
}

/**
 * A ticket by its number with every message, public and internal, and the active staff to
 * assign it to: three queries however long the thread. Null for an unknown number.
 */
export async function getStaffTicketThread(
  db: Kysely<DB>,
  ticketNumber: string,
  now: Date = new Date(),
): Promise<StaffTicketThread | null> {
  const row = await withServiceTargets(db.selectFrom('tickets'))
    .innerJoin('customers', 'customers.id', 'tickets.customer_id')
    .leftJoin('staff_members', 'staff_members.account_id', 'tickets.assignee_id')
    .select([
      'tickets.id',
      'tickets.ticket_number as ticketNumber',
      'tickets.subject',
      'tickets.priority',
      'tickets.version',
      'tickets.updated_at as updatedAt',
      'tickets.customer_id as customerId',
      'tickets.assignee_id as assigneeId',
      'customers.given_name as givenName',
      'customers.family_name as familyName',
      'customers.customer_number as customerNumber',
      'staff_members.display_name as assigneeName',
    ])
    .where('tickets.ticket_number', '=', ticketNumber)
    .executeTakeFirst()
  if (!row) return null
  const customerName = `${row.givenName} ${row.familyName}`

  const [messages, staff] = await Promise.all([
    db
      .selectFrom('ticket_messages')
      .leftJoin('staff_members', 'staff_members.account_id', 'ticket_messages.author_account_id')
      .select([
        'ticket_messages.id',
        'ticket_messages.author_kind as authorKind',
        'ticket_messages.visibility',
        'ticket_messages.body',
        'ticket_messages.created_at as createdAt',
        'staff_members.display_name as staffName',
      ])
      .where('ticket_messages.ticket_id', '=', row.id)
      .orderBy('ticket_messages.created_at')
      .orderBy('ticket_messages.id')
      .execute(),
    listActiveStaff(db),
  ])
  const promise = ticketPromise(row, now)
  return {
    ticket: {
      id: row.id,
      ticketNumber: row.ticketNumber,
      subject: row.subject,
      status: row.status,
      priority: row.priority,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      customerId: row.customerId,
      customerName,
      customerNumber: row.customerNumber,
      assigneeId: row.assigneeId,
      assigneeName: row.assigneeName,
    },
    ...promise,
    breached: isBreached({ status: row.status, dueAt: promise.dueAt }, now),
    messages: messages.map((message) => ({
      id: message.id,
      authorKind: message.authorKind,
      authorName:
        message.authorKind === 'customer'
          ? customerName
          : message.authorKind === 'staff'
            ? message.staffName
            : null,
      visibility: message.visibility,
      body: message.body,
      createdAt: message.createdAt,
    })),
    staff,
  }
}

export async function listActiveStaff(db: Kysely<DB>): Promise<StaffMemberOption[]> {
  return db
    .selectFrom('staff_members')
    .select(['account_id as accountId', 'display_name as displayName'])
    .where('deactivated_at', 'is', null)
    .orderBy('display_name')
    .orderBy('account_id')
    .execute()
}

/** The ticket's id by number, for actions; null when unknown. */
export async function findTicketIdByNumber(
  db: Kysely<DB>,
  ticketNumber: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('tickets')
    .select('id')
    .where('ticket_number', '=', ticketNumber)
    .executeTakeFirst()
  return row?.id ?? null
}

// Assigning and prioritising ------------------------------------------------------------------

/** What an assign or priority form saw; a conflict carries what is stored now. */
export interface TicketWorkState {
  version: number
  assigneeId: string | null
  assigneeName: string | null
  priority: TicketPriority
}

interface WorkChange {
  ticketNumber: string
  staffAccountId: string
  /** The version the form was rendered with. */
  expectedVersion: number
}

type WorkField =
  | { kind: 'assigned'; assigneeId: string | null }
  | { kind: 'priority_changed'; priority: TicketPriority }

/**
 * Locks the ticket, refuses a stale form with VersionConflictError (both sides), and applies one
 * change with its ticket event and history row, bumping the version. Asking for what is already
 * stored changes nothing and writes nothing, whatever the version: two agents asking for the same
 * thing at once end with one change and one history row.
 * @returns whether anything changed
 */
async function changeWork(db: Kysely<DB>, input: WorkChange, change: WorkField): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const ticket = await trx
      .selectFrom('tickets')
      .leftJoin('staff_members', 'staff_members.account_id', 'tickets.assignee_id')
      .select([
        'tickets.id',
        'tickets.customer_id as customerId',
        'tickets.version',
        'tickets.assignee_id as assigneeId',
        'tickets.priority',
        'staff_members.display_name as assigneeName',
      ])
      .where('tickets.ticket_number', '=', input.ticketNumber)
      .forUpdate('tickets')
      .executeTakeFirst()
    if (!ticket) throw new NotFoundError('ticket', input.ticketNumber)

    const from = change.kind === 'assigned' ? ticket.assigneeId : ticket.priority
    const to = change.kind === 'assigned' ? change.assigneeId : change.priority
    if (from === to) return false

    const current: TicketWorkState = {
      version: ticket.version,
      assigneeId: ticket.assigneeId,
      assigneeName: ticket.assigneeName,
      priority: ticket.priority,
    }
    if (ticket.version !== input.expectedVersion) {
      throw new VersionConflictError<TicketWorkState>({
        entity: 'ticket',
        id: input.ticketNumber,
        expectedVersion: input.expectedVersion,
        current,
        changes:
          change.kind === 'assigned'
            ? { assigneeId: change.assigneeId }
            : { priority: change.priority },
      })
    }
    let assigneeName: string | null = null
    if (change.kind === 'assigned' && change.assigneeId !== null) {
      const assignee = await trx
        .selectFrom('staff_members')
        .select('display_name')
        .where('account_id', '=', change.assigneeId)
        .where('deactivated_at', 'is', null)
        .executeTakeFirst()
      if (!assignee) throw new InvalidStateError('staff:ticket.errors.unknownAssignee')
      assigneeName = assignee.display_name
    }

    const actor: Actor = { kind: 'staff', id: input.staffAccountId }
    await trx
      .updateTable('tickets')
      .set((eb) => ({
        ...(change.kind === 'assigned'
          ? { assignee_id: change.assigneeId }
          : { priority: change.priority }),
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', ticket.id)
      .execute()
    await trx
      .insertInto('ticket_events')
      .values({
        ticket_id: ticket.id,
        kind: change.kind,
        from_value: from,
        to_value: to,
        actor_kind: 'staff',
        actor_id: input.staffAccountId,
      })
      .execute()
    // The customer reads their history: an assignment is shown by the staff member's name, not
    // an account id.
    const [field, was, now] =
      change.kind === 'assigned'
        ? ['assignee', ticket.assigneeName, assigneeName]
        : ['priority', from, to]
    await trx
      .insertInto('record_history')
      .values(
        historyValues({
          customerId: ticket.customerId,
          entityType: 'ticket',
          entityId: ticket.id,
          action: change.kind,
          actor,
          channel: 'staff',
          before: { [field]: was },
          after: { [field]: now },
        }),
      )
      .execute()
    return true
  })
}

/**
 * Assigns the ticket to an active staff member, or unassigns it (null).
 * @throws NotFoundError, VersionConflictError<TicketWorkState>,
 *   InvalidStateError('staff:ticket.errors.unknownAssignee')
 */
export async function assignTicket(
  db: Kysely<DB>,
  input: WorkChange & { assigneeId: string | null },
): Promise<boolean> {
  return changeWork(db, input, { kind: 'assigned', assigneeId: input.assigneeId })
}

/** @throws NotFoundError, VersionConflictError<TicketWorkState> */
export async function setTicketPriority(
  db: Kysely<DB>,
  input: WorkChange & { priority: TicketPriority },
): Promise<boolean> {
  return changeWork(db, input, { kind: 'priority_changed', priority: input.priority })
}
