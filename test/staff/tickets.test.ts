import { describe, expect, it } from 'vitest'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import { loader as queueLoader } from '#app/routes/staff.tickets._index.tsx'
import {
  action as ticketAction,
  loader as ticketLoader,
} from '#app/routes/staff.tickets.$ticketNumber.tsx'
import { countQueries } from '#db/query-count.ts'
import { getCustomerTicketThread } from '#db/tickets.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import { answerOf, createTicket } from '#test/tickets/ticket-fixtures.ts'

const database = useTestDatabase()

async function signedInStaff(displayName: string) {
  const staff = await createStaffAccount(database.db, { displayName })
  return { ...staff, cookie: await sessionCookieFor(staff.accountId) }
}

interface QueueData {
  counts: Record<string, number>
  rows: {
    ticketNumber: string
    customerName: string
    customerNumber: string
    assigneeName: string | null
    dueKind: string | null
    dueInMinutes: number | null
    breached: boolean
  }[]
}

async function queue(cookie: string, query = '') {
  const answer = await answerOf(() =>
    queueLoader(routeArgs(getRequest(`/staff/tickets${query}`, { cookie }))),
  )
  expect(answer.status).toBe(200)
  return answer.data as QueueData
}

interface TicketData {
  ticket: { version: number; assigneeId: string | null; priority: string; status: string }
  messages: { body: string; visibility: string; authorName: string | null }[]
}

async function view(cookie: string, ticketNumber: string) {
  const answer = await answerOf(() =>
    ticketLoader(
      routeArgs(getRequest(`/staff/tickets/${ticketNumber}`, { cookie }), { ticketNumber }),
    ),
  )
  expect(answer.status).toBe(200)
  return answer.data as TicketData
}

function post(cookie: string, ticketNumber: string, fields: Record<string, string>) {
  return answerOf(() =>
    ticketAction(
      routeArgs(formRequest(`/staff/tickets/${ticketNumber}`, fields, { cookie }), {
        ticketNumber,
      }),
    ),
  )
}

