import { describe, expect, it } from 'vitest'
import { InvalidStateError, NotFoundError } from '#db/errors.ts'
import {
  changeTicketStatus,
  closeTicket,
  getCustomerTicketThread,
  listCustomerTickets,
  listOpenTickets,
  openTicket,
  rateTicket,
  reopenTicket,
  replyToTicket,
  ticketPromise,
} from '#db/tickets.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { createCustomerAccount, createStaffAccount } from '#test/support/fixtures.ts'
import { addStaffMessage, createTicket, ticketRowCounts } from './ticket-fixtures.ts'

const database = useTestDatabase()

const portal = (accountId: string) =>
  ({ actor: { kind: 'customer', id: accountId }, channel: 'portal' }) as const

function openInput(owner: { customerId: string; accountId: string }, idempotencyKey: string) {
  return {
    customerId: owner.customerId,
    ...portal(owner.accountId),
    category: 'billing' as const,
    subject: 'Charged twice',
    body: 'Two charges on my card.',
    orderId: null,
    requestId: null,
    idempotencyKey,
    attachments: [],
  }
}

async function rowOf(ticketId: string) {
  return database.db
    .selectFrom('tickets')
    .select(['status', 'version', 'resolved_at', 'closed_at', 'rating', 'rating_comment'])
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow()
}

describe('listCustomerTickets', () => {
  it('pages newest first by keyset, with no ticket skipped or repeated', async () => {
    const owner = await createCustomerAccount(database.db)
    const other = await createCustomerAccount(database.db)
    // Three in the same millisecond (PostgreSQL keeps microseconds, a cursor milliseconds), and
    // two more around them.
    const created = [
      '2026-03-01T10:00:00.000000Z',
      '2026-03-02T10:00:00.123100Z',
      '2026-03-02T10:00:00.123456Z',
      '2026-03-02T10:00:00.123900Z',
      '2026-03-03T10:00:00.000000Z',
    ]
    const tickets = []
    for (const createdAt of created) {
      tickets.push(await createTicket(database.db, owner, { createdAt }))
    }
    await createTicket(database.db, other)

    const seen: string[] = []
    let after: string | null = null
    for (let page = 0; page < 10; page++) {
      const result: Awaited<ReturnType<typeof listCustomerTickets>> = await listCustomerTickets(
        database.db,
        owner.customerId,
        { after, limit: 2 },
      )
      seen.push(...result.items.map((item) => item.ticketNumber))
      if (!result.nextCursor) break
      after = result.nextCursor
    }
    expect(seen).toHaveLength(5)
    expect(new Set(seen).size).toBe(5)
    expect(seen[0]).toBe(tickets[4]?.ticketNumber)
    expect(seen[4]).toBe(tickets[0]?.ticketNumber)
    expect(seen.slice(1, 4).sort()).toEqual(
      tickets
        .slice(1, 4)
        .map((t) => t.ticketNumber)
        .sort(),
    )
  })

  it('filters by status', async () => {
    const owner = await createCustomerAccount(database.db)
    const waiting = await createTicket(database.db, owner, { status: 'waiting_on_customer' })
    await createTicket(database.db, owner, { status: 'closed' })
    const page = await listCustomerTickets(database.db, owner.customerId, {
      status: 'waiting_on_customer',
      limit: 20,
    })
    expect(page.items.map((item) => item.ticketNumber)).toEqual([waiting.ticketNumber])
    expect(page.nextCursor).toBeNull()
  })
})

