import { describe, expect, it } from 'vitest'
import { loader as queueLoader } from '#app/routes/staff.tickets._index.tsx'
import { encodeCursor } from '#db/keyset.ts'
import {
  countTicketQueue,
  listTicketQueue,
  QUEUE_PAGE_SIZE,
  type QueueOptions,
} from '#db/staff-tickets.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createCustomerAccount,
  createStaffAccount,
  getRequest,
  routeArgs,
  sessionCookieFor,
} from '#test/support/fixtures.ts'
import { answerOf, createTicket } from '#test/tickets/ticket-fixtures.ts'

const database = useTestDatabase()

/**
 * Tickets assigned to a staff member of their own, so "assigned to me" isolates them from
 * every other test's tickets. Created at fixed times, some at the same instant (ties are broken
 * by id), some never written on by the customer (last in that sort).
 */
async function queueOf(count: number) {
  const db = database.db
  const staff = await createStaffAccount(db, { displayName: 'Paging Agent' })
  const customer = await createCustomerAccount(db)
  const tickets: { id: string; number: string; createdAt: string; lastMessage: string | null }[] =
    []
  for (let i = 0; i < count; i++) {
    // Pairs share a creation time, to the microsecond.
    const createdAt = new Date(Date.UTC(2026, 4, 1, 8, Math.floor(i / 2))).toISOString()
    // Every third ticket has no customer message; the rest wrote in reverse creation order.
    const lastMessage =
      i % 3 === 0 ? null : new Date(Date.UTC(2026, 4, 2, 8, 0, count - i, 123)).toISOString()
    const ticket = await createTicket(db, customer, { createdAt })
    await db
      .updateTable('tickets')
      .set({
        assignee_id: staff.accountId,
        last_customer_message_at: lastMessage,
        created_at: `${createdAt.slice(0, -1)}456Z`,
      })
      .where('id', '=', ticket.ticketId)
      .execute()
    tickets.push({ id: ticket.ticketId, number: ticket.ticketNumber, createdAt, lastMessage })
  }
  return { staff, customer, tickets }
}

function options(staffAccountId: string, sort: QueueOptions['sort']): QueueOptions {
  return { status: 'all', priority: null, assignee: 'me', sort, staffAccountId }
}

async function allPages(base: QueueOptions, limit: number) {
  const pages: string[][] = []
  let after: string | null = null
  do {
    const page = await listTicketQueue(database.db, { ...base, after, limit })
    pages.push(page.items.map((item) => item.ticketNumber))
    after = page.nextCursor
  } while (after && pages.length < 50)
  return pages
}

describe('queue paging', () => {
  it('pages oldest first by keyset with nothing skipped or repeated', async () => {
    const { staff, tickets } = await queueOf(7)
    const whole = await listTicketQueue(database.db, options(staff.accountId, 'age'))
    // Oldest first, ties by id.
    const expected = [...tickets]
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((ticket) => ticket.number)
    expect(whole.items.map((item) => item.ticketNumber)).toEqual(expected)
    expect(whole.nextCursor).toBeNull()

    const pages = await allPages(options(staff.accountId, 'age'), 3)
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1])
    expect(pages.flat()).toEqual(expected)
  })

  it('pages by the customer’s last message, never-written last, across pages', async () => {
    const { staff, tickets } = await queueOf(8)
    const written = tickets
      .filter((ticket) => ticket.lastMessage !== null)
      .sort((a, b) => (a.lastMessage ?? '').localeCompare(b.lastMessage ?? ''))
    const never = tickets
      .filter((ticket) => ticket.lastMessage === null)
      .sort((a, b) => a.id.localeCompare(b.id))
    const expected = [...written, ...never].map((ticket) => ticket.number)

    const pages = await allPages(options(staff.accountId, 'lastCustomerMessage'), 3)
    expect(pages.map((page) => page.length)).toEqual([3, 3, 2])
    expect(pages.flat()).toEqual(expected)
    // A page boundary inside the never-written tail still works.
    const tail = await allPages(options(staff.accountId, 'lastCustomerMessage'), 1)
    expect(tail.flat()).toEqual(expected)
  })

  it('keeps the filter counts whatever page is shown', async () => {
    const { staff } = await queueOf(5)
    const base = options(staff.accountId, 'age')
    const counts = await countTicketQueue(database.db, base)
    expect(counts).toMatchObject({ all: 5, open: 5, active: 5 })
    const first = await listTicketQueue(database.db, { ...base, limit: 2 })
    const second = await listTicketQueue(database.db, {
      ...base,
      limit: 2,
      after: first.nextCursor,
    })
    expect(second.items).toHaveLength(2)
    expect(await countTicketQueue(database.db, base)).toEqual(counts)
  })

  it('the route pages past the old 50 cap, keeps the filters, and ignores a bad cursor', async () => {
    const { staff } = await queueOf(QUEUE_PAGE_SIZE + 2)
    const cookie = await sessionCookieFor(staff.accountId)
    const load = async (query: string) => {
      const answer = await answerOf(() =>
        queueLoader(routeArgs(getRequest(`/staff/tickets${query}`, { cookie }))),
      )
      expect(answer.status).toBe(200)
      return answer.data as {
        rows: { ticketNumber: string }[]
        nextCursor: string | null
        counts: Record<string, number>
      }
    }
    const filter = '?assignee=me&status=all&sort=lastCustomerMessage'
    const first = await load(filter)
    expect(first.rows).toHaveLength(QUEUE_PAGE_SIZE)
    expect(first.counts.all).toBe(QUEUE_PAGE_SIZE + 2)
    expect(first.nextCursor).not.toBeNull()
    const second = await load(`${filter}&after=${first.nextCursor}`)
    expect(second.rows).toHaveLength(2)
    expect(second.nextCursor).toBeNull()
    expect(second.counts).toEqual(first.counts)
    const seen = [...first.rows, ...second.rows].map((row) => row.ticketNumber)
    expect(new Set(seen).size).toBe(QUEUE_PAGE_SIZE + 2)

    // Tampered or foreign cursors show the first page, never an error.
    for (const bad of ['garbage', encodeCursor({ at: 'x', id: '1' }), '%00']) {
      const page = await load(`${filter}&after=${bad}`)
      expect(page.rows.map((row) => row.ticketNumber)).toEqual(
        first.rows.map((row) => row.ticketNumber),
      )
    }
  })
})
