import { describe, expect, it } from 'vitest'
import { getStaffTicketThread, listTicketQueue } from '#db/staff-tickets.ts'
import {
  addStaffReply,
  changeTicketStatus,
  closeTicket,
  getCustomerTicketThread,
  isBreached,
  listCustomerTickets,
  replyToTicket,
  type TicketStatus,
  ticketPromise,
} from '#db/tickets.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { createCustomerAccount, createStaffAccount } from '#test/support/fixtures.ts'
import { createTicket } from '#test/tickets/ticket-fixtures.ts'

const database = useTestDatabase()

const HOUR = 3600_000

describe('the paused clock, computed', () => {
  // Created 08:00, answered, resolution target 10 h: due 18:00 before any wait.
  const base = {
    createdAt: new Date('2026-05-01T08:00:00Z'),
    firstResponseAt: new Date('2026-05-01T08:30:00Z'),
    firstResponseMinutes: 60,
    resolutionMinutes: 600,
  }

  it('moves the resolution due time later by every finished wait', () => {
    const promise = ticketPromise({
      ...base,
      status: 'open',
      waitingOnCustomerSince: null,
      waitingOnCustomerSeconds: 3600,
    })
    expect(promise).toEqual({ dueAt: new Date('2026-05-01T19:00:00Z'), dueKind: 'resolution' })
  })

  it('counts the wait still running, and is never breached while waiting', () => {
    const now = new Date('2026-05-01T21:30:00Z')
    const ticket = {
      ...base,
      status: 'waiting_on_customer' as TicketStatus,
      waitingOnCustomerSince: new Date('2026-05-01T20:00:00Z'),
      waitingOnCustomerSeconds: 3600,
    }
    const promise = ticketPromise(ticket, now)
    // 18:00 + 1 h finished + 1.5 h running.
    expect(promise.dueAt).toEqual(new Date('2026-05-01T20:30:00Z'))
    // The date is past, but the ball is with the customer.
    expect(isBreached({ status: ticket.status, dueAt: promise.dueAt }, now)).toBe(false)
    // The same due time once the ticket is back with us is a breach.
    expect(isBreached({ status: 'open', dueAt: promise.dueAt }, now)).toBe(true)
  })

  it('does not move the first-response promise', () => {
    const promise = ticketPromise({
      ...base,
      firstResponseAt: null,
      status: 'open',
      waitingOnCustomerSince: null,
      waitingOnCustomerSeconds: 7200,
    })
    expect(promise).toEqual({ dueAt: new Date('2026-05-01T09:00:00Z'), dueKind: 'firstResponse' })
  })
})

