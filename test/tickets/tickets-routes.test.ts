import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loader as listLoader } from '#app/routes/tickets._index.tsx'
import { action as newAction, loader as newLoader } from '#app/routes/tickets.new.tsx'
import {
  action as threadAction,
  loader as threadLoader,
} from '#app/routes/tickets.$ticketNumber.tsx'
import { loader as downloadLoader } from '#app/routes/tickets.$ticketNumber.attachments.$attachmentId.tsx'
import { ATTACHMENT_QUOTA_BYTES } from '#db/tickets.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import {
  addStaffMessage,
  answerOf,
  createTicket,
  multipartRequest,
  PDF_BYTES,
  PNG_BYTES,
  TEXT_BYTES,
  ticketRowCounts,
  useUploadsDir,
} from './ticket-fixtures.ts'

const database = useTestDatabase()
const uploads = useUploadsDir()

type Customer = Awaited<ReturnType<typeof signedInCustomer>>

function newTicketFields(overrides: Record<string, string> = {}) {
  return {
    category: 'product',
    subject: 'Kettle lid broke',
    message: 'The hinge snapped the first time I opened it.',
    idempotencyKey: crypto.randomUUID(),
    ...overrides,
  }
}

async function postNewTicket(
  customer: Customer,
  fields: Record<string, string>,
  files: { name: string; bytes: Uint8Array; type?: string }[] = [],
  options: { filesFirst?: boolean; query?: string } = {},
) {
  const request = multipartRequest(`/tickets/new${options.query ?? ''}`, fields, files, {
    cookie: customer.cookie,
    filesFirst: options.filesFirst,
  })
  return answerOf(() => newAction(routeArgs(request)))
}

async function postToTicket(
  customer: Customer,
  ticketNumber: string,
  fields: Record<string, string>,
  files?: { name: string; bytes: Uint8Array }[],
) {
  const url = `/tickets/${ticketNumber}`
  const request = files
    ? multipartRequest(url, fields, files, { cookie: customer.cookie })
    : formRequest(url, fields, { cookie: customer.cookie })
  return answerOf(() => threadAction(routeArgs(request, { ticketNumber })))
}

async function loadThread(customer: Customer, ticketNumber: string) {
  const result = await threadLoader(
    routeArgs(getRequest(`/tickets/${ticketNumber}`, { cookie: customer.cookie }), {
      ticketNumber,
    }),
  )
  return result.data
}

async function download(customer: Customer, ticketNumber: string, attachmentId: string) {
  return answerOf(() =>
    downloadLoader(
      routeArgs(
        getRequest(`/tickets/${ticketNumber}/attachments/${attachmentId}`, {
          cookie: customer.cookie,
        }),
        { ticketNumber, attachmentId },
      ),
    ),
  )
}

async function ticketRow(ticketNumber: string) {
  return database.db
    .selectFrom('tickets')
    .select(['id', 'status', 'priority', 'version', 'rating', 'order_id', 'request_id'])
    .where('ticket_number', '=', ticketNumber)
    .executeTakeFirstOrThrow()
}

function ticketNumberFrom(location: string | null): string {
  const match = /^\/tickets\/(T\d+)$/.exec(location ?? '')
  if (!match?.[1]) throw new Error(`Expected a redirect to a ticket, got ${location}`)
  return match[1]
}

/** The field errors of a Conform reply. */
function errorsOf(data: unknown): Record<string, string[] | null> {
  return (data as { error?: Record<string, string[] | null> }).error ?? {}
}

/** The reply a thread action sent back for its form. */
function threadErrorsOf(data: unknown) {
  const answer = data as { intent: string | null; result: { error?: Record<string, string[]> } }
  return { intent: answer.intent, errors: answer.result.error ?? {} }
}

