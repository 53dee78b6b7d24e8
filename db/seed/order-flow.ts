import type { OrderStatus } from './values.ts'

/** The statuses an order passes through to reach each final one. */
export const ORDER_PATH: Record<OrderStatus, OrderStatus[]> = {
  placed: ['placed'],
  paid: ['placed', 'paid'],
  packed: ['placed', 'paid', 'packed'],
  shipped: ['placed', 'paid', 'packed', 'shipped'],
  delivered: ['placed', 'paid', 'packed', 'shipped', 'delivered'],
  cancelled: ['placed', 'cancelled'],
  returned: ['placed', 'paid', 'packed', 'shipped', 'delivered', 'returned'],
  refunded: ['placed', 'paid', 'packed', 'shipped', 'delivered', 'returned', 'refunded'],
}

/** When each step happens, in hours after the order was placed. */
export const HOURS_AFTER_PLACED: Record<OrderStatus, number> = {
  placed: 0,
  paid: 0.1,
  packed: 18,
  shipped: 30,
  delivered: 78,
  cancelled: 3,
  returned: 330,
  refunded: 380,
}

/** How often each final status occurs among generated orders (most orders simply arrive). */
export const ORDER_STATUS_WEIGHTS: Record<OrderStatus, number> = {
  delivered: 10,
  shipped: 2,
  paid: 1,
  packed: 1,
  placed: 1,
  cancelled: 2,
  returned: 2,
  refunded: 1,
}
