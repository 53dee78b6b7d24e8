import { describe, expect, test } from 'vitest'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import {
  action as detailAction,
  loader as detailLoader,
} from '#app/routes/requests.$requestNumber.tsx'
import { loader as listLoader } from '#app/routes/requests._index.tsx'
import { action as newAction, loader as newLoader } from '#app/routes/requests.new.tsx'
import type { Actor } from '#db/history.ts'
import { countQueries } from '#db/query-count.ts'
import { changeRequestStatus, type RequestStatus } from '#db/requests.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createStaffAccount,
  getRequest,
  routeArgs,
  signedInCustomer,
  thrownResponse,
} from '#test/support/fixtures.ts'
import { createTestOrder, requestState, setRequestTargets } from './request-fixtures.ts'

const database = useTestDatabase()

type Fields = Record<string, string | string[]>

/** A browser's form post; a list value is sent as repeated fields (ticked checkboxes). */
function post(path: string, fields: Fields, cookie: string): Request {
  const body = new URLSearchParams()
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item)
  }
  return new Request(`http://localhost${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    body,
  })
}

/** The loader's or action's data, failing the test when it redirected instead. */
function dataOf<T>(result: T) {
  if (result instanceof Response) throw new Error(`Expected data, got ${result.status}`)
  const { data, init } = result as { data: unknown; init: ResponseInit | null }
  return { data: data as Exclude<T, Response> extends { data: infer D } ? D : never, init }
}

function redirectOf(result: unknown): string {
  if (!(result instanceof Response))
    throw new Error(`Expected a redirect, got ${JSON.stringify(result)}`)
  expect(result.status).toBe(302)
  return result.headers.get('Location') ?? ''
}

async function openNewForm(cookie: string, query = '') {
  const result = await newLoader(routeArgs(getRequest(`/requests/new${query}`, { cookie })))
  return dataOf(result).data
}

async function submitNew(cookie: string, fields: Fields) {
  return newAction(routeArgs(post('/requests/new', fields, cookie)))
}

async function requestRows(customerId: string) {
  return database.db
    .selectFrom('requests')
    .select(['id', 'request_number', 'kind', 'subject', 'details', 'order_id', 'status'])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .execute()
}

let agent: Actor | null = null
async function moveTo(requestId: string, path: RequestStatus[]) {
  agent ??= { kind: 'staff', id: (await createStaffAccount(database.db)).accountId }
  for (const toStatus of path) {
    await changeRequestStatus(database.db, {
      requestId,
      toStatus,
      actor: agent,
      channel: 'staff',
    })
  }
}

/** A customer with one submitted repair request, made through the form. */
async function customerWithRequest() {
  const customer = await signedInCustomer(database.db)
  const { idempotencyKey } = await openNewForm(customer.cookie, '?kind=repair')
  const location = redirectOf(
    await submitNew(customer.cookie, {
      kind: 'repair',
      idempotencyKey,
      product: 'Kettle',
      fault: 'It does not switch off',
    }),
  )
  const requestNumber = location.split('/')[2]!.split('?')[0]!
  const [row] = await requestRows(customer.customerId)
  return { ...customer, requestNumber, requestId: row!.id }
}

describe('/requests/new', () => {
  test('offers the four kinds and pre-fills from the query string', async () => {
    const customer = await signedInCustomer(database.db)
    const order = await createTestOrder(database.db, customer.customerId)

    const chooser = await openNewForm(customer.cookie)
    expect(chooser.kind).toBeNull()
    expect(chooser.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/)

    const forReturn = await openNewForm(
      customer.cookie,
      `?kind=return&order=${order.orderNumber.toLowerCase()}`,
    )
    expect(forReturn.kind).toBe('return')
    expect(forReturn.order).toEqual({
      orderNumber: order.orderNumber,
      lines: [
        { lineNumber: 1, sku: 'HDP-2040', description: 'Wireless headphones', quantity: 1 },
        { lineNumber: 2, sku: 'BTL-0750', description: 'Water bottle', quantity: 2 },
      ],
    })
    expect(forReturn.idempotencyKey).not.toBe(chooser.idempotencyKey)

    const correction = await openNewForm(customer.cookie, '?kind=data_correction&field=legal_name')
    expect(correction).toMatchObject({ kind: 'data_correction', field: 'legal_name', order: null })
    const unknownField = await openNewForm(customer.cookie, '?kind=data_correction&field=password')
    expect(unknownField.field).toBeNull()

    // Account closure is not offered yet: the chooser is shown instead.
    expect((await openNewForm(customer.cookie, '?kind=account_closure')).kind).toBeNull()
  })

  test('the promise date for the chosen kind is shown before sending', async () => {
    await setRequestTargets(database.db)
    const customer = await signedInCustomer(database.db)
    const before = Date.now()
    const form = await openNewForm(customer.cookie, '?kind=document')
    const days = (form.aimAt!.getTime() - before) / 86_400_000
    expect(days).toBeGreaterThanOrEqual(2)
    expect(days).toBeLessThan(2.01)
  })

  test('someone else’s order in the link is not shown, the same as an unknown one', async () => {
    const customer = await signedInCustomer(database.db)
    const stranger = await signedInCustomer(database.db)
    const foreign = await createTestOrder(database.db, stranger.customerId)

    const withForeign = await openNewForm(
      customer.cookie,
      `?kind=return&order=${foreign.orderNumber}`,
    )
    const withUnknown = await openNewForm(customer.cookie, '?kind=return&order=O999999999')
    for (const form of [withForeign, withUnknown]) {
      expect(form.order).toBeNull()
      expect(JSON.stringify(form)).not.toContain('Wireless headphones')
    }
    expect(withForeign.orderNotFound).toBe(foreign.orderNumber)
    expect(withUnknown.orderNotFound).toBe('O999999999')
  })

  test('a return from an order ties the order and keeps the ticked lines', async () => {
    const customer = await signedInCustomer(database.db)
    const order = await createTestOrder(database.db, customer.customerId)
    const form = await openNewForm(customer.cookie, `?kind=return&order=${order.orderNumber}`)

    const location = redirectOf(
      await submitNew(customer.cookie, {
        kind: 'return',
        idempotencyKey: form.idempotencyKey,
        orderNumber: form.order!.orderNumber,
        lines: ['1', '2'],
        reason: 'defective',
        outcome: 'exchange',
        comment: 'Only one of the two bottles, please.',
        subject: '',
      }),
    )

    const [row] = await requestRows(customer.customerId)
    expect(location).toBe(`/requests/${row!.request_number}?notice=created`)
    expect(row).toMatchObject({
      kind: 'return',
      status: 'submitted',
      order_id: order.id,
      subject: `Return from order ${order.orderNumber}`,
      details: {
        lines: [
          { line_number: 1, sku: 'HDP-2040', description: 'Wireless headphones', quantity: 1 },
          { line_number: 2, sku: 'BTL-0750', description: 'Water bottle', quantity: 2 },
        ],
        reason: 'defective',
        outcome: 'exchange',
        comment: 'Only one of the two bottles, please.',
        idempotency_key: form.idempotencyKey,
      },
    })
    const state = await requestState(database.db, row!.id)
    expect(state.events).toHaveLength(1)
    expect(state.history).toMatchObject([
      {
        action: 'created',
        actor_kind: 'customer',
        actor_id: customer.accountId,
        channel: 'portal',
        after: { kind: 'return', status: 'submitted', order_number: order.orderNumber },
      },
    ])
  })

  test.each<[string, Fields, Record<string, unknown>]>([
    [
      'repair without an order',
      { kind: 'repair', product: 'Kettle KET-1001', fault: 'Keeps boiling', subject: 'My kettle' },
      {
        kind: 'repair',
        subject: 'My kettle',
        order_id: null,
        details: { product: 'Kettle KET-1001', fault: 'Keeps boiling' },
      },
    ],
    [
      'document request',
      { kind: 'document', document: 'statement', period: '2026', notes: '' },
      {
        kind: 'document',
        subject: 'Document: An account statement',
        details: { document: 'statement', period: '2026' },
      },
    ],
    [
      'data correction',
      {
        kind: 'data_correction',
        field: 'legal_name',
        requested: 'Anna Maria Berg',
        explanation: 'Married last year',
      },
      {
        kind: 'data_correction',
        subject: 'Correction: Legal name',
        order_id: null,
        details: {
          field: 'legal_name',
          requested: 'Anna Maria Berg',
          explanation: 'Married last year',
        },
      },
    ],
  ])('creates a %s', async (_label, fields, expected) => {
    const customer = await signedInCustomer(database.db)
    const { idempotencyKey } = await openNewForm(customer.cookie, `?kind=${fields.kind}`)
    const location = redirectOf(await submitNew(customer.cookie, { ...fields, idempotencyKey }))
    const rows = await requestRows(customer.customerId)
    expect(rows).toHaveLength(1)
    expect(location).toBe(`/requests/${rows[0]!.request_number}?notice=created`)
    const { idempotency_key: key, ...details } = rows[0]!.details as Record<string, unknown>
    expect(key).toBe(idempotencyKey)
    expect({ ...rows[0], details }).toMatchObject(expected)
    const state = await requestState(database.db, rows[0]!.id)
    expect(state.history.map((row) => row.action)).toEqual(['created'])
  })

  test('a document request can be tied to one of the customer’s orders', async () => {
    const customer = await signedInCustomer(database.db)
    const order = await createTestOrder(database.db, customer.customerId)
    const form = await openNewForm(customer.cookie, `?kind=document&order=${order.orderNumber}`)
    expect(form.order?.orderNumber).toBe(order.orderNumber)
    redirectOf(
      await submitNew(customer.cookie, {
        kind: 'document',
        idempotencyKey: form.idempotencyKey,
        document: 'invoice_copy',
        orderNumber: order.orderNumber,
      }),
    )
    expect((await requestRows(customer.customerId))[0]?.order_id).toBe(order.id)
  })

  test.each<[string, Fields, Record<string, string[]>]>([
    [
      'a return without items, reason or outcome',
      { kind: 'return', orderNumber: 'O500001' },
      {
        lines: ['requests:errors.itemsRequired'],
        reason: ['requests:errors.reasonRequired'],
        outcome: ['requests:errors.outcomeRequired'],
      },
    ],
    [
      'a return without an order',
      { kind: 'return', lines: '1', reason: 'defective', outcome: 'refund' },
      { orderNumber: ['requests:errors.orderRequired'] },
    ],
    [
      'a return with an unknown reason',
      { kind: 'return', orderNumber: 'O1', lines: '1', reason: 'bored', outcome: 'cash' },
      {
        reason: ['requests:errors.reasonRequired'],
        outcome: ['requests:errors.outcomeRequired'],
      },
    ],
    [
      'a repair without product or fault',
      { kind: 'repair', product: '   ', fault: '' },
      {
        product: ['requests:errors.productRequired'],
        fault: ['requests:errors.faultRequired'],
      },
    ],
    [
      'a document request without a document',
      { kind: 'document', period: 'March' },
      { document: ['requests:errors.documentRequired'] },
    ],
    [
      'a data correction of a field that is not offered',
      { kind: 'data_correction', field: 'date_of_birth', requested: '' },
      {
        field: ['requests:errors.fieldRequired'],
        requested: ['requests:errors.requestedRequired'],
      },
    ],
    [
      'a data correction with a too long value',
      { kind: 'data_correction', field: 'address', requested: 'x'.repeat(501) },
      { requested: ['validation.tooLong'] },
    ],
    [
      'an account closure (not offered yet)',
      { kind: 'account_closure', reason: 'Moving abroad' },
      { kind: ['requests:errors.kindRequired'] },
    ],
  ])('answers %s with 400 and field errors, writing nothing', async (_label, fields, errors) => {
    const customer = await signedInCustomer(database.db)
    const { idempotencyKey } = await openNewForm(customer.cookie)
    const before = await databaseFingerprint(database.db)

    const { data, init } = dataOf(await submitNew(customer.cookie, { ...fields, idempotencyKey }))

    expect(init?.status).toBe(400)
    expect(data.error).toEqual(errors)
    // What was typed comes back, so the form keeps it.
    for (const [name, value] of Object.entries(fields)) {
      if (typeof value === 'string' && value.trim()) {
        expect(data.initialValue?.[name]).toBe(value)
      }
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('a missing or forged form key is refused', async () => {
    const customer = await signedInCustomer(database.db)
    const fields = { kind: 'repair', product: 'Kettle', fault: 'Broken' }
    for (const idempotencyKey of [undefined, 'not-a-key']) {
      const { data, init } = dataOf(
        await submitNew(customer.cookie, idempotencyKey ? { ...fields, idempotencyKey } : fields),
      )
      expect(init?.status).toBe(400)
      expect(data.error).toEqual({ idempotencyKey: ['requests:errors.formExpired'] })
    }
    expect(await requestRows(customer.customerId)).toEqual([])
  })

  test('another customer’s order number, or an unknown one, is a field error', async () => {
    const customer = await signedInCustomer(database.db)
    const stranger = await signedInCustomer(database.db)
    const foreign = await createTestOrder(database.db, stranger.customerId)
    const { idempotencyKey } = await openNewForm(customer.cookie)
    const before = await databaseFingerprint(database.db)

    const answers = []
    for (const [kind, orderNumber] of [
      ['return', foreign.orderNumber],
      ['return', 'O999999999'],
      ['repair', foreign.orderNumber],
      ['document', foreign.orderNumber],
    ] as const) {
      const fields: Fields = {
        kind,
        idempotencyKey,
        orderNumber,
        lines: '1',
        reason: 'defective',
        outcome: 'refund',
        product: 'Headphones',
        fault: 'Left ear is silent',
        document: 'invoice_copy',
      }
      const { data, init } = dataOf(await submitNew(customer.cookie, fields))
      expect(init?.status).toBe(400)
      expect(data.error).toEqual({ orderNumber: ['requests:errors.orderNotFound'] })
      answers.push(JSON.stringify(data.error))
    }
    expect(new Set(answers).size).toBe(1)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('lines that are not on the order are refused', async () => {
    const customer = await signedInCustomer(database.db)
    const order = await createTestOrder(database.db, customer.customerId)
    const { idempotencyKey } = await openNewForm(customer.cookie)
    const before = await databaseFingerprint(database.db)
    const { data, init } = dataOf(
      await submitNew(customer.cookie, {
        kind: 'return',
        idempotencyKey,
        orderNumber: order.orderNumber,
        lines: ['1', '7'],
        reason: 'damaged',
        outcome: 'refund',
      }),
    )
    expect(init?.status).toBe(400)
    expect(data.error).toEqual({ lines: ['requests:errors.lineNotOnOrder'] })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('the same form sent twice makes one request and leads both times to it', async () => {
    const customer = await signedInCustomer(database.db)
    const { idempotencyKey } = await openNewForm(customer.cookie, '?kind=repair')
    const fields = { kind: 'repair', idempotencyKey, product: 'Lamp', fault: 'Flickers' }

    const first = redirectOf(await submitNew(customer.cookie, fields))
    const second = redirectOf(await submitNew(customer.cookie, fields))

    expect(second).toBe(first)
    const rows = await requestRows(customer.customerId)
    expect(rows).toHaveLength(1)
    expect((await requestState(database.db, rows[0]!.id)).history).toHaveLength(1)

    // A new page view is a new form: a second request is intended.
    const again = await openNewForm(customer.cookie, '?kind=repair')
    redirectOf(
      await submitNew(customer.cookie, { ...fields, idempotencyKey: again.idempotencyKey }),
    )
    expect(await requestRows(customer.customerId)).toHaveLength(2)
  })

  test('signed out, the form sends to sign-in', async () => {
    const response = await thrownResponse(() =>
      newLoader(routeArgs(getRequest('/requests/new?kind=repair'))),
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe(
      `/login?redirectTo=${encodeURIComponent('/requests/new?kind=repair')}`,
    )
  })
})

describe('/requests', () => {
  test('lists only the customer’s own requests, newest first, with a status filter', async () => {
    await setRequestTargets(database.db)
    const customer = await customerWithRequest()
    await customerWithRequest()
    const { idempotencyKey } = await openNewForm(customer.cookie, '?kind=document')
    redirectOf(
      await submitNew(customer.cookie, { kind: 'document', idempotencyKey, document: 'contract' }),
    )
    const rows = await requestRows(customer.customerId)
    await moveTo(rows[0]!.id, ['cancelled'])

    const list = async (query = '') =>
      dataOf(
        await listLoader(routeArgs(getRequest(`/requests${query}`, { cookie: customer.cookie }))),
      ).data

    const all = await list()
    expect(all.requests.map((item) => [item.kind, item.status])).toEqual([
      ['document', 'submitted'],
      ['repair', 'cancelled'],
    ])
    expect(all.requests[0]?.dueAt).toBeInstanceOf(Date)
    expect(all.requests[1]?.dueAt).toBeNull()
    expect(all.nextCursor).toBeNull()

    const cancelled = await list('?status=cancelled')
    expect(cancelled.status).toBe('cancelled')
    expect(cancelled.requests.map((item) => item.requestNumber)).toEqual([customer.requestNumber])
    // An unknown status is no filter, not an error.
    expect((await list('?status=lost')).requests).toHaveLength(2)
  })

  test('a customer without requests gets the empty list', async () => {
    const customer = await signedInCustomer(database.db)
    const { data } = dataOf(
      await listLoader(routeArgs(getRequest('/requests', { cookie: customer.cookie }))),
    )
    expect(data.requests).toEqual([])
    expect(data.nextCursor).toBeNull()
  })
})

describe('/requests/:requestNumber', () => {
  const showAs = async (cookie: string, requestNumber: string, query = '') =>
    detailLoader(
      routeArgs(getRequest(`/requests/${requestNumber}${query}`, { cookie }), { requestNumber }),
    )

  const act = (cookie: string, requestNumber: string, fields: Fields) =>
    detailAction(routeArgs(post(`/requests/${requestNumber}`, fields, cookie), { requestNumber }))

  test('shows the request with its public timeline and the notice', async () => {
    const customer = await customerWithRequest()
    const { data } = dataOf(
      await showAs(customer.cookie, customer.requestNumber, '?notice=created'),
    )
    expect(data.notice).toBe('created')
    expect(data.request).toMatchObject({
      requestNumber: customer.requestNumber,
      kind: 'repair',
      status: 'submitted',
      details: { product: 'Kettle', fault: 'It does not switch off' },
      order: null,
    })
    expect(data.request.events.map((event) => event.toStatus)).toEqual(['submitted'])
    expect(JSON.stringify(data)).not.toContain('idempotency_key')
    // A made-up notice is ignored.
    expect(
      dataOf(await showAs(customer.cookie, customer.requestNumber, '?notice=x')).data.notice,
    ).toBeNull()
  })

  test('internal notes never reach the customer', async () => {
    const customer = await customerWithRequest()
    await changeRequestStatus(database.db, {
      requestId: customer.requestId,
      toStatus: 'in_review',
      note: 'Customer has asked for this three times before.',
      visibility: 'internal',
      actor: { kind: 'system' },
      channel: 'system',
    })
    const { data } = dataOf(await showAs(customer.cookie, customer.requestNumber))
    expect(data.request.status).toBe('in_review')
    expect(data.request.events.map((event) => event.toStatus)).toEqual(['submitted', 'in_review'])
    expect(JSON.stringify(data)).not.toContain('three times')
  })

  test('another customer’s request and an unknown one answer the same 404, changing nothing', async () => {
    const owner = await customerWithRequest()
    await moveTo(owner.requestId, ['in_review', 'waiting_for_customer'])
    const stranger = await signedInCustomer(database.db)
    const before = await databaseFingerprint(database.db)

    const attempts: (() => Promise<unknown>)[] = []
    for (const requestNumber of [owner.requestNumber, 'R999999999', 'x1']) {
      attempts.push(
        () => showAs(stranger.cookie, requestNumber),
        () => act(stranger.cookie, requestNumber, { intent: 'cancel' }),
        () => act(stranger.cookie, requestNumber, { intent: 'answer', answer: 'Here it is' }),
        // Invalid input does not tell a foreign request from an unknown one either.
        () => act(stranger.cookie, requestNumber, { intent: 'answer', answer: '' }),
        () => act(stranger.cookie, requestNumber, { intent: 'delete' }),
      )
    }
    for (const attempt of attempts) {
      const response = await thrownResponse(attempt)
      expect(response.status).toBe(404)
      expect(await response.text()).toBe('')
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('cancel works while submitted, then is refused with 409', async () => {
    const customer = await customerWithRequest()

    const location = redirectOf(
      await act(customer.cookie, customer.requestNumber, { intent: 'cancel' }),
    )
    expect(location).toBe(`/requests/${customer.requestNumber}?notice=cancelled`)
    const state = await requestState(database.db, customer.requestId)
    expect(state.request.status).toBe('cancelled')
    expect(state.history.map((row) => [row.action, row.before, row.after])).toEqual([
      ['created', null, expect.objectContaining({ status: 'submitted' })],
      ['cancelled', { status: 'submitted' }, { status: 'cancelled' }],
    ])

    const before = await databaseFingerprint(database.db)
    const { data, init } = dataOf(
      await act(customer.cookie, customer.requestNumber, { intent: 'cancel' }),
    )
    expect(init?.status).toBe(409)
    expect(data.intent).toBe('cancel')
    expect(data.result.error).toEqual({ '': ['requests:errors.cannotCancel'] })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('cancel is refused once we have started', async () => {
    const customer = await customerWithRequest()
    await moveTo(customer.requestId, ['in_review'])
    const before = await databaseFingerprint(database.db)
    const { init } = dataOf(
      await act(customer.cookie, customer.requestNumber, { intent: 'cancel' }),
    )
    expect(init?.status).toBe(409)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('an answer is taken only while waiting, and moves the request back to review', async () => {
    const customer = await customerWithRequest()

    // Not waiting yet: refused, and the typed answer comes back.
    const early = dataOf(
      await act(customer.cookie, customer.requestNumber, { intent: 'answer', answer: 'Hello' }),
    )
    expect(early.init?.status).toBe(409)
    expect(early.data.result.error).toEqual({ '': ['requests:errors.cannotAnswer'] })
    expect(early.data.result.initialValue?.answer).toBe('Hello')

    await moveTo(customer.requestId, ['in_review', 'waiting_for_customer'])
    const empty = dataOf(
      await act(customer.cookie, customer.requestNumber, { intent: 'answer', answer: '  ' }),
    )
    expect(empty.init?.status).toBe(400)
    expect(empty.data.result.error).toEqual({ answer: ['requests:errors.answerRequired'] })

    const before = await requestState(database.db, customer.requestId)
    const location = redirectOf(
      await act(customer.cookie, customer.requestNumber, {
        intent: 'answer',
        answer: '  The serial number is 12345.  ',
      }),
    )
    expect(location).toBe(`/requests/${customer.requestNumber}?notice=answered`)
    const after = await requestState(database.db, customer.requestId)
    expect(after.request.status).toBe('in_review')
    expect(after.request.version).toBe(before.request.version + 1)
    expect(after.events.at(-1)).toMatchObject({
      from_status: 'waiting_for_customer',
      to_status: 'in_review',
      note: 'The serial number is 12345.',
      actor_kind: 'customer',
      actor_id: customer.accountId,
    })
    expect(after.history.slice(before.history.length)).toEqual([
      expect.objectContaining({
        action: 'answered',
        channel: 'portal',
        before: { status: 'waiting_for_customer' },
        after: { status: 'in_review' },
      }),
    ])
    const { data } = dataOf(await showAs(customer.cookie, customer.requestNumber))
    expect(data.request.events.at(-1)).toMatchObject({
      actorKind: 'customer',
      note: 'The serial number is 12345.',
    })
  })
})

describe('SQL queries per page', () => {
  /** Queries of the route itself: the session is validated (and cached) before counting. */
  async function routeQueries(request: Request, run: (request: Request) => Promise<unknown>) {
    return runInRequestScope(async () => {
      await getOptionalUser(request)
      return (await countQueries(() => run(request))).queries
    })
  }

  test('each page and action runs a fixed, small number of queries', async () => {
    await setRequestTargets(database.db)
    const customer = await customerWithRequest()
    const order = await createTestOrder(database.db, customer.customerId)
    const get = (path: string) => getRequest(path, { cookie: customer.cookie })
    const counts = {
      list: await routeQueries(get('/requests'), (request) => listLoader(routeArgs(request))),
      listFiltered: await routeQueries(get('/requests?status=submitted'), (request) =>
        listLoader(routeArgs(request)),
      ),
      chooser: await routeQueries(get('/requests/new'), (request) => newLoader(routeArgs(request))),
      repairForm: await routeQueries(get('/requests/new?kind=repair'), (request) =>
        newLoader(routeArgs(request)),
      ),
      returnForm: await routeQueries(
        get(`/requests/new?kind=return&order=${order.orderNumber}`),
        (request) => newLoader(routeArgs(request)),
      ),
      detail: await routeQueries(get(`/requests/${customer.requestNumber}`), (request) =>
        detailLoader(routeArgs(request, { requestNumber: customer.requestNumber })),
      ),
      createReturn: await routeQueries(
        post(
          '/requests/new',
          {
            kind: 'return',
            idempotencyKey: crypto.randomUUID(),
            orderNumber: order.orderNumber,
            lines: '1',
            reason: 'defective',
            outcome: 'refund',
          },
          customer.cookie,
        ),
        (request) => newAction(routeArgs(request)),
      ),
      cancel: await routeQueries(
        post(`/requests/${customer.requestNumber}`, { intent: 'cancel' }, customer.cookie),
        (request) => detailAction(routeArgs(request, { requestNumber: customer.requestNumber })),
      ),
    }
    // Statements only: BEGIN and COMMIT are not counted, so the figures match on both engines.
    expect(counts).toEqual({
      list: 1,
      listFiltered: 1,
      chooser: 0,
      repairForm: 1,
      returnForm: 3,
      detail: 1,
      createReturn: 8,
      cancel: 4,
    })
    // And what signing in costs on top, once per request (shared with the root loader).
    const session = await countQueries(() => getOptionalUser(get('/requests')))
    expect(session.queries).toBeLessThanOrEqual(2)
  })
})
