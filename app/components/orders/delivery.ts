import { type OrderStatus } from '#db/orders.ts'

// A promised delivery date is a calendar day ('2026-12-01'); whether it has passed depends on
// the day it is where the customer lives, not on the server's clock zone.

/** Statuses in which the goods are still on their way, so a promised date still matters. */
const AWAITING_DELIVERY: readonly OrderStatus[] = ['placed', 'paid', 'packed', 'shipped']

export function awaitsDelivery(status: OrderStatus): boolean {
  return AWAITING_DELIVERY.includes(status)
}

/** Today's date in `timeZone`, as 'YYYY-MM-DD'. */
export function calendarDateIn(timeZone: string, now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now)
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((candidate) => candidate.type === type)?.value ?? ''
  return `${part('year')}-${part('month')}-${part('day')}`
}

/** The promised day has ended where the customer is, and the order has still not arrived. */
export function isDeliveryLate(
  order: { status: OrderStatus; promisedDeliveryOn: string | null },
  timeZone: string,
  now: Date = new Date(),
): boolean {
  if (!order.promisedDeliveryOn || !awaitsDelivery(order.status)) return false
  return order.promisedDeliveryOn < calendarDateIn(timeZone, now)
}