describe('opening a ticket', () => {
  it('opens a ticket with its first message, event and history in one go', async () => {
    const anna = await signedInCustomer(database.db)
    const before = await ticketRowCounts(database.db)

    const answer = await postNewTicket(anna, newTicketFields())

    expect(answer.status).toBe(302)
    const ticketNumber = ticketNumberFrom(answer.location)
    const ticket = await ticketRow(ticketNumber)
    expect(ticket).toMatchObject({ status: 'open', priority: 'normal', version: 1 })
    expect(await ticketRowCounts(database.db)).toEqual({
      ...before,
      tickets: before.tickets + 1,
      messages: before.messages + 1,
      events: before.events + 1,
      history: before.history + 1,
    })
    const history = await database.db
      .selectFrom('record_history')
      .select([
        'customer_id',
        'entity_type',
        'action',
        'actor_kind',
        'actor_id',
        'channel',
        'after',
      ])
      .where('entity_id', '=', ticket.id)
      .execute()
    expect(history).toEqual([
      {
        customer_id: anna.customerId,
        entity_type: 'ticket',
        action: 'opened',
        actor_kind: 'customer',
        actor_id: anna.accountId,
        channel: 'portal',
        after: { status: 'open', subject: 'Kettle lid broke', category: 'product' },
      },
    ])
    // The message body stays out of history.
    expect(JSON.stringify(history)).not.toContain('hinge')
    const stored = await database.db
      .selectFrom('tickets')
      .select(['last_customer_message_at', 'created_at'])
      .where('id', '=', ticket.id)
      .executeTakeFirstOrThrow()
    expect(stored.last_customer_message_at).toEqual(stored.created_at)

    const thread = await loadThread(anna, ticketNumber)
    expect(thread.thread.messages).toEqual([
      expect.objectContaining({
        author: 'you',
        body: 'The hinge snapped the first time I opened it.',
        attachments: [],
      }),
    ])
  })

  it('stores attachments by their bytes and serves them back as downloads', async () => {
    const anna = await signedInCustomer(database.db)
    const answer = await postNewTicket(anna, newTicketFields(), [
      { name: 'lid.png', bytes: PNG_BYTES, type: 'image/png' },
      // A declared type that lies: the bytes decide.
      { name: 'notes.txt', bytes: TEXT_BYTES, type: 'application/x-msdownload' },
      { name: 'receipt.PDF', bytes: PDF_BYTES },
    ])
    const ticketNumber = ticketNumberFrom(answer.location)

    const rows = await database.db
      .selectFrom('ticket_attachments')
      .innerJoin('ticket_messages', 'ticket_messages.id', 'ticket_attachments.message_id')
      .innerJoin('tickets', 'tickets.id', 'ticket_messages.ticket_id')
      .select([
        'ticket_attachments.id',
        'ticket_attachments.customer_id',
        'ticket_attachments.file_name',
        'ticket_attachments.content_type',
        'ticket_attachments.size_bytes',
        'ticket_attachments.sha256',
        'ticket_attachments.storage_key',
      ])
      .where('tickets.ticket_number', '=', ticketNumber)
      .orderBy('ticket_attachments.file_name')
      .execute()
    expect(rows.map((row) => [row.file_name, row.content_type, row.size_bytes])).toEqual([
      ['lid.png', 'image/png', PNG_BYTES.byteLength],
      ['notes.txt', 'text/plain; charset=utf-8', TEXT_BYTES.byteLength],
      ['receipt.PDF', 'application/pdf', PDF_BYTES.byteLength],
    ])
    for (const row of rows) {
      expect(row.customer_id).toBe(anna.customerId)
      // A random key, never the uploader's file name.
      expect(row.storage_key).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{32}$/)
      const onDisk = readFileSync(path.join(uploads.dir, row.storage_key))
      expect(createHash('sha256').update(onDisk).digest('hex')).toBe(row.sha256)
    }

    const thread = await loadThread(anna, ticketNumber)
    const listed = thread.thread.messages[0]?.attachments ?? []
    expect(listed.map((attachment) => attachment.fileName).sort()).toEqual([
      'lid.png',
      'notes.txt',
      'receipt.PDF',
    ])
    // Only what the page shows: no storage keys or hashes in the loader's output.
    expect(JSON.stringify(thread)).not.toContain(rows[0]?.storage_key ?? 'x')
    expect(JSON.stringify(thread)).not.toContain(rows[0]?.sha256 ?? 'x')

    const png = rows.find((row) => row.file_name === 'lid.png')
    const served = await download(anna, ticketNumber, png?.id ?? '')
    expect(served.status).toBe(200)
    const headers = served.response?.headers
    expect(headers?.get('Content-Type')).toBe('image/png')
    expect(headers?.get('Content-Disposition')).toBe(
      `attachment; filename="lid.png"; filename*=UTF-8''lid.png`,
    )
    expect(headers?.get('X-Content-Type-Options')).toBe('nosniff')
    expect(headers?.get('Cache-Control')).toBe('private, no-store')
    expect(new Uint8Array(await (served.response as Response).arrayBuffer())).toEqual(PNG_BYTES)
  })

  it('encodes a file name with non-ASCII characters for the download header', async () => {
    const anna = await signedInCustomer(database.db)
    const answer = await postNewTicket(anna, newTicketFields(), [
      { name: "Größe (final) 'v2'.txt", bytes: TEXT_BYTES },
    ])
    const ticketNumber = ticketNumberFrom(answer.location)
    const thread = await loadThread(anna, ticketNumber)
    const attachment = thread.thread.messages[0]?.attachments[0]
    const served = await download(anna, ticketNumber, attachment?.id ?? '')
    expect(served.response?.headers.get('Content-Disposition')).toBe(
      `attachment; filename="Gr__e (final) 'v2'.txt"; ` +
        `filename*=UTF-8''Gr%C3%B6%C3%9Fe%20%28final%29%20%27v2%27.txt`,
    )
    expect(served.response?.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
  })

  it.each([
    ['PNG bytes under a .pdf name', 'scan.pdf', PNG_BYTES, 'tickets:errors.wrongType'],
    [
      'random bytes under a .pdf name',
      'invoice.pdf',
      new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0xff, 0xfe]),
      'tickets:errors.wrongType',
    ],
    ['text under an .exe name', 'run.exe', TEXT_BYTES, 'tickets:errors.wrongType'],
    ['an HTML page under an .html name', 'x.html', TEXT_BYTES, 'tickets:errors.wrongType'],
    ['an empty file', 'empty.txt', new Uint8Array(), 'tickets:errors.empty'],
    [
      'a file over 5 MB',
      'huge.png',
      (() => {
        const bytes = new Uint8Array(5 * 1024 * 1024 + 1)
        bytes.set(PNG_BYTES)
        return bytes
      })(),
      'tickets:errors.tooLarge',
    ],
  ])('refuses %s with a field error and stores nothing', async (_, name, bytes, error) => {
    const anna = await signedInCustomer(database.db)
    const before = await ticketRowCounts(database.db)
    const filesBefore = uploads.fileCount()

    // Files first: after a refused file, the fields that follow are still read and kept.
    const answer = await postNewTicket(anna, newTicketFields(), [{ name, bytes }], {
      filesFirst: true,
    })

    expect(answer.status).toBe(400)
    expect(errorsOf(answer.data).attachments).toEqual([error])
    expect(answer.data).toMatchObject({
      initialValue: { subject: 'Kettle lid broke', category: 'product' },
    })
    expect(await ticketRowCounts(database.db)).toEqual(before)
    expect(uploads.fileCount()).toBe(filesBefore)
  })

  it('refuses a file past the customer’s attachment quota and stores nothing', async () => {
    const anna = await signedInCustomer(database.db)
    const { ticketId } = await createTicket(database.db, anna)
    const message = await database.db
      .selectFrom('ticket_messages')
      .select('id')
      .where('ticket_id', '=', ticketId)
      .executeTakeFirstOrThrow()
    // What she already keeps: a few bytes short of the quota.
    await database.db
      .insertInto('ticket_attachments')
      .values({
        message_id: message.id,
        customer_id: anna.customerId,
        file_name: 'earlier.pdf',
        content_type: 'application/pdf',
        size_bytes: ATTACHMENT_QUOTA_BYTES - 10,
        sha256: '0'.repeat(64),
        storage_key: 'earlier-upload',
      })
      .execute()
    const before = await ticketRowCounts(database.db)
    const filesBefore = uploads.fileCount()

    const answer = await postNewTicket(anna, newTicketFields(), [
      { name: 'lid.png', bytes: PNG_BYTES },
    ])

    expect(answer.status).toBe(409)
    expect(answer.data).toMatchObject({ error: { '': ['tickets:errors.quotaFull'] } })
    expect(await ticketRowCounts(database.db)).toEqual(before)
    expect(uploads.fileCount()).toBe(filesBefore)
    // Without the file the same question goes through.
    expect((await postNewTicket(anna, newTicketFields())).status).toBe(302)
  })

  it('refuses more than three files', async () => {
    const anna = await signedInCustomer(database.db)
    const before = await ticketRowCounts(database.db)
    const filesBefore = uploads.fileCount()
    const file = { name: 'a.png', bytes: PNG_BYTES }

    const answer = await postNewTicket(anna, newTicketFields(), [file, file, file, file])

    expect(answer.status).toBe(400)
    expect(errorsOf(answer.data).attachments).toEqual(['tickets:errors.tooMany'])
    expect(await ticketRowCounts(database.db)).toEqual(before)
    expect(uploads.fileCount()).toBe(filesBefore)
  })

  it('answers missing fields with field errors and keeps what was typed', async () => {
    const anna = await signedInCustomer(database.db)
    const before = await ticketRowCounts(database.db)
    const answer = await postNewTicket(
      anna,
      newTicketFields({ category: 'weather', subject: '   ', message: 'Still here' }),
    )
    expect(answer.status).toBe(400)
    expect(errorsOf(answer.data)).toMatchObject({
      category: ['tickets:errors.categoryRequired'],
      subject: ['tickets:errors.subjectRequired'],
    })
    expect(answer.data).toMatchObject({ initialValue: { message: 'Still here' } })
    expect(await ticketRowCounts(database.db)).toEqual(before)

    const noKey = await postNewTicket(anna, { ...newTicketFields(), idempotencyKey: 'x' })
    expect(noKey.status).toBe(400)
    expect(errorsOf(noKey.data).idempotencyKey).toEqual(['tickets:errors.formExpired'])
  })

  it('links an order or a request of the customer, and 404s for anyone else’s', async () => {
    const anna = await signedInCustomer(database.db)
    const bob = await signedInCustomer(database.db)
    const order = await database.db
      .insertInto('orders')
      .values({
        customer_id: anna.customerId,
        currency: 'EUR',
        subtotal_minor: 100,
        total_minor: 100,
      })
      .returning(['id', 'order_number'])
      .executeTakeFirstOrThrow()
    const request = await database.db
      .insertInto('requests')
      .values({ customer_id: anna.customerId, kind: 'return', subject: 'Return the kettle' })
      .returning(['id', 'request_number'])
      .executeTakeFirstOrThrow()
    const query = `?order=${order.order_number}&request=${request.request_number}`

    const page = await newLoader(
      routeArgs(getRequest(`/tickets/new${query}`, { cookie: anna.cookie })),
    )
    expect(page.data).toMatchObject({
      orderNumber: order.order_number,
      requestNumber: request.request_number,
    })
    expect(page.data.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/)

    const answer = await postNewTicket(
      anna,
      newTicketFields({ order: order.order_number, request: request.request_number }),
    )
    const ticket = await ticketRow(ticketNumberFrom(answer.location))
    expect(ticket).toMatchObject({ order_id: order.id, request_id: request.id })
    const thread = await loadThread(anna, ticketNumberFrom(answer.location))
    expect(thread.thread.ticket).toMatchObject({
      orderNumber: order.order_number,
      requestNumber: request.request_number,
    })

    // Bob cannot see Anna's order or request through the form, nor link to them.
    const before = await ticketRowCounts(database.db)
    for (const search of [`?order=${order.order_number}`, `?request=${request.request_number}`]) {
      const foreign = await answerOf(() =>
        newLoader(routeArgs(getRequest(`/tickets/new${search}`, { cookie: bob.cookie }))),
      )
      const unknown = await answerOf(() =>
        newLoader(routeArgs(getRequest(`/tickets/new${search}9`, { cookie: bob.cookie }))),
      )
      expect([foreign.status, unknown.status]).toEqual([404, 404])
    }
    const linkAttempts: Record<string, string>[] = [
      { order: order.order_number },
      { request: request.request_number },
      { order: 'O999999999' },
    ]
    for (const link of linkAttempts) {
      const refused = await postNewTicket(bob, newTicketFields(link))
      expect(refused.status).toBe(404)
    }
    expect(await ticketRowCounts(database.db)).toEqual(before)
  })
})

