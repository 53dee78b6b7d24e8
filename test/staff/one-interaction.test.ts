import { describe, expect, it } from 'vitest'
import { addStaffReply, changeTicketStatus, replyToTicket } from '#db/tickets.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { createStaffAccount, signedInCustomer } from '#test/support/fixtures.ts'
import { createTicket } from '#test/tickets/ticket-fixtures.ts'

const database = useTestDatabase()

async function resolution(ticketId: string) {
  const row = await database.db
    .selectFrom('tickets')
    .select(['status', 'resolved_at', 'resolved_in_one_interaction'])
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow()
  return {
    status: row.status,
    resolvedAt: row.resolved_at,
    // SQLite stores booleans as 0/1.
    oneInteraction:
      row.resolved_in_one_interaction === null ? null : Boolean(row.resolved_in_one_interaction),
  }
}

/** Spaces writes apart, so "after" in the thread never rests on two equal timestamps. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 15))

async function setUp() {
  const customer = await signedInCustomer(database.db)
  const staff = await createStaffAccount(database.db, { role: 'agent' })
  const ticket = await createTicket(database.db, customer)
  await tick()
  return { customer, staff, ticketId: ticket.ticketId, ticketNumber: ticket.ticketNumber }
}

async function customerWrites(
  customer: { customerId: string; accountId: string },
  ticketNumber: string,
) {
  await replyToTicket(database.db, {
    customerId: customer.customerId,
    ticketNumber,
    actor: { kind: 'customer', id: customer.accountId },
    channel: 'portal',
    body: 'Still nothing here.',
    idempotencyKey: crypto.randomUUID(),
    attachments: [],
  })
  await tick()
}

describe('resolved in one interaction', () => {
  it('is true when staff answer and resolve in the same reply', async () => {
    const { staff, ticketId } = await setUp()
    expect((await resolution(ticketId)).oneInteraction).toBeNull()
    await addStaffReply(database.db, {
      ticketId,
      staffAccountId: staff.accountId,
      body: 'Your parcel is on its way again.',
      visibility: 'public',
      toStatus: 'resolved',
    })
    const after = await resolution(ticketId)
    expect(after.status).toBe('resolved')
    expect(after.resolvedAt).not.toBeNull()
    expect(after.oneInteraction).toBe(true)
  })

  it('is true for an answer, then a resolve through the status change', async () => {
    const { staff, ticketId } = await setUp()
    await addStaffReply(database.db, {
      ticketId,
      staffAccountId: staff.accountId,
      body: 'Found it: it was sent to the wrong depot.',
      visibility: 'public',
    })
    await tick()
    await changeTicketStatus(database.db, {
      ticketId,
      toStatus: 'resolved',
      actor: { kind: 'staff', id: staff.accountId },
      channel: 'staff',
    })
    const after = await resolution(ticketId)
    expect(after.resolvedAt).not.toBeNull()
    expect(after.oneInteraction).toBe(true)
  })

  it('is false when the customer wrote again after the first answer', async () => {
    const { customer, staff, ticketId, ticketNumber } = await setUp()
    // The customer's second message before any answer does not count against it...
    await customerWrites(customer, ticketNumber)
    await addStaffReply(database.db, {
      ticketId,
      staffAccountId: staff.accountId,
      body: 'Could you send a photo of the label?',
      visibility: 'public',
      toStatus: 'waiting_on_customer',
    })
    await tick()
    // ...but one after the first answer does.
    await customerWrites(customer, ticketNumber)
    await addStaffReply(database.db, {
      ticketId,
      staffAccountId: staff.accountId,
      body: 'Thanks, a replacement is on its way.',
      visibility: 'public',
      toStatus: 'resolved',
    })
    const after = await resolution(ticketId)
    expect(after.status).toBe('resolved')
    expect(after.resolvedAt).not.toBeNull()
    expect(after.oneInteraction).toBe(false)
  })

  it('counts only public answers: an internal note is not the first answer', async () => {
    const { customer, staff, ticketId, ticketNumber } = await setUp()
    await addStaffReply(database.db, {
      ticketId,
      staffAccountId: staff.accountId,
      body: 'Checking with the carrier.',
      visibility: 'internal',
    })
    await tick()
    await customerWrites(customer, ticketNumber)
    await addStaffReply(database.db, {
      ticketId,
      staffAccountId: staff.accountId,
      body: 'Delivered today.',
      visibility: 'public',
      toStatus: 'resolved',
    })
    expect((await resolution(ticketId)).oneInteraction).toBe(true)
  })

  it('is recomputed when a reopened ticket is resolved again', async () => {
    const { customer, staff, ticketId, ticketNumber } = await setUp()
    await addStaffReply(database.db, {
      ticketId,
      staffAccountId: staff.accountId,
      body: 'Refunded.',
      visibility: 'public',
      toStatus: 'resolved',
    })
    await tick()
    expect((await resolution(ticketId)).oneInteraction).toBe(true)
    // The customer's reply reopens the resolved ticket: it was not solved after all.
    await customerWrites(customer, ticketNumber)
    const reopened = await resolution(ticketId)
    expect(reopened.status).toBe('open')
    expect(reopened.resolvedAt).toBeNull()
    await changeTicketStatus(database.db, {
      ticketId,
      toStatus: 'resolved',
      actor: { kind: 'staff', id: staff.accountId },
      channel: 'staff',
    })
    const after = await resolution(ticketId)
    expect(after.resolvedAt).not.toBeNull()
    expect(after.oneInteraction).toBe(false)
  })
})
