import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import type { Viewer } from '#db/item-visibility.ts'
import { InvalidStateError, NotFoundError } from '#db/errors.ts'
import type { Actor } from '#db/history.ts'
import {
  ALLOWED_TRANSITIONS,
  answerRequest,
  cancelRequest,
  changeRequestStatus,
  createRequest,
  getCustomerRequest,
  listCustomerRequests,
  listOpenRequests,
  type RequestStatus,
} from '#db/requests.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import { createCustomerAccount, createStaffAccount } from '#test/support/fixtures.ts'
import {
  createTestOrder,
  requestState,
  setRequestTargets,
  TEST_RESOLUTION_MINUTES,
} from './request-fixtures.ts'

const database = useTestDatabase()

/** The person acting for themselves: their personal items only. */
function personal(customerId: string): Viewer {
  return { customerId, actingFor: null }
}

async function customer() {
  const account = await createCustomerAccount(database.db)
  const actor: Actor = { kind: 'customer', id: account.accountId }
  return { ...account, actor }
}

let agent: Actor | null = null
/** One agent for the file: hashing a password per staff account would only slow tests down. */
async function staffActor(): Promise<Actor> {
  agent ??= { kind: 'staff', id: (await createStaffAccount(database.db)).accountId }
  return agent
}

async function newRequest(
  owner: { customerId: string; actor: Actor },
  overrides: Partial<Parameters<typeof createRequest>[1]> = {},
) {
  return createRequest(database.db, {
    customerId: owner.customerId,
    actor: owner.actor,
    channel: 'portal',
    kind: 'repair',
    subject: 'Kettle does not switch off',
    details: { product: 'Kettle KET-1001', fault: 'Keeps boiling' },
    ...overrides,
  })
}

/** Moves a request along the staff path to `status`, as an agent would. */
async function moveTo(requestId: string, path: RequestStatus[]) {
  const actor = await staffActor()
  for (const toStatus of path) {
    await changeRequestStatus(database.db, { requestId, toStatus, actor, channel: 'staff' })
  }
}