describe('double submission', () => {
  it('opens one ticket for the same form posted twice, one after the other', async () => {
    const anna = await signedInCustomer(database.db)
    const fields = newTicketFields()
    const before = await ticketRowCounts(database.db)
    const filesBefore = uploads.fileCount()

    const first = await postNewTicket(anna, fields, [{ name: 'lid.png', bytes: PNG_BYTES }])
    const second = await postNewTicket(anna, fields, [{ name: 'lid.png', bytes: PNG_BYTES }])

    expect(second.location).toBe(first.location)
    expect(await ticketRowCounts(database.db)).toEqual({
      ...before,
      tickets: before.tickets + 1,
      messages: before.messages + 1,
      attachments: before.attachments + 1,
      events: before.events + 1,
      history: before.history + 1,
    })
    // The second post's copy of the file was removed again.
    expect(uploads.fileCount() - filesBefore).toBe(1)
  })

  it('opens one ticket for the same form posted 20 times at the same time', async () => {
    const anna = await signedInCustomer(database.db)
    const fields = newTicketFields()
    const before = await ticketRowCounts(database.db)

    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        postNewTicket(anna, fields, [{ name: 'lid.png', bytes: PNG_BYTES }]),
      ),
    )

    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(302))
    expect(new Set(answers.map((answer) => answer.location)).size).toBe(1)
    const after = await ticketRowCounts(database.db)
    expect(after.tickets - before.tickets).toBe(1)
    expect(after.messages - before.messages).toBe(1)
    expect(after.attachments - before.attachments).toBe(1)
    expect(after.history - before.history).toBe(1)
  })

  it('adds one message for the same reply posted twice, in turn and at once', async () => {
    const anna = await signedInCustomer(database.db)
    const { ticketNumber } = await createTicket(database.db, anna)
    const before = await ticketRowCounts(database.db)
    const reply = { intent: 'reply', message: 'Any news?', idempotencyKey: crypto.randomUUID() }

    const first = await postToTicket(anna, ticketNumber, reply, [])
    const second = await postToTicket(anna, ticketNumber, reply, [])
    expect([first.status, second.status]).toEqual([302, 302])

    const together = { ...reply, idempotencyKey: crypto.randomUUID(), message: 'Hello?' }
    const answers = await Promise.all([
      postToTicket(anna, ticketNumber, together, [{ name: 'a.png', bytes: PNG_BYTES }]),
      postToTicket(anna, ticketNumber, together, [{ name: 'a.png', bytes: PNG_BYTES }]),
    ])
    expect(answers.map((answer) => answer.status)).toEqual([302, 302])

    const after = await ticketRowCounts(database.db)
    expect(after.messages - before.messages).toBe(2)
    expect(after.attachments - before.attachments).toBe(1)
    expect(after.history - before.history).toBe(2)
    const bodies = (await loadThread(anna, ticketNumber)).thread.messages.map((m) => m.body)
    expect(bodies).toEqual(['It has been a week.', 'Any news?', 'Hello?'])
  })
})

