import { type Kysely, sql } from 'kysely'
import { InvalidStateError, NotFoundError, VersionConflictError } from './errors.ts'
import { type Actor, historyValues } from './history.ts'
import type { DB } from './schema.ts'
import {
  type TicketPriority,
  type TicketPromise,
  type TicketStatus,
  ticketPromise,
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

export const QUEUE_LIMIT = 50

export interface QueueOptions {
  status: QueueStatusFilter
  priority: TicketPriority | null
  assignee: QueueAssigneeFilter
  sort: QueueSort
  /** The signed-in staff member, for "assigned to me". */
  staffAccountId: string
}

export interface QueueItem extends TicketPromise {
  ticketNumber: string
  subject: string
  status: TicketStatus
  priority: TicketPriority
  customerName: string
  customerNumber: string
  assigneeName: string | null
  createdAt: Date
  lastCustomerMessageAt: Date | null
  /** The promise's due time has passed. */
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

/**
 * One page (the first QUEUE_LIMIT) of the queue: oldest first, or longest since the customer
 * last wrote (tickets with no customer message last). One query, with the customer, the
 * assignee and the priority's service targets joined.
 */
export async function listTicketQueue(
  db: Kysely<DB>,
  options: QueueOptions,
  now: Date = new Date(),
): Promise<QueueItem[]> {
  let query = filteredTickets(db, options)
    .innerJoin('customers', 'customers.id', 'tickets.customer_id')
    .leftJoin('staff_members', 'staff_members.account_id', 'tickets.assignee_id')
    .leftJoin('service_targets', (join) =>
      join
        .on('service_targets.subject_kind', '=', 'ticket_priority')
        .onRef('service_targets.subject_value', '=', 'tickets.priority'),
    )
    .select([
      'tickets.ticket_number as ticketNumber',
      'tickets.subject',
      'tickets.status',
      'tickets.priority',
      'tickets.created_at as createdAt',
      'tickets.first_response_at as firstResponseAt',
      'tickets.last_customer_message_at as lastCustomerMessageAt',
      'customers.given_name as givenName',
      'customers.family_name as familyName',
      'customers.customer_number as customerNumber',
      'staff_members.display_name as assigneeName',
      'service_targets.first_response_minutes as firstResponseMinutes',
      'service_targets.resolution_minutes as resolutionMinutes',
    ])
  const statuses = statusesOf(options.status)
  if (statuses) query = query.where('tickets.status', 'in', statuses)
  query =
    options.sort === 'age'
      ? query.orderBy('tickets.created_at', 'asc')
      : query.orderBy(sql`tickets.last_customer_message_at asc nulls last`)
  const rows = await query.orderBy('tickets.id').limit(QUEUE_LIMIT).execute()
  return rows.map((row) => {
    const promise = ticketPromise(row)
    return {
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
      breached: promise.dueAt !== null && promise.dueAt.getTime() < now.getTime(),
    }
  })
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
  const row = await db
    .selectFrom('tickets')
    .innerJoin('customers', 'customers.id', 'tickets.customer_id')
    .leftJoin('staff_members', 'staff_members.account_id', 'tickets.assignee_id')
    .leftJoin('service_targets', (join) =>
      join
        .on('service_targets.subject_kind', '=', 'ticket_priority')
        .onRef('service_targets.subject_value', '=', 'tickets.priority'),
    )
    .select([
      'tickets.id',
      'tickets.ticket_number as ticketNumber',
      'tickets.subject',
      'tickets.status',
      'tickets.priority',
      'tickets.version',
      'tickets.created_at as createdAt',
      'tickets.updated_at as updatedAt',
      'tickets.first_response_at as firstResponseAt',
      'tickets.customer_id as customerId',
      'tickets.assignee_id as assigneeId',
      'customers.given_name as givenName',
      'customers.family_name as familyName',
      'customers.customer_number as customerNumber',
      'staff_members.display_name as assigneeName',
      'service_targets.first_response_minutes as firstResponseMinutes',
      'service_targets.resolution_minutes as resolutionMinutes',
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
  const promise = ticketPromise(row)
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
    breached: promise.dueAt !== null && promise.dueAt.getTime() < now.getTime(),
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
