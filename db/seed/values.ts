import type { Selectable } from 'kysely'
import type { Channels, Orders, Requests, StaffMembers, Tickets, Topics } from '../schema.ts'

export type OrderStatus = Selectable<Orders>['status']
export type RequestKind = Selectable<Requests>['kind']
export type RequestStatus = Selectable<Requests>['status']
export type TicketStatus = Selectable<Tickets>['status']
export type TicketPriority = Selectable<Tickets>['priority']
export type TicketCategory = Selectable<Tickets>['category']
export type ChannelCode = Selectable<Channels>['code']
export type TopicCode = Selectable<Topics>['code']
export type StaffRole = Selectable<StaffMembers>['role']

/**
 * Every value of a union generated from the schema's check constraints. The object literal must
 * name each member exactly once, so a value added by a migration (and `npm run db:types`) fails
 * to compile here until the seed and its tests cover it.
 */
function everyValue<T extends string>(members: Record<T, true>): T[] {
  return Object.keys(members) as T[]
}

export const ORDER_STATUSES = everyValue<OrderStatus>({
  placed: true,
  paid: true,
  packed: true,
  shipped: true,
  delivered: true,
  cancelled: true,
  returned: true,
  refunded: true,
})

export const REQUEST_KINDS = everyValue<RequestKind>({
  return: true,
  repair: true,
  document: true,
  data_correction: true,
  account_closure: true,
})

export const REQUEST_STATUSES = everyValue<RequestStatus>({
  submitted: true,
  in_review: true,
  waiting_for_customer: true,
  approved: true,
  rejected: true,
  completed: true,
  cancelled: true,
})

export const TICKET_STATUSES = everyValue<TicketStatus>({
  open: true,
  waiting_on_customer: true,
  resolved: true,
  closed: true,
})

export const TICKET_PRIORITIES = everyValue<TicketPriority>({
  low: true,
  normal: true,
  high: true,
  urgent: true,
})

export const TICKET_CATEGORIES = everyValue<TicketCategory>({
  order: true,
  delivery: true,
  billing: true,
  account: true,
  product: true,
  other: true,
})

export const CHANNELS = everyValue<ChannelCode>({ email: true, sms: true, phone: true, post: true })

export const TOPICS = everyValue<TopicCode>({
  service: true,
  order_updates: true,
  newsletter: true,
  offers: true,
  surveys: true,
  events: true,
})

export const STAFF_ROLES = everyValue<StaffRole>({ agent: true, supervisor: true, admin: true })