describe('the thread', () => {
  it('never shows internal notes or their attachments', async () => {
    const anna = await signedInCustomer(database.db)
    const staff = await createStaffAccount(database.db, { displayName: 'Maja Support' })
    const { ticketId, ticketNumber } = await createTicket(database.db, anna)
    const note = await addStaffMessage(
      database.db,
      ticketId,
      { accountId: staff.accountId, customerId: anna.customerId },
      { visibility: 'internal', body: 'SECRET: carrier case 88123', file: 'carrier.txt' },
    )
    const publicReply = await addStaffMessage(
      database.db,
      ticketId,
      { accountId: staff.accountId, customerId: anna.customerId },
      {
        visibility: 'public',
        body: 'We asked the carrier. See https://track.example/88 for updates.',
        file: 'label.txt',
      },
    )

    const page = await loadThread(anna, ticketNumber)
    const output = JSON.stringify(page)
    expect(output).not.toContain('SECRET')
    expect(output).not.toContain('carrier.txt')
    expect(output).not.toContain(note.messageId)
    expect(page.thread.messages.map((m) => [m.author, m.staffName, m.body])).toEqual([
      ['you', null, 'It has been a week.'],
      ['staff', 'Maja Support', 'We asked the carrier. See https://track.example/88 for updates.'],
    ])

    expect((await download(anna, ticketNumber, note.attachmentId ?? '')).status).toBe(404)
    expect((await download(anna, ticketNumber, publicReply.attachmentId ?? '')).status).toBe(200)
  })

  it('shows the first-response promise until staff answered, then the resolution one', async () => {
    const anna = await signedInCustomer(database.db)
    await database.db
      .insertInto('service_targets')
      .values({
        subject_kind: 'ticket_priority',
        subject_value: 'normal',
        first_response_minutes: 480,
        resolution_minutes: 2880,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['subject_kind', 'subject_value'])
          .doUpdateSet({ first_response_minutes: 480, resolution_minutes: 2880 }),
      )
      .execute()
    const { ticketId, ticketNumber } = await createTicket(database.db, anna)
    const { created_at: createdAt } = await database.db
      .selectFrom('tickets')
      .select('created_at')
      .where('id', '=', ticketId)
      .executeTakeFirstOrThrow()

    const first = await loadThread(anna, ticketNumber)
    expect(first).toMatchObject({ thread: { dueKind: 'firstResponse' }, overdue: false })
    expect(first.thread.dueAt?.getTime()).toBe(createdAt.getTime() + 480 * 60_000)

    await database.db
      .updateTable('tickets')
      .set({ first_response_at: new Date() })
      .where('id', '=', ticketId)
      .execute()
    const second = await loadThread(anna, ticketNumber)
    expect(second.thread.dueKind).toBe('resolution')
    expect(second.thread.dueAt?.getTime()).toBe(createdAt.getTime() + 2880 * 60_000)

    const list = await listLoader(routeArgs(getRequest('/tickets', { cookie: anna.cookie })))
    expect(list.data.tickets).toEqual([
      expect.objectContaining({ ticketNumber, dueKind: 'resolution', dueAt: second.thread.dueAt }),
    ])
  })
})