describe('createRequest', () => {
  test('writes the request, its submitted event and its history row together', async () => {
    const owner = await customer()
    const order = await createTestOrder(database.db, owner.customerId)

    const created = await newRequest(owner, {
      kind: 'return',
      subject: 'Return the headphones',
      details: { reason: 'defective', outcome: 'refund' },
      orderId: order.id,
    })

    expect(created.created).toBe(true)
    expect(created.requestNumber).toMatch(/^R\d+$/)
    const state = await requestState(database.db, created.id)
    expect(state.request).toMatchObject({
      status: 'submitted',
      version: 1,
      closed_at: null,
      order_id: order.id,
      details: { reason: 'defective', outcome: 'refund' },
    })
    expect(state.events).toEqual([
      {
        from_status: null,
        to_status: 'submitted',
        note: null,
        visibility: 'public',
        actor_kind: 'customer',
        actor_id: owner.accountId,
      },
    ])
    expect(state.history).toEqual([
      {
        customer_id: owner.customerId,
        action: 'created',
        actor_kind: 'customer',
        actor_id: owner.accountId,
        channel: 'portal',
        before: null,
        after: {
          request_number: created.requestNumber,
          kind: 'return',
          subject: 'Return the headphones',
          status: 'submitted',
          order_number: order.orderNumber,
        },
      },
    ])
  })

  test('refuses another customer’s order and writes nothing', async () => {
    const owner = await customer()
    const stranger = await customer()
    const foreignOrder = await createTestOrder(database.db, stranger.customerId)
    const before = await databaseFingerprint(database.db)

    await expect(newRequest(owner, { orderId: foreignOrder.id })).rejects.toBeInstanceOf(
      NotFoundError,
    )
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('a failure inside the transaction leaves no request, event or history behind', async () => {
    const owner = await customer()
    const before = await databaseFingerprint(database.db)
    // The subject's length check fails at the database, after nothing else was written.
    await expect(newRequest(owner, { subject: 'x'.repeat(201) })).rejects.toThrow()
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('the same idempotency key makes one request, even when sent at the same time', async () => {
    const owner = await customer()
    const key = crypto.randomUUID()
    const results = await Promise.all([
      newRequest(owner, { idempotencyKey: key }),
      newRequest(owner, { idempotencyKey: key }),
      newRequest(owner, { idempotencyKey: key }),
    ])
    expect(new Set(results.map((result) => result.requestNumber)).size).toBe(1)
    expect(results.filter((result) => result.created)).toHaveLength(1)
    const rows = await database.db
      .selectFrom('requests')
      .select('id')
      .where('customer_id', '=', owner.customerId)
      .execute()
    expect(rows).toHaveLength(1)
    const history = await database.db
      .selectFrom('record_history')
      .select('id')
      .where('customer_id', '=', owner.customerId)
      .where('entity_type', '=', 'request')
      .execute()
    expect(history).toHaveLength(1)

    // The key is bookkeeping, not something the customer told us.
    const shown = await getCustomerRequest(
      database.db,
      personal(owner.customerId),
      results[0]!.requestNumber,
    )
    expect(shown?.details).toEqual({ product: 'Kettle KET-1001', fault: 'Keeps boiling' })
    // Another key is another request.
    expect((await newRequest(owner, { idempotencyKey: crypto.randomUUID() })).created).toBe(true)
  })
})

describe('cancelRequest', () => {
  test('cancels a submitted request with event, history and a new version', async () => {
    const owner = await customer()
    const { id, requestNumber } = await newRequest(owner)

    const result = await cancelRequest(database.db, {
      customerId: owner.customerId,
      requestNumber,
      actor: owner.actor,
      channel: 'portal',
    })

    expect(result).toEqual({ requestNumber, status: 'cancelled' })
    const state = await requestState(database.db, id)
    expect(state.request.status).toBe('cancelled')
    expect(state.request.version).toBe(2)
    expect(state.request.closed_at).toBeInstanceOf(Date)
    expect(state.events.at(-1)).toMatchObject({
      from_status: 'submitted',
      to_status: 'cancelled',
      visibility: 'public',
      actor_kind: 'customer',
      actor_id: owner.accountId,
    })
    expect(state.history.at(-1)).toEqual({
      customer_id: owner.customerId,
      action: 'cancelled',
      actor_kind: 'customer',
      actor_id: owner.accountId,
      channel: 'portal',
      before: { status: 'submitted' },
      after: { status: 'cancelled' },
    })
  })

  test.each<[string, RequestStatus[]]>([
    ['in review', ['in_review']],
    ['waiting for the customer', ['in_review', 'waiting_for_customer']],
    ['approved', ['in_review', 'approved']],
    ['already cancelled', ['cancelled']],
  ])('refuses once the request is %s, and changes nothing', async (_label, path) => {
    const owner = await customer()
    const { id, requestNumber } = await newRequest(owner)
    await moveTo(id, path)
    const before = await databaseFingerprint(database.db)

    const attempt = cancelRequest(database.db, {
      customerId: owner.customerId,
      requestNumber,
      actor: owner.actor,
      channel: 'portal',
    })
    await expect(attempt).rejects.toBeInstanceOf(InvalidStateError)
    await expect(attempt).rejects.toMatchObject({ reason: 'requests:errors.cannotCancel' })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('another customer’s request and an unknown one are both not found', async () => {
    const owner = await customer()
    const stranger = await customer()
    const { requestNumber } = await newRequest(owner)
    const before = await databaseFingerprint(database.db)
    for (const number of [requestNumber, 'R999999999', 'not-a-number']) {
      await expect(
        cancelRequest(database.db, {
          customerId: stranger.customerId,
          requestNumber: number,
          actor: stranger.actor,
          channel: 'portal',
        }),
      ).rejects.toBeInstanceOf(NotFoundError)
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

describe('answerRequest', () => {
  test('records the answer and moves the request back to in review', async () => {
    const owner = await customer()
    const { id, requestNumber } = await newRequest(owner)
    await moveTo(id, ['in_review', 'waiting_for_customer'])

    const result = await answerRequest(database.db, {
      customerId: owner.customerId,
      requestNumber,
      answer: 'The VAT number is SE556677889901.',
      actor: owner.actor,
      channel: 'portal',
    })

    expect(result.status).toBe('in_review')
    const state = await requestState(database.db, id)
    expect(state.request).toMatchObject({ status: 'in_review', version: 4, closed_at: null })
    expect(state.events.at(-1)).toEqual({
      from_status: 'waiting_for_customer',
      to_status: 'in_review',
      note: 'The VAT number is SE556677889901.',
      visibility: 'public',
      actor_kind: 'customer',
      actor_id: owner.accountId,
    })
    expect(state.history.at(-1)).toMatchObject({
      action: 'answered',
      before: { status: 'waiting_for_customer' },
      after: { status: 'in_review' },
    })
    // The answer's text is on the timeline, not copied into history.
    expect(JSON.stringify(state.history)).not.toContain('SE556677889901')
  })

  test.each<[string, RequestStatus[]]>([
    ['submitted', []],
    ['in review', ['in_review']],
    ['completed', ['in_review', 'approved', 'completed']],
  ])('refuses while the request is %s', async (_label, path) => {
    const owner = await customer()
    const { id, requestNumber } = await newRequest(owner)
    await moveTo(id, path)
    const before = await databaseFingerprint(database.db)
    await expect(
      answerRequest(database.db, {
        customerId: owner.customerId,
        requestNumber,
        answer: 'Here you go',
        actor: owner.actor,
        channel: 'portal',
      }),
    ).rejects.toMatchObject({ reason: 'requests:errors.cannotAnswer' })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('a failing event insert rolls back the status change and its history', async () => {
    const owner = await customer()
    const { id, requestNumber } = await newRequest(owner)
    await moveTo(id, ['in_review', 'waiting_for_customer'])
    const before = await databaseFingerprint(database.db)
    // request_events.note allows 5000 characters; the status update runs before the insert.
    await expect(
      answerRequest(database.db, {
        customerId: owner.customerId,
        requestNumber,
        answer: 'x'.repeat(5001),
        actor: owner.actor,
        channel: 'portal',
      }),
    ).rejects.toThrow()
    expect(await databaseFingerprint(database.db)).toEqual(before)
    expect((await requestState(database.db, id)).request.status).toBe('waiting_for_customer')
  })
})

describe('changeRequestStatus', () => {
  test('follows the allowed transitions and refuses every other move', async () => {
    const owner = await customer()
    const actor = await staffActor()
    const statuses = Object.keys(ALLOWED_TRANSITIONS) as RequestStatus[]
    // Reach each status, then try every target from it.
    const pathTo: Record<RequestStatus, RequestStatus[]> = {
      submitted: [],
      in_review: ['in_review'],
      waiting_for_customer: ['in_review', 'waiting_for_customer'],
      approved: ['in_review', 'approved'],
      rejected: ['rejected'],
      completed: ['in_review', 'approved', 'completed'],
      cancelled: ['cancelled'],
    }
    for (const from of statuses) {
      for (const to of statuses) {
        const { id } = await newRequest(owner)
        await moveTo(id, pathTo[from])
        const before = await requestState(database.db, id)
        const attempt = changeRequestStatus(database.db, {
          requestId: id,
          toStatus: to,
          actor,
          channel: 'staff',
        })
        if (ALLOWED_TRANSITIONS[from].includes(to)) {
          await expect(attempt).resolves.toMatchObject({ status: to })
          const after = await requestState(database.db, id)
          expect(after.request.version).toBe(before.request.version + 1)
          expect(after.history.at(-1)).toMatchObject({
            action: 'status_changed',
            actor_kind: 'staff',
            channel: 'staff',
            before: { status: from },
            after: { status: to },
          })
          expect(after.request.closed_at === null).toBe(
            !['rejected', 'completed', 'cancelled'].includes(to),
          )
        } else {
          await expect(attempt, `${from} → ${to}`).rejects.toBeInstanceOf(InvalidStateError)
          expect(await requestState(database.db, id)).toEqual(before)
        }
      }
    }
  })

  test('an internal note is kept from the customer; the status change is not', async () => {
    const owner = await customer()
    const { id, requestNumber } = await newRequest(owner)
    const actor = await staffActor()
    await changeRequestStatus(database.db, {
      requestId: id,
      toStatus: 'in_review',
      note: 'Serial number is in the faulty batch.',
      visibility: 'internal',
      actor,
      channel: 'staff',
    })
    await changeRequestStatus(database.db, {
      requestId: id,
      toStatus: 'waiting_for_customer',
      note: 'Could you send a photo of the label?',
      actor,
      channel: 'staff',
    })

    const stored = await requestState(database.db, id)
    expect(stored.events.map((event) => [event.to_status, event.visibility, event.note])).toEqual([
      ['submitted', 'public', null],
      ['in_review', 'public', null],
      ['in_review', 'internal', 'Serial number is in the faulty batch.'],
      ['waiting_for_customer', 'public', 'Could you send a photo of the label?'],
    ])
    const shown = await getCustomerRequest(database.db, personal(owner.customerId), requestNumber)
    expect(shown?.events.map((event) => [event.fromStatus, event.toStatus, event.note])).toEqual([
      [null, 'submitted', null],
      ['submitted', 'in_review', null],
      ['in_review', 'waiting_for_customer', 'Could you send a photo of the label?'],
    ])
    expect(JSON.stringify(shown)).not.toContain('faulty batch')
    expect(JSON.stringify(stored.history)).not.toContain('faulty batch')
  })

  test('an unknown or malformed id is not found', async () => {
    const actor = await staffActor()
    for (const requestId of [crypto.randomUUID(), 'nope']) {
      await expect(
        changeRequestStatus(database.db, {
          requestId,
          toStatus: 'in_review',
          actor,
          channel: 'staff',
        }),
      ).rejects.toBeInstanceOf(NotFoundError)
    }
  })
})

describe('reading requests', () => {
  test('getCustomerRequest reads only the customer’s own request', async () => {
    const owner = await customer()
    const stranger = await customer()
    const order = await createTestOrder(database.db, owner.customerId)
    const { requestNumber } = await newRequest(owner, { orderId: order.id })

    const shown = await getCustomerRequest(database.db, personal(owner.customerId), requestNumber)
    expect(shown).toMatchObject({
      requestNumber,
      kind: 'repair',
      status: 'submitted',
      order: { orderNumber: order.orderNumber },
      details: { product: 'Kettle KET-1001', fault: 'Keeps boiling' },
    })
    expect(shown?.events[0]?.occurredAt).toBeInstanceOf(Date)
    expect(
      await getCustomerRequest(database.db, personal(stranger.customerId), requestNumber),
    ).toBeNull()
    expect(await getCustomerRequest(database.db, personal(owner.customerId), 'R1')).toBeNull()
    expect(
      await getCustomerRequest(database.db, personal(owner.customerId), "R1' or 1=1"),
    ).toBeNull()
  })

  test('the promise date comes from the kind’s resolution target, and ends with the request', async () => {
    await setRequestTargets(database.db)
    const owner = await customer()
    const repair = await newRequest(owner, { kind: 'repair' })
    const document = await newRequest(owner, { kind: 'document', details: {} })
    const cancelled = await newRequest(owner, { kind: 'return', details: {} })
    await cancelRequest(database.db, {
      customerId: owner.customerId,
      requestNumber: cancelled.requestNumber,
      actor: owner.actor,
      channel: 'portal',
    })

    const open = await listOpenRequests(database.db, owner.customerId)
    expect(open.map((request) => request.requestNumber)).toEqual([
      document.requestNumber,
      repair.requestNumber,
    ])
    for (const request of open) {
      expect(Object.keys(request).sort()).toEqual([
        'createdAt',
        'dueAt',
        'id',
        'kind',
        'requestNumber',
        'status',
        'subject',
        'updatedAt',
      ])
      expect(request.dueAt?.getTime()).toBe(
        request.createdAt.getTime() + TEST_RESOLUTION_MINUTES[request.kind] * 60_000,
      )
    }
    const page = await listCustomerRequests(database.db, owner.customerId, { limit: 10 })
    const closed = page.items.find((item) => item.requestNumber === cancelled.requestNumber)
    expect(closed?.dueAt).toBeNull()
    expect(closed?.closedAt).toBeInstanceOf(Date)

    // Staff change a target: open requests show the new promise at once.
    await database.db
      .updateTable('service_targets')
      .set({ resolution_minutes: 60 })
      .where('subject_kind', '=', 'request_kind')
      .where('subject_value', '=', 'repair')
      .execute()
    const [, repairNow] = await listOpenRequests(database.db, owner.customerId)
    expect(repairNow?.dueAt?.getTime()).toBe(repairNow!.createdAt.getTime() + 60 * 60_000)
    await setRequestTargets(database.db)
  })

  test('pages newest first without repeating or skipping rows, also on equal times', async () => {
    const owner = await customer()
    const other = await customer()
    await newRequest(other)
    const made: string[] = []
    for (let index = 0; index < 7; index++) {
      made.push((await newRequest(owner, { subject: `Request ${index}` })).requestNumber)
    }
    // Three share one instant (with microseconds), so only the id orders them.
    await database.db
      .updateTable('requests')
      .set({ created_at: sql<Date>`'2026-01-05T10:00:00.123456Z'::timestamptz` })
      .where('request_number', 'in', made.slice(2, 5))
      .execute()

    const seen: string[] = []
    let after: string | null = null
    for (let pages = 0; pages < 10; pages++) {
      const page: Awaited<ReturnType<typeof listCustomerRequests>> = await listCustomerRequests(
        database.db,
        owner.customerId,
        { after, limit: 2 },
      )
      seen.push(...page.items.map((item) => item.requestNumber))
      after = page.nextCursor
      if (!after) break
    }
    expect(seen).toHaveLength(7)
    expect(new Set(seen)).toEqual(new Set(made))
    const all = await listCustomerRequests(database.db, owner.customerId, { limit: 50 })
    expect(seen).toEqual(all.items.map((item) => item.requestNumber))
    const times = all.items.map((item) => item.createdAt.getTime())
    expect([...times].sort((a, b) => b - a)).toEqual(times)

    const filtered = await listCustomerRequests(database.db, owner.customerId, {
      status: 'cancelled',
      limit: 50,
    })
    expect(filtered.items).toEqual([])
    // A tampered cursor is the first page, not an error.
    const tampered = await listCustomerRequests(database.db, owner.customerId, {
      after: 'garbage',
      limit: 2,
    })
    expect(tampered.items.map((item) => item.requestNumber)).toEqual(seen.slice(0, 2))
  })
})