describe('the paused clock, stored', () => {
  async function setUp() {
    const db = database.db
    const customer = await createCustomerAccount(db)
    const staff = await createStaffAccount(db, { displayName: 'Clock Agent' })
    const ticket = await createTicket(db, customer)
    return { db, customer, staff, ticket }
  }

  async function clockOf(ticketId: string) {
    return database.db
      .selectFrom('tickets')
      .select([
        'status',
        'updated_at',
        'waiting_on_customer_since as since',
        'waiting_on_customer_seconds as seconds',
      ])
      .where('id', '=', ticketId)
      .executeTakeFirstOrThrow()
  }

  /** Backdates the running wait to a fixed time, as if the ticket had waited since then. */
  async function waitingSince(ticketId: string, at: string) {
    await database.db
      .updateTable('tickets')
      .set({ waiting_on_customer_since: at })
      .where('id', '=', ticketId)
      .execute()
  }

  /** The whole seconds from `since` to the row's updated_at (the same transaction's now()). */
  function secondsBetween(since: string, until: Date): number {
    return Math.floor((until.getTime() - new Date(since).getTime()) / 1000)
  }

  it('starts when staff ask the customer, and stops when the customer replies', async () => {
    const { db, customer, staff, ticket } = await setUp()
    await addStaffReply(db, {
      ticketId: ticket.ticketId,
      staffAccountId: staff.accountId,
      body: 'Which colour was it?',
      visibility: 'public',
      toStatus: 'waiting_on_customer',
    })
    const asked = await clockOf(ticket.ticketId)
    expect(asked.status).toBe('waiting_on_customer')
    expect(asked.since).toEqual(asked.updated_at)
    expect(asked.seconds).toBe(0)

    const since = '2026-05-01T10:00:00.000Z'
    await waitingSince(ticket.ticketId, since)
    await replyToTicket(db, {
      customerId: customer.customerId,
      ticketNumber: ticket.ticketNumber,
      actor: { kind: 'customer', id: customer.accountId },
      channel: 'portal',
      body: 'Blue.',
      idempotencyKey: crypto.randomUUID(),
      attachments: [],
    })
    const replied = await clockOf(ticket.ticketId)
    expect(replied.status).toBe('open')
    expect(replied.since).toBeNull()
    expect(replied.seconds).toBe(secondsBetween(since, replied.updated_at))
    expect(replied.seconds).toBeGreaterThan(0)
  })

  it('adds every wait, whichever way the ticket leaves waiting', async () => {
    const { db, customer, staff, ticket } = await setUp()
    const context = { actor: { kind: 'staff', id: staff.accountId }, channel: 'staff' } as const
    const toWaiting = () =>
      changeTicketStatus(db, {
        ticketId: ticket.ticketId,
        toStatus: 'waiting_on_customer',
        ...context,
      })

    // Staff change the status back to open.
    await toWaiting()
    const first = '2026-05-02T08:00:00.000Z'
    await waitingSince(ticket.ticketId, first)
    await changeTicketStatus(db, { ticketId: ticket.ticketId, toStatus: 'open', ...context })
    const afterFirst = await clockOf(ticket.ticketId)
    const firstWait = secondsBetween(first, afterFirst.updated_at)
    expect(afterFirst).toMatchObject({ status: 'open', since: null, seconds: firstWait })

    // Staff resolve straight from waiting, with a reply.
    await toWaiting()
    const second = '2026-05-03T08:00:00.000Z'
    await waitingSince(ticket.ticketId, second)
    await addStaffReply(db, {
      ticketId: ticket.ticketId,
      staffAccountId: staff.accountId,
      body: 'Solved on our side.',
      visibility: 'public',
      toStatus: 'resolved',
    })
    const afterSecond = await clockOf(ticket.ticketId)
    const secondWait = secondsBetween(second, afterSecond.updated_at)
    expect(afterSecond).toMatchObject({
      status: 'resolved',
      since: null,
      seconds: firstWait + secondWait,
    })

    // Reopened to waiting, then the customer closes it.
    await changeTicketStatus(db, {
      ticketId: ticket.ticketId,
      toStatus: 'waiting_on_customer',
      ...context,
    })
    const third = '2026-05-04T08:00:00.000Z'
    await waitingSince(ticket.ticketId, third)
    await closeTicket(db, {
      customerId: customer.customerId,
      ticketNumber: ticket.ticketNumber,
      actor: { kind: 'customer', id: customer.accountId },
      channel: 'portal',
    })
    const closed = await clockOf(ticket.ticketId)
    expect(closed).toMatchObject({
      status: 'closed',
      since: null,
      seconds: firstWait + secondWait + secondsBetween(third, closed.updated_at),
    })
  })

  it('leaves the clock alone for moves that do not touch waiting', async () => {
    const { db, staff, ticket } = await setUp()
    await db
      .updateTable('tickets')
      .set({ waiting_on_customer_seconds: 42 })
      .where('id', '=', ticket.ticketId)
      .execute()
    await changeTicketStatus(db, {
      ticketId: ticket.ticketId,
      toStatus: 'resolved',
      actor: { kind: 'staff', id: staff.accountId },
      channel: 'staff',
    })
    expect(await clockOf(ticket.ticketId)).toMatchObject({ since: null, seconds: 42 })
  })

  it('shows the moved due time to staff and customer alike, never breached while waiting', async () => {
    const { db, customer, staff, ticket } = await setUp()
    await db
      .insertInto('service_targets')
      .values({
        subject_kind: 'ticket_priority',
        subject_value: 'urgent',
        first_response_minutes: 30,
        resolution_minutes: 120,
      })
      .execute()
    // Created three hours ago, answered, 2 h resolution target: 1 h overdue without the clock.
    const createdAt = new Date(Date.now() - 3 * HOUR)
    createdAt.setMilliseconds(0)
    await db
      .updateTable('tickets')
      .set({
        priority: 'urgent',
        created_at: createdAt.toISOString(),
        first_response_at: new Date(createdAt.getTime() + 10 * 60_000).toISOString(),
        assignee_id: staff.accountId,
        // Two earlier hours of waiting on the customer.
        waiting_on_customer_seconds: 7200,
      })
      .where('id', '=', ticket.ticketId)
      .execute()
    const expectedDue = new Date(createdAt.getTime() + 2 * HOUR + 7200_000)
    const now = new Date()

    const queueOptions = {
      status: 'all',
      priority: 'urgent',
      assignee: 'me',
      sort: 'age',
      staffAccountId: staff.accountId,
    } as const
    const [row] = (await listTicketQueue(db, queueOptions, now)).items
    expect(row).toMatchObject({ dueAt: expectedDue, dueKind: 'resolution', breached: false })
    const staffThread = await getStaffTicketThread(db, ticket.ticketNumber, now)
    expect(staffThread).toMatchObject({ dueAt: expectedDue, breached: false })
    const customerThread = await getCustomerTicketThread(
      db,
      customer.customerId,
      ticket.ticketNumber,
    )
    expect(customerThread?.dueAt).toEqual(expectedDue)
    const customerList = await listCustomerTickets(db, customer.customerId, { limit: 5 })
    expect(customerList.items[0]?.dueAt).toEqual(expectedDue)

    // Now waiting on the customer for the last 4 hours (since before it was created is
    // impossible, so: since created): long past the due time, yet not breached.
    const since = new Date(createdAt.getTime())
    await db
      .updateTable('tickets')
      .set({ status: 'waiting_on_customer', waiting_on_customer_since: since.toISOString() })
      .where('id', '=', ticket.ticketId)
      .execute()
    const later = new Date(now.getTime() + 5 * HOUR)
    const [paused] = (await listTicketQueue(db, queueOptions, later)).items
    expect(paused?.breached).toBe(false)
    // The running wait moves the due time too: due + (later - since).
    expect(paused?.dueAt).toEqual(
      new Date(expectedDue.getTime() + later.getTime() - since.getTime()),
    )
    expect((await getStaffTicketThread(db, ticket.ticketNumber, later))?.breached).toBe(false)
  })
})
