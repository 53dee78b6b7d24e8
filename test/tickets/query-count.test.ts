import { describe, expect, it } from 'vitest'
import { loader as listLoader } from '#app/routes/tickets._index.tsx'
import { action as newAction, loader as newLoader } from '#app/routes/tickets.new.tsx'
import {
  action as threadAction,
  loader as threadLoader,
} from '#app/routes/tickets.$ticketNumber.tsx'
import { loader as downloadLoader } from '#app/routes/tickets.$ticketNumber.attachments.$attachmentId.tsx'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import { countQueries } from '#db/query-count.ts'
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
  createTicket,
  multipartRequest,
  PNG_BYTES,
  useUploadsDir,
} from './ticket-fixtures.ts'

// Counts the SQL statements each page and action sends per request, the session check
// included (BEGIN and COMMIT are not statements Kysely compiles, so they are not counted). The
// thread page must cost the same for a long conversation as for a short one.

const database = useTestDatabase()
useUploadsDir()

/** Statements one request runs, in a request scope as our server runs it. */
async function count(run: () => Promise<unknown>): Promise<number> {
  const { queries } = await countQueries(() =>
    runInRequestScope(async () => {
      try {
        await run()
      } catch (error) {
        if (!(error instanceof Response)) throw error
      }
    }),
  )
  return queries
}

describe('SQL statements per request', () => {
  it('stays fixed whatever the number of tickets, messages and attachments', async () => {
    const anna = await signedInCustomer(database.db)
    const staff = await createStaffAccount(database.db)
    const short = await createTicket(database.db, anna)
    const long = await createTicket(database.db, anna)
    let attachmentId = ''
    for (let index = 0; index < 6; index++) {
      const added = await addStaffMessage(
        database.db,
        long.ticketId,
        { accountId: staff.accountId, customerId: anna.customerId },
        { visibility: index % 2 ? 'internal' : 'public', body: `Message ${index}`, file: 'a.txt' },
      )
      if (index === 0) attachmentId = added.attachmentId ?? ''
    }
    const order = await database.db
      .insertInto('orders')
      .values({ customer_id: anna.customerId, currency: 'EUR', subtotal_minor: 1, total_minor: 1 })
      .returning('order_number')
      .executeTakeFirstOrThrow()
    const get = (path: string, params: Record<string, string> = {}) =>
      routeArgs(getRequest(path, { cookie: anna.cookie }), params)

    const counts = {
      list: await count(() => listLoader(get('/tickets'))),
      listFiltered: await count(() => listLoader(get('/tickets?status=open'))),
      newForm: await count(() => newLoader(get('/tickets/new'))),
      newFormForOrder: await count(() =>
        newLoader(get(`/tickets/new?order=${order.order_number}`)),
      ),
      threadShort: await count(() =>
        threadLoader(get(`/tickets/${short.ticketNumber}`, { ticketNumber: short.ticketNumber })),
      ),
      threadLong: await count(() =>
        threadLoader(get(`/tickets/${long.ticketNumber}`, { ticketNumber: long.ticketNumber })),
      ),
      download: await count(() =>
        downloadLoader(
          get(`/tickets/${long.ticketNumber}/attachments/${attachmentId}`, {
            ticketNumber: long.ticketNumber,
            attachmentId,
          }),
        ),
      ),
      openTicket: await count(() =>
        newAction(
          routeArgs(
            multipartRequest(
              '/tickets/new',
              {
                category: 'other',
                subject: 'Hi',
                message: 'Hello',
                idempotencyKey: crypto.randomUUID(),
              },
              [
                { name: 'a.png', bytes: PNG_BYTES },
                { name: 'b.png', bytes: PNG_BYTES },
              ],
              { cookie: anna.cookie },
            ),
          ),
        ),
      ),
      reply: await count(() =>
        threadAction(
          routeArgs(
            multipartRequest(
              `/tickets/${long.ticketNumber}`,
              { intent: 'reply', message: 'Thanks', idempotencyKey: crypto.randomUUID() },
              [{ name: 'a.png', bytes: PNG_BYTES }],
              { cookie: anna.cookie },
            ),
            { ticketNumber: long.ticketNumber },
          ),
        ),
      ),
      close: await count(() =>
        threadAction(
          routeArgs(
            formRequest(
              `/tickets/${long.ticketNumber}`,
              { intent: 'close' },
              { cookie: anna.cookie },
            ),
            { ticketNumber: long.ticketNumber },
          ),
        ),
      ),
    }
    // Each count includes the one session check every signed-in request makes.
    expect(counts).toEqual({
      list: 2, // + the page of tickets with their service targets joined
      listFiltered: 2,
      newForm: 1,
      newFormForOrder: 2, // + the order, scoped to the customer
      threadShort: 4, // + ticket, public messages with staff names, their attachments
      threadLong: 4,
      download: 2, // + the attachment, scoped through its ticket to the customer
      // + earlier submission?; then ticket, message, quota, attachments, events, history
      openTicket: 8,
      // + ticket found?, earlier submission?; lock, message, quota, attachments, ticket, history
      reply: 9,
      close: 6, // + ticket found?; lock, ticket, event, history
    })
  })
})
