import { describe, expect, test } from 'vitest'
import { InvalidStateError, NotFoundError } from '#db/errors.ts'
import type { Actor } from '#db/history.ts'
import { changeOrderStatus } from '#db/orders.ts'
import { cancelRequest, changeRequestStatus, createRequest } from '#db/requests.ts'
import { addStaffReply, changeTicketStatus, closeTicket } from '#db/tickets.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import { createCustomerAccount, createStaffAccount } from '#test/support/fixtures.ts'
import { createTicket } from '#test/tickets/ticket-fixtures.ts'
import { createOrderRow, outboxOf } from './notification-fixtures.ts'

// A change the customer should hear about queues its message in the same transaction as the
// change: both commit, or neither does.

const database = useTestDatabase()

let staff: { accountId: string } | null = null
async function agent(): Promise<{ accountId: string; actor: Actor }> {
  staff ??= await createStaffAccount(database.db)
  return { accountId: staff.accountId, actor: { kind: 'staff', id: staff.accountId } }
}

async function customer() {
  const account = await createCustomerAccount(database.db)
  return { ...account, actor: { kind: 'customer', id: account.accountId } as const }
}

class Boom extends Error {}

describe('orders', () => {
  test('a status change by staff queues one order update with the number and new status', async () => {
    const anna = await customer()
    const order = await createOrderRow(database.db, anna.customerId, 'packed')
    const { actor } = await agent()
    await changeOrderStatus(database.db, {
      orderId: order.id,
      toStatus: 'shipped',
      actor,
      channel: 'staff',
    })
    expect(await outboxOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({
        topic: 'order_updates',
        template: 'order_status_changed',
        payload: { orderNumber: order.orderNumber, status: 'shipped' },
        entity_type: 'order',
        entity_id: order.id,
        status: 'pending',
        attempts: 0,
      }),
    ])
    // An integration (the warehouse) is announced the same way.
    await changeOrderStatus(database.db, {
      orderId: order.id,
      toStatus: 'delivered',
      actor: { kind: 'integration' },
      channel: 'api',
    })
    expect((await outboxOf(database.db, anna.customerId)).map((row) => row.payload)).toEqual([
      { orderNumber: order.orderNumber, status: 'shipped' },
      { orderNumber: order.orderNumber, status: 'delivered' },
    ])
  })

  test('a refused transition writes nothing at all, outbox included', async () => {
    const anna = await customer()
    const order = await createOrderRow(database.db, anna.customerId, 'placed')
    const { actor } = await agent()
    const before = await databaseFingerprint(database.db)
    await expect(
      changeOrderStatus(database.db, {
        orderId: order.id,
        toStatus: 'delivered',
        actor,
        channel: 'staff',
      }),
    ).rejects.toBeInstanceOf(InvalidStateError)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('when the surrounding transaction fails, the change and its message go together', async () => {
    const anna = await customer()
    const order = await createOrderRow(database.db, anna.customerId, 'placed')
    const { actor } = await agent()
    await expect(
      database.db.transaction().execute(async (trx) => {
        await changeOrderStatus(trx, {
          orderId: order.id,
          toStatus: 'paid',
          actor,
          channel: 'staff',
        })
        // The message was queued inside the transaction...
        expect(await outboxOf(trx, anna.customerId)).toHaveLength(1)
        throw new Boom()
      }),
    ).rejects.toBeInstanceOf(Boom)
    // ...and went with it.
    expect(await outboxOf(database.db, anna.customerId)).toEqual([])
    const stored = await database.db
      .selectFrom('orders')
      .select('status')
      .where('id', '=', order.id)
      .executeTakeFirstOrThrow()
    expect(stored.status).toBe('placed')
  })
})

describe('requests', () => {
  test('staff moves are announced as service messages; the customer’s own cancel is not', async () => {
    const anna = await customer()
    const created = await createRequest(database.db, {
      customerId: anna.customerId,
      actor: anna.actor,
      channel: 'portal',
      kind: 'repair',
      subject: 'Kettle does not switch off',
      details: {},
    })
    // Creating it is the customer's own action too.
    expect(await outboxOf(database.db, anna.customerId)).toEqual([])
    const { actor } = await agent()
    await changeRequestStatus(database.db, {
      requestId: created.id,
      toStatus: 'in_review',
      note: 'Internal: check stock',
      visibility: 'internal',
      actor,
      channel: 'staff',
    })
    const rows = await outboxOf(database.db, anna.customerId)
    expect(rows).toEqual([
      expect.objectContaining({
        topic: 'service',
        template: 'request_status_changed',
        payload: { requestNumber: created.requestNumber, status: 'in_review' },
        entity_type: 'request',
        entity_id: created.id,
      }),
    ])
    // The internal note is not in the message.
    expect(JSON.stringify(rows)).not.toContain('check stock')

    const second = await createRequest(database.db, {
      customerId: anna.customerId,
      actor: anna.actor,
      channel: 'portal',
      kind: 'document',
      subject: 'Invoice copy',
      details: {},
    })
    await cancelRequest(database.db, {
      customerId: anna.customerId,
      requestNumber: second.requestNumber,
      actor: anna.actor,
      channel: 'portal',
    })
    expect(await outboxOf(database.db, anna.customerId)).toHaveLength(1)
  })

  test('a refused staff move writes nothing', async () => {
    const anna = await customer()
    const created = await createRequest(database.db, {
      customerId: anna.customerId,
      actor: anna.actor,
      channel: 'portal',
      kind: 'repair',
      subject: 'Kettle',
      details: {},
    })
    const { actor } = await agent()
    const before = await databaseFingerprint(database.db)
    await expect(
      changeRequestStatus(database.db, {
        requestId: created.id,
        toStatus: 'completed',
        actor,
        channel: 'staff',
      }),
    ).rejects.toBeInstanceOf(InvalidStateError)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

describe('tickets', () => {
  test('a staff status change is announced; the customer closing their own ticket is not', async () => {
    const anna = await customer()
    const ticket = await createTicket(database.db, anna)
    const { actor } = await agent()
    await changeTicketStatus(database.db, {
      ticketId: ticket.ticketId,
      toStatus: 'resolved',
      actor,
      channel: 'staff',
    })
    await closeTicket(database.db, {
      customerId: anna.customerId,
      ticketNumber: ticket.ticketNumber,
      actor: anna.actor,
      channel: 'portal',
    })
    expect(await outboxOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({
        topic: 'service',
        template: 'ticket_status_changed',
        payload: { ticketNumber: ticket.ticketNumber, status: 'resolved' },
        entity_type: 'ticket',
        entity_id: ticket.ticketId,
      }),
    ])
  })

  test('a public staff reply: message, first response, history and notification together', async () => {
    const anna = await customer()
    const ticket = await createTicket(database.db, anna)
    const { accountId } = await agent()
    const result = await addStaffReply(database.db, {
      ticketId: ticket.ticketId,
      staffAccountId: accountId,
      body: '  Could you send a photo of the label?  ',
      visibility: 'public',
      toStatus: 'waiting_on_customer',
    })
    expect(result.status).toBe('waiting_on_customer')

    const stored = await database.db
      .selectFrom('tickets')
      .select(['status', 'first_response_at', 'version'])
      .where('id', '=', ticket.ticketId)
      .executeTakeFirstOrThrow()
    expect(stored.status).toBe('waiting_on_customer')
    expect(stored.first_response_at).toBeInstanceOf(Date)
    expect(stored.version).toBe(2)

    const message = await database.db
      .selectFrom('ticket_messages')
      .select(['author_kind', 'author_account_id', 'visibility', 'body'])
      .where('id', '=', result.messageId)
      .executeTakeFirstOrThrow()
    expect(message).toEqual({
      author_kind: 'staff',
      author_account_id: accountId,
      visibility: 'public',
      body: 'Could you send a photo of the label?',
    })

    const events = await database.db
      .selectFrom('ticket_events')
      .select(['kind', 'from_value', 'to_value', 'actor_kind', 'actor_id'])
      .where('ticket_id', '=', ticket.ticketId)
      .where('kind', '=', 'status_changed')
      .execute()
    expect(events).toEqual([
      {
        kind: 'status_changed',
        from_value: 'open',
        to_value: 'waiting_on_customer',
        actor_kind: 'staff',
        actor_id: accountId,
      },
    ])
    const history = await database.db
      .selectFrom('record_history')
      .select(['action', 'actor_kind', 'actor_id', 'channel', 'before', 'after'])
      .where('entity_id', '=', ticket.ticketId)
      .where('action', '!=', 'opened')
      .execute()
    expect(history).toEqual([
      {
        action: 'replied',
        actor_kind: 'staff',
        actor_id: accountId,
        channel: 'staff',
        before: { status: 'open' },
        after: { status: 'waiting_on_customer' },
      },
    ])
    expect(await outboxOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({
        topic: 'service',
        template: 'ticket_replied',
        payload: { ticketNumber: ticket.ticketNumber, status: 'waiting_on_customer' },
      }),
    ])

    // A second answer is not the first response any more.
    await addStaffReply(database.db, {
      ticketId: ticket.ticketId,
      staffAccountId: accountId,
      body: 'Any news?',
      visibility: 'public',
    })
    const later = await database.db
      .selectFrom('tickets')
      .select('first_response_at')
      .where('id', '=', ticket.ticketId)
      .executeTakeFirstOrThrow()
    expect(later.first_response_at).toEqual(stored.first_response_at)
    expect(await outboxOf(database.db, anna.customerId)).toHaveLength(2)
  })

  test('an internal note leaves no trace the customer could see, unless it moves the ticket', async () => {
    const anna = await customer()
    const ticket = await createTicket(database.db, anna)
    const { accountId } = await agent()
    const ticketRow = () =>
      database.db
        .selectFrom('tickets')
        .select(['status', 'first_response_at', 'updated_at', 'version'])
        .where('id', '=', ticket.ticketId)
        .executeTakeFirstOrThrow()
    const historyCount = async () =>
      (
        await database.db
          .selectFrom('record_history')
          .select('id')
          .where('customer_id', '=', anna.customerId)
          .execute()
      ).length
    const before = { ticket: await ticketRow(), history: await historyCount() }

    await addStaffReply(database.db, {
      ticketId: ticket.ticketId,
      staffAccountId: accountId,
      body: 'Customer called twice; escalate if no label photo.',
      visibility: 'internal',
    })
    expect(await ticketRow()).toEqual(before.ticket)
    expect(await historyCount()).toBe(before.history)
    expect(await outboxOf(database.db, anna.customerId)).toEqual([])

    await addStaffReply(database.db, {
      ticketId: ticket.ticketId,
      staffAccountId: accountId,
      body: 'Solved by the courier.',
      visibility: 'internal',
      toStatus: 'resolved',
    })
    const moved = await ticketRow()
    expect(moved.status).toBe('resolved')
    // A note is not an answer to the customer.
    expect(moved.first_response_at).toBeNull()
    expect(await historyCount()).toBe(before.history + 1)
    const rows = await outboxOf(database.db, anna.customerId)
    expect(rows).toEqual([
      expect.objectContaining({
        template: 'ticket_status_changed',
        payload: { ticketNumber: ticket.ticketNumber, status: 'resolved' },
      }),
    ])
    expect(JSON.stringify(rows)).not.toContain('courier')
  })

  test('refused replies write nothing', async () => {
    const anna = await customer()
    const ticket = await createTicket(database.db, anna, { status: 'closed' })
    const { accountId } = await agent()
    const before = await databaseFingerprint(database.db)
    const attempts = [
      // A public answer on a closed ticket that stays closed.
      addStaffReply(database.db, {
        ticketId: ticket.ticketId,
        staffAccountId: accountId,
        body: 'Hello again',
        visibility: 'public',
      }),
      addStaffReply(database.db, {
        ticketId: ticket.ticketId,
        staffAccountId: accountId,
        body: '   ',
        visibility: 'internal',
      }),
      // A customer's account is not a staff member.
      addStaffReply(database.db, {
        ticketId: ticket.ticketId,
        staffAccountId: anna.accountId,
        body: 'Hello',
        visibility: 'public',
        toStatus: 'open',
      }),
      addStaffReply(database.db, {
        ticketId: '00000000-0000-4000-8000-000000000000',
        staffAccountId: accountId,
        body: 'Hello',
        visibility: 'public',
      }),
    ]
    const results = await Promise.allSettled(attempts)
    expect(results.map((result) => result.status === 'rejected' && result.reason)).toEqual([
      expect.any(InvalidStateError),
      expect.any(InvalidStateError),
      expect.any(NotFoundError),
      expect.any(NotFoundError),
    ])
    expect(await databaseFingerprint(database.db)).toEqual(before)

    // Reopening with the answer is allowed, and announced once.
    await addStaffReply(database.db, {
      ticketId: ticket.ticketId,
      staffAccountId: accountId,
      body: 'We found your parcel.',
      visibility: 'public',
      toStatus: 'open',
    })
    expect(await outboxOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({
        template: 'ticket_replied',
        payload: { ticketNumber: ticket.ticketNumber, status: 'open' },
      }),
    ])
  })
})
