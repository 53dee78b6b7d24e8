import type { Kysely } from 'kysely'
import { getProfileCompleteness } from './customers.ts'
import { listCustomerHistory } from './history.ts'
import type { Viewer } from './item-visibility.ts'
import { listVisibleOpenOrders } from './orders.ts'
import { listVisibleOpenRequests } from './requests.ts'
import type { DB } from './schema.ts'
import { listVisibleOpenTickets } from './tickets.ts'

type OpenOrder = Awaited<ReturnType<typeof listVisibleOpenOrders>>[number]
type OpenRequest = Awaited<ReturnType<typeof listVisibleOpenRequests>>[number]
type OpenTicket = Awaited<ReturnType<typeof listVisibleOpenTickets>>[number]

/** One open thing the customer started, whatever its kind, for a single timeline. */
export type OpenItem =
  | { type: 'order'; updatedAt: Date; dueAt: Date | null; order: OpenOrder }
  | { type: 'request'; updatedAt: Date; dueAt: Date | null; request: OpenRequest }
  | { type: 'ticket'; updatedAt: Date; dueAt: Date | null; ticket: OpenTicket }

const RECENT_ACTIVITY = 5

/**
 * "Where do I stand?": what waits on the customer first, then everything open that they may see
 * in the context they act in (their personal items, and the acting organisation's visible ones),
 * newest change first, then what is missing from their details and the latest changes to their
 * record. The parts are independent, so they are read concurrently.
 */
export async function getCustomerDashboard(db: Kysely<DB>, viewer: Viewer) {
  const { customerId } = viewer
  const [orders, requests, tickets, completeness, activity] = await Promise.all([
    listVisibleOpenOrders(db, viewer),
    listVisibleOpenRequests(db, viewer),
    listVisibleOpenTickets(db, viewer),
    getProfileCompleteness(db, customerId),
    listCustomerHistory(db, customerId, {
      limit: RECENT_ACTIVITY,
      actingOrganisationId: viewer.actingFor?.id ?? null,
    }),
  ])

  const open: OpenItem[] = [
    ...orders.map((order): OpenItem => ({
      type: 'order',
      updatedAt: order.updatedAt,
      // A promised day is a calendar date; the end of that day is when it would be late.
      dueAt: order.promisedDeliveryOn ? new Date(`${order.promisedDeliveryOn}T23:59:59Z`) : null,
      order,
    })),
    ...requests.map((request): OpenItem => ({
      type: 'request',
      updatedAt: request.updatedAt,
      dueAt: request.dueAt,
      request,
    })),
    ...tickets.map((ticket): OpenItem => ({
      type: 'ticket',
      updatedAt: ticket.updatedAt,
      dueAt: ticket.dueAt,
      ticket,
    })),
  ].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())

  const waitingOnCustomer = open.filter(
    (item) =>
      (item.type === 'request' && item.request.status === 'waiting_for_customer') ||
      (item.type === 'ticket' && item.ticket.status === 'waiting_on_customer'),
  )
  const inProgress = open.filter((item) => !waitingOnCustomer.includes(item))

  return { waitingOnCustomer, inProgress, completeness, recentActivity: activity.items }
}