describe('ticket promises', () => {
  const base = {
    createdAt: new Date('2026-05-01T08:00:00Z'),
    firstResponseMinutes: 60,
    resolutionMinutes: 600,
  }

  it('promises the first answer, then the solution, and nothing once settled', () => {
    expect(ticketPromise({ ...base, status: 'open', firstResponseAt: null })).toEqual({
      dueAt: new Date('2026-05-01T09:00:00Z'),
      dueKind: 'firstResponse',
    })
    expect(
      ticketPromise({ ...base, status: 'waiting_on_customer', firstResponseAt: new Date() }),
    ).toEqual({ dueAt: new Date('2026-05-01T18:00:00Z'), dueKind: 'resolution' })
    for (const status of ['resolved', 'closed'] as const) {
      expect(ticketPromise({ ...base, status, firstResponseAt: null })).toEqual({
        dueAt: null,
        dueKind: null,
      })
    }
    expect(
      ticketPromise({ ...base, status: 'open', firstResponseAt: null, firstResponseMinutes: null }),
    ).toEqual({ dueAt: null, dueKind: null })
  })

  it('listOpenTickets returns open and waiting tickets with their due time', async () => {
    await database.db
      .insertInto('service_targets')
      .values([
        {
          subject_kind: 'ticket_priority',
          subject_value: 'high',
          first_response_minutes: 240,
          resolution_minutes: 1440,
        },
      ])
      .onConflict((conflict) => conflict.columns(['subject_kind', 'subject_value']).doNothing())
      .execute()
    const owner = await createCustomerAccount(database.db)
    const open = await createTicket(database.db, owner)
    const waiting = await createTicket(database.db, owner, { status: 'waiting_on_customer' })
    await createTicket(database.db, owner, { status: 'resolved' })
    await createTicket(database.db, owner, { status: 'closed' })
    await database.db
      .updateTable('tickets')
      .set({ priority: 'high', first_response_at: new Date() })
      .where('id', '=', waiting.ticketId)
      .execute()
    const createdAt = async (id: string) =>
      (
        await database.db
          .selectFrom('tickets')
          .select('created_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).created_at

    const list = await listOpenTickets(database.db, owner.customerId)

    expect(list.map((ticket) => ticket.ticketNumber).sort()).toEqual(
      [open.ticketNumber, waiting.ticketNumber].sort(),
    )
    const waitingItem = list.find((ticket) => ticket.id === waiting.ticketId)
    expect(waitingItem).toEqual({
      id: waiting.ticketId,
      ticketNumber: waiting.ticketNumber,
      subject: 'Parcel has not arrived',
      status: 'waiting_on_customer',
      priority: 'high',
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      dueAt: new Date((await createdAt(waiting.ticketId)).getTime() + 1440 * 60_000),
    })
    expect(
      await listOpenTickets(database.db, (await createCustomerAccount(database.db)).customerId),
    ).toEqual([])
  })
})

describe('getCustomerTicketThread', () => {
  it('names each author and leaves internal notes out', async () => {
    const owner = await createCustomerAccount(database.db)
    const staff = await createStaffAccount(database.db, { displayName: 'Lea Lind' })
    const { ticketId, ticketNumber } = await createTicket(database.db, owner)
    await addStaffMessage(
      database.db,
      ticketId,
      { accountId: staff.accountId, customerId: owner.customerId },
      { visibility: 'public', body: 'On it!' },
    )
    await addStaffMessage(
      database.db,
      ticketId,
      { accountId: staff.accountId, customerId: owner.customerId },
      { visibility: 'internal', body: 'internal only' },
    )
    await database.db
      .insertInto('ticket_messages')
      .values({ ticket_id: ticketId, author_kind: 'system', body: 'Closed automatically.' })
      .execute()

    const thread = await getCustomerTicketThread(database.db, owner.customerId, ticketNumber)
    expect(thread?.messages.map((m) => [m.author, m.staffName, m.body])).toEqual([
      ['you', null, 'It has been a week.'],
      ['staff', 'Lea Lind', 'On it!'],
      ['system', null, 'Closed automatically.'],
    ])
    expect(thread?.ticket.statusChangedAt).toBeInstanceOf(Date)

    const stranger = await createCustomerAccount(database.db)
    expect(await getCustomerTicketThread(database.db, stranger.customerId, ticketNumber)).toBeNull()
  })
})

describe('idempotent writes', () => {
  it('opens one ticket per key, also for concurrent calls', async () => {
    const owner = await createCustomerAccount(database.db)
    const key = crypto.randomUUID()
    const before = await ticketRowCounts(database.db)

    const results = await Promise.all([
      openTicket(database.db, openInput(owner, key)),
      openTicket(database.db, openInput(owner, key)),
    ])
    const again = await openTicket(database.db, openInput(owner, key))

    expect(results.map((result) => result.created).sort()).toEqual([false, true])
    expect(new Set([...results, again].map((result) => result.ticketNumber)).size).toBe(1)
    expect(again.created).toBe(false)
    const after = await ticketRowCounts(database.db)
    expect(after.tickets - before.tickets).toBe(1)
    expect(after.history - before.history).toBe(1)
  })

  it('never hands one customer the ticket another customer’s key opened', async () => {
    const anna = await createCustomerAccount(database.db)
    const bob = await createCustomerAccount(database.db)
    const key = crypto.randomUUID()
    await openTicket(database.db, openInput(anna, key))
    const before = await ticketRowCounts(database.db)

    await expect(openTicket(database.db, openInput(bob, key))).rejects.toEqual(
      new InvalidStateError('tickets:errors.duplicateSubmission'),
    )
    expect(await ticketRowCounts(database.db)).toEqual(before)
  })
})

describe('status changes', () => {
  it('closes, reopens and rates with timestamps, versions and no comment in history', async () => {
    const owner = await createCustomerAccount(database.db)
    const { ticketId, ticketNumber } = await createTicket(database.db, owner)
    const key = { customerId: owner.customerId, ticketNumber, ...portal(owner.accountId) }

    await closeTicket(database.db, key)
    const closed = await rowOf(ticketId)
    expect(closed).toMatchObject({ status: 'closed', version: 2, resolved_at: null })
    expect(closed.closed_at).toBeInstanceOf(Date)

    await rateTicket(database.db, { ...key, rating: 2, comment: 'My private opinion' })
    expect(await rowOf(ticketId)).toMatchObject({
      version: 3,
      rating: 2,
      rating_comment: 'My private opinion',
    })
    await reopenTicket(database.db, key)
    expect(await rowOf(ticketId)).toMatchObject({
      status: 'open',
      version: 4,
      closed_at: null,
      resolved_at: null,
    })
    const history = await database.db
      .selectFrom('record_history')
      .select(['after'])
      .where('entity_id', '=', ticketId)
      .execute()
    expect(JSON.stringify(history)).not.toContain('private opinion')
  })

  it('reply refuses a closed ticket and the functions refuse foreign tickets', async () => {
    const owner = await createCustomerAccount(database.db)
    const stranger = await createCustomerAccount(database.db)
    const { ticketNumber } = await createTicket(database.db, owner, { status: 'closed' })
    const reply = {
      customerId: owner.customerId,
      ticketNumber,
      ...portal(owner.accountId),
      body: 'Hi',
      idempotencyKey: crypto.randomUUID(),
      attachments: [],
    }
    await expect(replyToTicket(database.db, reply)).rejects.toEqual(
      new InvalidStateError('tickets:errors.replyClosed'),
    )
    const foreign = { ...reply, customerId: stranger.customerId, ...portal(stranger.accountId) }
    const before = await ticketRowCounts(database.db)
    await expect(replyToTicket(database.db, foreign)).rejects.toBeInstanceOf(NotFoundError)
    await expect(reopenTicket(database.db, foreign)).rejects.toBeInstanceOf(NotFoundError)
    await expect(closeTicket(database.db, foreign)).rejects.toBeInstanceOf(NotFoundError)
    await expect(
      rateTicket(database.db, { ...foreign, rating: 1, comment: null }),
    ).rejects.toBeInstanceOf(NotFoundError)
    expect(await ticketRowCounts(database.db)).toEqual(before)
  })

  it('changeTicketStatus records a staff change in the customer’s history', async () => {
    const owner = await createCustomerAccount(database.db)
    const staff = await createStaffAccount(database.db)
    const { ticketId } = await createTicket(database.db, owner)
    const actor = { kind: 'staff', id: staff.accountId } as const

    await changeTicketStatus(database.db, {
      ticketId,
      toStatus: 'resolved',
      actor,
      channel: 'staff',
    })

    const row = await rowOf(ticketId)
    expect(row).toMatchObject({ status: 'resolved', version: 2, closed_at: null })
    expect(row.resolved_at).toBeInstanceOf(Date)
    const history = await database.db
      .selectFrom('record_history')
      .select(['customer_id', 'action', 'actor_kind', 'actor_id', 'channel', 'before', 'after'])
      .where('entity_id', '=', ticketId)
      .where('action', '=', 'status_changed')
      .execute()
    expect(history).toEqual([
      {
        customer_id: owner.customerId,
        action: 'status_changed',
        actor_kind: 'staff',
        actor_id: staff.accountId,
        channel: 'staff',
        before: { status: 'open' },
        after: { status: 'resolved' },
      },
    ])
    const events = await database.db
      .selectFrom('ticket_events')
      .select(['kind', 'from_value', 'to_value', 'actor_kind', 'actor_id'])
      .where('ticket_id', '=', ticketId)
      .where('kind', '=', 'status_changed')
      .execute()
    expect(events).toEqual([
      {
        kind: 'status_changed',
        from_value: 'open',
        to_value: 'resolved',
        actor_kind: 'staff',
        actor_id: staff.accountId,
      },
    ])

    await expect(
      changeTicketStatus(database.db, { ticketId, toStatus: 'resolved', actor, channel: 'staff' }),
    ).rejects.toEqual(new InvalidStateError('tickets:errors.sameStatus'))
    for (const unknown of [crypto.randomUUID(), 'not-a-uuid']) {
      await expect(
        changeTicketStatus(database.db, {
          ticketId: unknown,
          toStatus: 'closed',
          actor,
          channel: 'staff',
        }),
      ).rejects.toBeInstanceOf(NotFoundError)
    }
  })
})