describe('replying, closing, reopening and rating', () => {
  async function statusOf(ticketNumber: string) {
    return (await ticketRow(ticketNumber)).status
  }

  it('moves through every customer transition and refuses the rest with 409', async () => {
    const anna = await signedInCustomer(database.db)
    const { ticketNumber } = await createTicket(database.db, anna, {
      status: 'waiting_on_customer',
    })
    const reply = (message: string) => ({
      intent: 'reply',
      message,
      idempotencyKey: crypto.randomUUID(),
    })

    // Waiting on the customer: their reply puts it back with us.
    expect((await postToTicket(anna, ticketNumber, reply('Here is the photo.'), [])).location).toBe(
      `/tickets/${ticketNumber}`,
    )
    expect(await statusOf(ticketNumber)).toBe('open')

    // Open: cannot be reopened or rated.
    for (const [fields, reason] of [
      [{ intent: 'reopen' }, 'tickets:errors.notReopenable'],
      [{ intent: 'rate', rating: '5' }, 'tickets:errors.notRatable'],
    ] as const) {
      const refused = await postToTicket(anna, ticketNumber, fields)
      expect(refused.status).toBe(409)
      expect(threadErrorsOf(refused.data)).toEqual({
        intent: fields.intent,
        errors: { '': [reason] },
      })
    }

    // Resolved by staff; a reply reopens it.
    await database.db
      .updateTable('tickets')
      .set({ status: 'resolved', resolved_at: new Date() })
      .where('ticket_number', '=', ticketNumber)
      .execute()
    await postToTicket(anna, ticketNumber, reply('Not fixed after all.'), [])
    expect(await ticketRow(ticketNumber)).toMatchObject({ status: 'open' })

    // Close; a closed ticket refuses replies and a second close.
    expect((await postToTicket(anna, ticketNumber, { intent: 'close' })).status).toBe(302)
    expect(await statusOf(ticketNumber)).toBe('closed')
    const closedReply = await postToTicket(anna, ticketNumber, reply('Hello?'), [])
    expect(closedReply.status).toBe(409)
    expect(threadErrorsOf(closedReply.data).errors['']).toEqual(['tickets:errors.replyClosed'])
    expect((await postToTicket(anna, ticketNumber, { intent: 'close' })).status).toBe(409)

    // Rate once: a bad rating is a field error, the second rating a refusal.
    const badRating = await postToTicket(anna, ticketNumber, { intent: 'rate', rating: '9' })
    expect(badRating.status).toBe(400)
    expect(threadErrorsOf(badRating.data).errors.rating).toEqual(['tickets:errors.ratingRequired'])
    const rated = await postToTicket(anna, ticketNumber, {
      intent: 'rate',
      rating: '4',
      comment: 'Quick, thanks',
    })
    expect(rated.status).toBe(302)
    expect(await ticketRow(ticketNumber)).toMatchObject({ status: 'closed', rating: 4 })
    const again = await postToTicket(anna, ticketNumber, { intent: 'rate', rating: '1' })
    expect(again.status).toBe(409)
    expect(threadErrorsOf(again.data).errors['']).toEqual(['tickets:errors.alreadyRated'])

    // Reopen a closed ticket.
    expect((await postToTicket(anna, ticketNumber, { intent: 'reopen' })).status).toBe(302)
    expect(await ticketRow(ticketNumber)).toMatchObject({ status: 'open', rating: 4 })

    const ticket = await ticketRow(ticketNumber)
    const history = await database.db
      .selectFrom('record_history')
      .select(['action', 'before', 'after'])
      .where('entity_id', '=', ticket.id)
      .orderBy('id')
      .execute()
    expect(history).toEqual([
      { action: 'opened', before: null, after: expect.objectContaining({ status: 'open' }) },
      {
        action: 'replied',
        before: { status: 'waiting_on_customer' },
        after: { status: 'open' },
      },
      { action: 'replied', before: { status: 'resolved' }, after: { status: 'open' } },
      { action: 'closed', before: { status: 'open' }, after: { status: 'closed' } },
      { action: 'rated', before: null, after: { rating: 4 } },
      { action: 'reopened', before: { status: 'closed' }, after: { status: 'open' } },
    ])
    const events = await database.db
      .selectFrom('ticket_events')
      .select(['kind', 'from_value', 'to_value', 'actor_kind'])
      .where('ticket_id', '=', ticket.id)
      .orderBy('id')
      .execute()
    expect(events.map((event) => [event.kind, event.from_value, event.to_value])).toEqual([
      ['created', null, 'open'],
      ['status_changed', 'waiting_on_customer', 'open'],
      ['status_changed', 'resolved', 'open'],
      ['status_changed', 'open', 'closed'],
      ['rated', null, '4'],
      ['status_changed', 'closed', 'open'],
    ])
    // One version per change: created at 1, then 5 changes through the portal.
    expect(ticket.version).toBe(1 + 1 + 1 + 1 + 1 + 1)
  })

  it('answers an unknown intent with 400 and changes nothing', async () => {
    const anna = await signedInCustomer(database.db)
    const { ticketNumber } = await createTicket(database.db, anna)
    const before = await ticketRowCounts(database.db)
    const answer = await postToTicket(anna, ticketNumber, { intent: 'delete' })
    expect(answer.status).toBe(400)
    expect(threadErrorsOf(answer.data)).toEqual({
      intent: null,
      errors: { '': ['tickets:errors.unknownAction'] },
    })
    expect(await ticketRowCounts(database.db)).toEqual(before)
  })

  it('refuses a bad file in a reply with a field error and adds nothing', async () => {
    const anna = await signedInCustomer(database.db)
    const { ticketNumber } = await createTicket(database.db, anna)
    const before = await ticketRowCounts(database.db)
    const filesBefore = uploads.fileCount()
    const answer = await postToTicket(
      anna,
      ticketNumber,
      { intent: 'reply', message: 'See attached', idempotencyKey: crypto.randomUUID() },
      [{ name: 'photo.jpg', bytes: PNG_BYTES }],
    )
    expect(answer.status).toBe(400)
    expect(threadErrorsOf(answer.data).errors.attachments).toEqual(['tickets:errors.wrongType'])
    expect(await ticketRowCounts(database.db)).toEqual(before)
    expect(uploads.fileCount()).toBe(filesBefore)
  })
})