async function outboxCount(customerId: string) {
  const row = await database.db
    .selectFrom('notification_outbox')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

async function historyOf(ticketId: string) {
  return database.db
    .selectFrom('record_history')
    .select(['action', 'actor_kind', 'actor_id', 'channel', 'before', 'after'])
    .where('entity_type', '=', 'ticket')
    .where('entity_id', '=', ticketId)
    .orderBy('id')
    .execute()
}

async function eventsOf(ticketId: string) {
  return database.db
    .selectFrom('ticket_events')
    .select(['kind', 'from_value', 'to_value', 'actor_id'])
    .where('ticket_id', '=', ticketId)
    .where('kind', 'in', ['assigned', 'priority_changed'])
    .orderBy('id')
    .execute()
}

describe('the staff ticket queue', () => {
  // First in the file: the queue spans all customers, so its counts are exact only here.
  it('filters, counts per status and shows targets and breaches', async () => {
    const db = database.db
    await db
      .insertInto('service_targets')
      .values([
        {
          subject_kind: 'ticket_priority',
          subject_value: 'normal',
          first_response_minutes: 240,
          resolution_minutes: 2880,
        },
        {
          subject_kind: 'ticket_priority',
          subject_value: 'high',
          first_response_minutes: 60,
          resolution_minutes: 480,
        },
      ])
      .execute()
    const me = await signedInStaff('Mia Agent')
    const other = await signedInStaff('Olaf Agent')
    const anna = await signedInCustomer(db, { givenName: 'Anna' })
    const fresh = await createTicket(db, anna, { subject: 'Fresh' })
    const old = await createTicket(db, anna, {
      subject: 'Old',
      createdAt: new Date(Date.now() - 5 * 3600_000).toISOString(),
    })
    const waiting = await createTicket(db, anna, { status: 'waiting_on_customer' })
    const done = await createTicket(db, anna, { status: 'resolved' })
    await db
      .updateTable('tickets')
      .set({ assignee_id: me.accountId })
      .where('id', '=', waiting.ticketId)
      .execute()
    await db
      .updateTable('tickets')
      .set({ assignee_id: other.accountId, priority: 'high' })
      .where('id', '=', fresh.ticketId)
      .execute()

    const all = await queue(me.cookie)
    expect(all.counts).toEqual({
      active: 3,
      open: 2,
      waiting_on_customer: 1,
      resolved: 1,
      closed: 0,
      all: 4,
    })
    // Oldest first by default; resolved tickets are not in the default (in progress) view.
    expect(all.rows.map((row) => row.ticketNumber)).toEqual([
      old.ticketNumber,
      fresh.ticketNumber,
      waiting.ticketNumber,
    ])
    const oldRow = all.rows[0]
    expect(oldRow).toMatchObject({
      customerNumber: anna.customerNumber,
      dueKind: 'firstResponse',
      breached: true,
    })
    expect(oldRow?.customerName).toContain('Anna')
    expect(all.rows[1]).toMatchObject({
      assigneeName: 'Olaf Agent',
      breached: false,
      dueKind: 'firstResponse',
    })
    expect(all.rows[1]?.dueInMinutes).toBeGreaterThan(50)

    const mine = await queue(me.cookie, '?assignee=me&status=all')
    expect(mine.rows.map((row) => row.ticketNumber)).toEqual([waiting.ticketNumber])
    expect(mine.counts).toMatchObject({ all: 1, waiting_on_customer: 1, open: 0 })

    const unassignedOpen = await queue(me.cookie, '?assignee=unassigned&status=open')
    expect(unassignedOpen.rows.map((row) => row.ticketNumber)).toEqual([old.ticketNumber])

    const high = await queue(me.cookie, '?priority=high')
    expect(high.rows.map((row) => row.ticketNumber)).toEqual([fresh.ticketNumber])
    expect(high.counts.all).toBe(1)

    const resolved = await queue(me.cookie, '?status=resolved')
    expect(resolved.rows.map((row) => row.ticketNumber)).toEqual([done.ticketNumber])

    // Bad values fall back to the defaults instead of failing.
    const junk = await queue(me.cookie, '?status=nope&priority=x&assignee=y&sort=z')
    expect(junk.rows).toHaveLength(3)

    // Longest since the customer wrote first.
    await db
      .updateTable('tickets')
      .set({ last_customer_message_at: new Date(Date.now() - 10 * 3600_000).toISOString() })
      .where('id', '=', waiting.ticketId)
      .execute()
    const byMessage = await queue(me.cookie, '?sort=lastCustomerMessage')
    expect(byMessage.rows[0]?.ticketNumber).toBe(waiting.ticketNumber)

    const counted = await countQueries(() =>
      runInRequestScope(() =>
        queueLoader(routeArgs(getRequest('/staff/tickets?status=all', { cookie: me.cookie }))),
      ),
    )
    // The session lookup, the list and the grouped counts, however many tickets.
    expect(counted.queries).toBeLessThanOrEqual(4)
  })
})

describe('the staff ticket view', () => {
  it('shows internal notes to staff and never to the customer', async () => {
    const agent = await signedInStaff('Nora Agent')
    const customer = await signedInCustomer(database.db)
    const ticket = await createTicket(database.db, customer)
    const note = await post(agent.cookie, ticket.ticketNumber, {
      intent: 'note',
      body: 'VIP, be kind',
    })
    expect(note.status).toBe(302)
    expect(await outboxCount(customer.customerId)).toBe(0)

    const staffView = await view(agent.cookie, ticket.ticketNumber)
    expect(staffView.messages.map((m) => [m.visibility, m.body])).toEqual([
      ['public', 'It has been a week.'],
      ['internal', 'VIP, be kind'],
    ])
    expect(staffView.messages[1]?.authorName).toBe('Nora Agent')

    const customerView = await getCustomerTicketThread(
      database.db,
      customer.customerId,
      ticket.ticketNumber,
    )
    expect(customerView?.messages.map((m) => m.body)).toEqual(['It has been a week.'])
    expect((await historyOf(ticket.ticketId)).map((h) => h.action)).toEqual(['opened'])

    const counted = await countQueries(() =>
      runInRequestScope(() =>
        ticketLoader(
          routeArgs(getRequest(`/staff/tickets/${ticket.ticketNumber}`, { cookie: agent.cookie }), {
            ticketNumber: ticket.ticketNumber,
          }),
        ),
      ),
    )
    // The thread plus the customer panel beside it; ticket-workspace.test.ts proves the count
    // stays the same however much the customer's record holds.
    expect(counted.queries).toBeLessThanOrEqual(18)
  })

  it('sends a public reply the customer sees, moves the status and queues a notification', async () => {
    const agent = await signedInStaff('Nora Agent')
    const customer = await signedInCustomer(database.db)
    const ticket = await createTicket(database.db, customer)
    const reply = await post(agent.cookie, ticket.ticketNumber, {
      intent: 'reply',
      body: 'Your parcel is on its way.',
      status: 'waiting_on_customer',
    })
    expect(reply.status).toBe(302)
    const customerView = await getCustomerTicketThread(
      database.db,
      customer.customerId,
      ticket.ticketNumber,
    )
    expect(customerView?.ticket.status).toBe('waiting_on_customer')
    expect(customerView?.messages.at(-1)).toMatchObject({
      body: 'Your parcel is on its way.',
      author: 'staff',
      staffName: 'Nora Agent',
    })
    expect(await outboxCount(customer.customerId)).toBe(1)
    const history = await historyOf(ticket.ticketId)
    expect(history.at(-1)).toMatchObject({
      action: 'replied',
      actor_kind: 'staff',
      actor_id: agent.accountId,
      channel: 'staff',
    })

    const empty = await post(agent.cookie, ticket.ticketNumber, { intent: 'reply', body: '  ' })
    expect(empty.status).toBe(400)
    expect(empty.data).toMatchObject({
      fieldErrors: { body: ['staff:ticket.errors.bodyRequired'] },
    })
  })

  it('assigns and sets priority with events and history', async () => {
    const agent = await signedInStaff('Nora Agent')
    const customer = await signedInCustomer(database.db)
    const ticket = await createTicket(database.db, customer)
    const before = await view(agent.cookie, ticket.ticketNumber)
    const assign = await post(agent.cookie, ticket.ticketNumber, {
      intent: 'assign',
      assignee: '',
      assignToMe: '1',
      version: String(before.ticket.version),
    })
    expect(assign.status).toBe(302)
    const afterAssign = await view(agent.cookie, ticket.ticketNumber)
    expect(afterAssign.ticket.assigneeId).toBe(agent.accountId)
    expect(afterAssign.ticket.version).toBe(before.ticket.version + 1)

    const priority = await post(agent.cookie, ticket.ticketNumber, {
      intent: 'priority',
      priority: 'urgent',
      version: String(afterAssign.ticket.version),
    })
    expect(priority.status).toBe(302)
    expect((await view(agent.cookie, ticket.ticketNumber)).ticket.priority).toBe('urgent')

    expect(await eventsOf(ticket.ticketId)).toEqual([
      { kind: 'assigned', from_value: null, to_value: agent.accountId, actor_id: agent.accountId },
      {
        kind: 'priority_changed',
        from_value: 'normal',
        to_value: 'urgent',
        actor_id: agent.accountId,
      },
    ])
    const history = (await historyOf(ticket.ticketId)).slice(1)
    expect(history).toEqual([
      {
        action: 'assigned',
        actor_kind: 'staff',
        actor_id: agent.accountId,
        channel: 'staff',
        before: { assignee: null },
        after: { assignee: 'Nora Agent' },
      },
      {
        action: 'priority_changed',
        actor_kind: 'staff',
        actor_id: agent.accountId,
        channel: 'staff',
        before: { priority: 'normal' },
        after: { priority: 'urgent' },
      },
    ])

    const unknown = await post(agent.cookie, ticket.ticketNumber, {
      intent: 'assign',
      assignee: crypto.randomUUID(),
      version: String(before.ticket.version + 2),
    })
    expect(unknown.status).toBe(400)
  })

  it('refuses a stale assign with 409, both values shown, nothing changed', async () => {
    const agent = await signedInStaff('Nora Agent')
    const other = await signedInStaff('Olaf Agent')
    const customer = await signedInCustomer(database.db)
    const ticket = await createTicket(database.db, customer)
    const { version } = (await view(agent.cookie, ticket.ticketNumber)).ticket
    await post(other.cookie, ticket.ticketNumber, {
      intent: 'priority',
      priority: 'high',
      version: String(version),
    })

    const fingerprint = await databaseFingerprint(database.db)
    const stale = await post(agent.cookie, ticket.ticketNumber, {
      intent: 'assign',
      assignee: agent.accountId,
      version: String(version),
    })
    expect(stale.status).toBe(409)
    expect(stale.data).toMatchObject({
      conflict: {
        current: { version: version + 1, assigneeId: null, priority: 'high' },
        changes: { assigneeId: agent.accountId },
        expectedVersion: version,
      },
    })
    expect(await databaseFingerprint(database.db)).toEqual(fingerprint)
  })

  it('lets one of two simultaneous assigns win', async () => {
    const first = await signedInStaff('Nora Agent')
    const second = await signedInStaff('Olaf Agent')
    const customer = await signedInCustomer(database.db)
    const ticket = await createTicket(database.db, customer)
    const { version } = (await view(first.cookie, ticket.ticketNumber)).ticket
    const answers = await Promise.all(
      [first, second].map((agent) =>
        post(agent.cookie, ticket.ticketNumber, {
          intent: 'assign',
          assignee: '',
          assignToMe: '1',
          version: String(version),
        }),
      ),
    )
    expect(answers.map((a) => a.status).sort()).toEqual([302, 409])
    const winner = answers[0]?.status === 302 ? first : second
    expect((await view(first.cookie, ticket.ticketNumber)).ticket.assigneeId).toBe(winner.accountId)
    expect((await historyOf(ticket.ticketId)).filter((h) => h.action === 'assigned')).toHaveLength(
      1,
    )
    expect(await eventsOf(ticket.ticketId)).toHaveLength(1)

    // Both asking for the same assignee: one change, one history row, no conflict shown.
    const again = await Promise.all(
      [first, second].map((agent) =>
        post(agent.cookie, ticket.ticketNumber, {
          intent: 'assign',
          assignee: winner.accountId,
          version: String(version),
        }),
      ),
    )
    expect(again.map((a) => a.status)).toEqual([302, 302])
    expect((await historyOf(ticket.ticketId)).filter((h) => h.action === 'assigned')).toHaveLength(
      1,
    )
  })

  it('answers 404 for an unknown ticket, 403 for customers, and signs out to the staff login', async () => {
    const agent = await signedInStaff('Nora Agent')
    const customer = await signedInCustomer(database.db)
    const ticket = await createTicket(database.db, customer)
    expect(
      (
        await answerOf(() =>
          ticketLoader(
            routeArgs(getRequest('/staff/tickets/T000000', { cookie: agent.cookie }), {
              ticketNumber: 'T000000',
            }),
          ),
        )
      ).status,
    ).toBe(404)
    expect((await post(agent.cookie, 'T000000', { intent: 'note', body: 'x' })).status).toBe(404)

    const fingerprint = await databaseFingerprint(database.db)
    expect(
      await answerOf(() =>
        queueLoader(routeArgs(getRequest('/staff/tickets', { cookie: customer.cookie }))),
      ),
    ).toMatchObject({ status: 403 })
    expect(
      await answerOf(() =>
        ticketLoader(
          routeArgs(
            getRequest(`/staff/tickets/${ticket.ticketNumber}`, { cookie: customer.cookie }),
            { ticketNumber: ticket.ticketNumber },
          ),
        ),
      ),
    ).toMatchObject({ status: 403 })
    expect(
      await post(customer.cookie, ticket.ticketNumber, { intent: 'note', body: 'x' }),
    ).toMatchObject({ status: 403 })
    const signedOut = await answerOf(() => queueLoader(routeArgs(getRequest('/staff/tickets'))))
    expect(signedOut.status).toBe(302)
    expect(signedOut.location).toMatch(/^\/staff\/login\?redirectTo=/)
    const signedOutPost = await post('', ticket.ticketNumber, { intent: 'note', body: 'x' })
    expect(signedOutPost.status).toBe(302)
    expect(await databaseFingerprint(database.db)).toEqual(fingerprint)
  })
})
