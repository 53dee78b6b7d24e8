import { describe, expect, it } from 'vitest'
import { loader as downloadLoader } from '#app/routes/tickets.$ticketNumber.attachments.$attachmentId.tsx'
import { action as newAction } from '#app/routes/tickets.new.tsx'
import { useTestDatabase } from '#test/support/database.ts'
import { getRequest, routeArgs, signedInCustomer } from '#test/support/fixtures.ts'
import { answerOf, multipartRequest, ticketRowCounts, useUploadsDir } from './ticket-fixtures.ts'

// An uploaded file must never run as a page on our origin: it is accepted by its bytes, and it
// goes back only as a download (attachment), with nosniff and a type from a short safe list.

const database = useTestDatabase()
const uploads = useUploadsDir()

const HTML_BYTES = new TextEncoder().encode(
  '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n',
)

type Customer = Awaited<ReturnType<typeof signedInCustomer>>

function postNewTicket(customer: Customer, file: { name: string; bytes: Uint8Array }) {
  const fields = {
    category: 'product',
    subject: 'A file for you',
    message: 'See the attachment.',
    idempotencyKey: crypto.randomUUID(),
  }
  const request = multipartRequest('/tickets/new', fields, [{ ...file, type: 'image/png' }], {
    cookie: customer.cookie,
  })
  return answerOf(() => newAction(routeArgs(request)))
}

async function attachmentOf(ticketNumber: string) {
  return database.db
    .selectFrom('ticket_attachments')
    .innerJoin('ticket_messages', 'ticket_messages.id', 'ticket_attachments.message_id')
    .innerJoin('tickets', 'tickets.id', 'ticket_messages.ticket_id')
    .select(['ticket_attachments.id', 'ticket_attachments.content_type'])
    .where('tickets.ticket_number', '=', ticketNumber)
    .executeTakeFirstOrThrow()
}

async function download(customer: Customer, ticketNumber: string, attachmentId: string) {
  const answer = await answerOf(() =>
    downloadLoader(
      routeArgs(
        getRequest(`/tickets/${ticketNumber}/attachments/${attachmentId}`, {
          cookie: customer.cookie,
        }),
        { ticketNumber, attachmentId },
      ),
    ),
  )
  if (!answer.response) throw new Error(`Expected a download, got ${answer.status}`)
  return answer.response
}

function ticketNumberFrom(location: string | null): string {
  const match = /^\/tickets\/(T\d+)$/.exec(location ?? '')
  if (!match?.[1]) throw new Error(`Expected a redirect to a ticket, got ${location}`)
  return match[1]
}

describe('uploaded HTML', () => {
  it('is refused under an image name (declared image/png), and nothing is stored', async () => {
    const anna = await signedInCustomer(database.db)
    const before = await ticketRowCounts(database.db)
    const filesBefore = uploads.fileCount()

    const answer = await postNewTicket(anna, { name: 'holiday.png', bytes: HTML_BYTES })

    expect(answer.status).toBe(400)
    expect((answer.data as { error?: Record<string, string[]> }).error?.attachments).toEqual([
      'tickets:errors.wrongType',
    ])
    expect(await ticketRowCounts(database.db)).toEqual(before)
    expect(uploads.fileCount()).toBe(filesBefore)
  })

  it('under a text name is stored as plain text and served only as a download, never as HTML', async () => {
    const anna = await signedInCustomer(database.db)
    const answer = await postNewTicket(anna, { name: 'page.txt', bytes: HTML_BYTES })
    const ticketNumber = ticketNumberFrom(answer.location)
    const attachment = await attachmentOf(ticketNumber)
    expect(attachment.content_type).toBe('text/plain; charset=utf-8')

    const served = await download(anna, ticketNumber, attachment.id)

    expect(served.status).toBe(200)
    expect(served.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
    expect(served.headers.get('Content-Disposition')).toMatch(/^attachment; /)
    expect(served.headers.get('X-Content-Type-Options')).toBe('nosniff')
  })

  it('is served as application/octet-stream when a stored type is not on the safe list', async () => {
    const anna = await signedInCustomer(database.db)
    const answer = await postNewTicket(anna, { name: 'page.txt', bytes: HTML_BYTES })
    const ticketNumber = ticketNumberFrom(answer.location)
    const attachment = await attachmentOf(ticketNumber)
    // A row from before the checks, or written by another tool: its type is not trusted.
    for (const stored of ['text/html', 'image/svg+xml', 'text/plain']) {
      await database.db
        .updateTable('ticket_attachments')
        .set({ content_type: stored })
        .where('id', '=', attachment.id)
        .execute()

      const served = await download(anna, ticketNumber, attachment.id)

      expect(served.headers.get('Content-Type')).toBe('application/octet-stream')
      expect(served.headers.get('Content-Disposition')).toMatch(/^attachment; /)
      expect(served.headers.get('X-Content-Type-Options')).toBe('nosniff')
    }
  })
})