describe('another customer’s ticket, or an unknown one', () => {
  it('answers the same 404 everywhere and changes nothing', async () => {
    const anna = await signedInCustomer(database.db)
    const bob = await signedInCustomer(database.db)
    const { ticketId, ticketNumber } = await createTicket(database.db, anna, { status: 'resolved' })
    const staff = await createStaffAccount(database.db)
    const { attachmentId } = await addStaffMessage(
      database.db,
      ticketId,
      { accountId: staff.accountId, customerId: anna.customerId },
      { visibility: 'public', body: 'Your label', file: 'label.txt' },
    )
    const before = await ticketRowCounts(database.db)
    const filesBefore = uploads.fileCount()
    const unknownNumber = 'T999999999'

    const statuses: Record<string, number[]> = {}
    for (const number of [ticketNumber, unknownNumber]) {
      const record = (name: string, status: number) => {
        statuses[name] = [...(statuses[name] ?? []), status]
      }
      record(
        'loader',
        (
          await answerOf(() =>
            threadLoader(
              routeArgs(getRequest(`/tickets/${number}`, { cookie: bob.cookie }), {
                ticketNumber: number,
              }),
            ),
          )
        ).status,
      )
      const reply = {
        intent: 'reply',
        message: 'Let me in',
        idempotencyKey: crypto.randomUUID(),
      }
      record(
        'reply',
        (await postToTicket(bob, number, reply, [{ name: 'a.png', bytes: PNG_BYTES }])).status,
      )
      for (const intent of ['close', 'reopen']) {
        record(intent, (await postToTicket(bob, number, { intent })).status)
      }
      record('rate', (await postToTicket(bob, number, { intent: 'rate', rating: '1' })).status)
      record('download', (await download(bob, number, attachmentId ?? '')).status)
    }
    // Also a well-formed but unknown attachment id, and a malformed one, on Anna's own ticket.
    statuses.unknownAttachment = [
      (await download(anna, ticketNumber, crypto.randomUUID())).status,
      (await download(anna, ticketNumber, 'not-a-uuid')).status,
    ]

    expect(statuses).toEqual({
      loader: [404, 404],
      reply: [404, 404],
      close: [404, 404],
      reopen: [404, 404],
      rate: [404, 404],
      download: [404, 404],
      unknownAttachment: [404, 404],
    })
    expect(await ticketRowCounts(database.db)).toEqual(before)
    expect(uploads.fileCount()).toBe(filesBefore)
    expect(await ticketRow(ticketNumber)).toMatchObject({ status: 'resolved', rating: null })
    // Anna still sees her own ticket and file.
    expect((await download(anna, ticketNumber, attachmentId ?? '')).status).toBe(200)
  })

  it('lists only the signed-in customer’s tickets', async () => {
    const anna = await signedInCustomer(database.db)
    const bob = await signedInCustomer(database.db)
    const annas = await createTicket(database.db, anna, { subject: 'Anna asks' })
    await createTicket(database.db, bob, { subject: 'Bob asks' })
    const list = await listLoader(routeArgs(getRequest('/tickets', { cookie: anna.cookie })))
    expect(list.data.tickets.map((ticket) => ticket.ticketNumber)).toEqual([annas.ticketNumber])
  })
})

describe('signed out', () => {
  it('sends every page and action to the sign-in page', async () => {
    const args = (request: Request) => routeArgs(request, { ticketNumber: 'T1', attachmentId: 'x' })
    const results = await Promise.all([
      answerOf(() => listLoader(args(getRequest('/tickets')))),
      answerOf(() => newLoader(args(getRequest('/tickets/new')))),
      answerOf(() => newAction(args(multipartRequest('/tickets/new', newTicketFields(), [])))),
      answerOf(() => threadLoader(args(getRequest('/tickets/T1')))),
      answerOf(() => threadAction(args(formRequest('/tickets/T1', { intent: 'close' })))),
      answerOf(() => downloadLoader(args(getRequest('/tickets/T1/attachments/x')))),
    ])
    for (const result of results) {
      expect(result.status).toBe(302)
      expect(result.location).toMatch(/^\/login\?redirectTo=/)
    }
  })
})
