import { type Kysely, type Selectable, sql } from 'kysely'
import { z } from 'zod'
import { InvalidStateError, NotFoundError } from './errors.ts'
import { type Actor, type HistoryChannel, recordHistory } from './history.ts'
import { isUuid } from './ids.ts'
import { afterCursor, decodeCursor, exactTime, pageOf } from './keyset.ts'
import { notifyOrderStatus } from './notifications.ts'
import type { DB, Orders, Shipments } from './schema.ts'

export type OrderStatus = Selectable<Orders>['status']
export type ShipmentStatus = Selectable<Shipments>['status']

/** The order has arrived or has ended; it no longer counts as open on the dashboard. */
export const CLOSED_ORDER_STATUSES = [
  'delivered',
  'cancelled',
  'returned',
  'refunded',
] as const satisfies readonly OrderStatus[]

/** Which status may follow which. Anything not listed is refused. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  placed: ['paid', 'cancelled'],
  paid: ['packed', 'cancelled', 'refunded'],
  packed: ['shipped', 'cancelled'],
  shipped: ['delivered', 'returned'],
  delivered: ['returned'],
  cancelled: [],
  returned: ['refunded'],
  refunded: [],
}

/** Every status (the map above names each once), in the order an order usually moves through. */
export const ORDER_STATUSES = Object.keys(ORDER_TRANSITIONS) as OrderStatus[]

export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value)
}

// Order numbers are 'O' and digits; anything far longer cannot exist, so it is not looked up.
const ORDER_NUMBER_MAX_LENGTH = 32

// Lists --------------------------------------------------------------------------------------

export interface OrderListItem {
  id: string
  orderNumber: string
  status: OrderStatus
  placedAt: Date
  totalMinor: number
  currency: string
}

export interface OrderPage {
  items: OrderListItem[]
  /** The `after` of the next (older) page, or null on the last page. */
  nextCursor: string | null
}

/**
 * One page of the customer's orders, newest first (placed_at desc, id desc), optionally of one
 * status. Keyset pagination over the orders_customer_placed index: the page after a cursor
 * starts below the last row shown, so no rows are skipped or repeated while orders arrive.
 */
export async function listCustomerOrders(
  db: Kysely<DB>,
  customerId: string,
  options: { status?: OrderStatus | null; after?: string | null; limit: number },
): Promise<OrderPage> {
  const cursor = decodeCursor(options.after)
  let query = db
    .selectFrom('orders')
    .select([
      'orders.id',
      'orders.order_number as orderNumber',
      'orders.status',
      'orders.placed_at as placedAt',
      'orders.total_minor as totalMinor',
      'orders.currency',
      exactTime('orders.placed_at').as('cursorAt'),
    ])
    .where('orders.customer_id', '=', customerId)
  if (options.status) query = query.where('orders.status', '=', options.status)
  if (cursor) query = query.where(afterCursor('orders.placed_at', 'orders.id', cursor))
  const rows = await query
    .orderBy('orders.placed_at', 'desc')
    .orderBy('orders.id', 'desc')
    .limit(options.limit + 1)
    .execute()
  return pageOf(rows, options.limit)
}

/** The contract shape the dashboard reads: orders still on their way to the customer. */
export interface OpenOrder {
  id: string
  orderNumber: string
  status: OrderStatus
  placedAt: Date
  updatedAt: Date
  promisedDeliveryOn: string | null
  totalMinor: number
  currency: string
}

/** Orders that are not delivered, cancelled, returned or refunded; newest first. */
export async function listOpenOrders(db: Kysely<DB>, customerId: string): Promise<OpenOrder[]> {
  return db
    .selectFrom('orders')
    .select([
      'id',
      'order_number as orderNumber',
      'status',
      'placed_at as placedAt',
      'updated_at as updatedAt',
      'promised_delivery_on as promisedDeliveryOn',
      'total_minor as totalMinor',
      'currency',
    ])
    .where('customer_id', '=', customerId)
    .where('status', 'not in', CLOSED_ORDER_STATUSES)
    .orderBy('placed_at', 'desc')
    .orderBy('id', 'desc')
    .execute()
}

/** For other pages that take an order number (a request or ticket about an order). */
export async function findCustomerOrderByNumber(
  db: Kysely<DB>,
  customerId: string,
  orderNumber: string,
): Promise<{ id: string; orderNumber: string } | null> {
  if (orderNumber.length > ORDER_NUMBER_MAX_LENGTH) return null
  const row = await db
    .selectFrom('orders')
    .select(['id', 'order_number as orderNumber'])
    .where('customer_id', '=', customerId)
    .where('order_number', '=', orderNumber)
    .executeTakeFirst()
  return row ?? null
}

// One order ------------------------------------------------------------------------------------

/** The address as the order snapshotted it when it was placed (the seed's and checkout's shape). */
const OrderAddressSchema = z.object({
  recipient: z.string(),
  line1: z.string(),
  line2: z.string().nullish(),
  city: z.string(),
  region: z.string().nullish(),
  postalCode: z.string().nullish(),
  countryCode: z.string(),
})

export type OrderAddress = {
  recipient: string
  line1: string
  line2: string | null
  city: string
  region: string | null
  postalCode: string | null
  countryCode: string
}

/** A snapshot of an unexpected shape shows as "not recorded" rather than breaking the page. */
function toAddress(value: unknown): OrderAddress | null {
  const parsed = OrderAddressSchema.safeParse(value)
  if (!parsed.success) return null
  const { line2, region, postalCode, ...rest } = parsed.data
  return { ...rest, line2: line2 ?? null, region: region ?? null, postalCode: postalCode ?? null }
}

export interface OrderLine {
  lineNumber: number
  sku: string
  description: string
  quantity: number
  unitPriceMinor: number
  lineTotalMinor: number
}

export interface OrderShipment {
  id: string
  carrier: string
  trackingNumber: string | null
  status: ShipmentStatus
  shippedAt: Date | null
  deliveredAt: Date | null
}

export interface OrderEvent {
  id: number
  status: OrderStatus
  note: string | null
  occurredAt: Date
}

export interface CustomerOrder {
  id: string
  orderNumber: string
  status: OrderStatus
  currency: string
  subtotalMinor: number
  shippingMinor: number
  taxMinor: number
  totalMinor: number
  shippingAddress: OrderAddress | null
  billingAddress: OrderAddress | null
  promisedDeliveryOn: string | null
  placedAt: Date
  updatedAt: Date
  lines: OrderLine[]
  shipments: OrderShipment[]
  /** Oldest first, as a timeline reads. */
  events: OrderEvent[]
}

/**
 * The customer's order with its lines, shipments and status events, or null when the number is
 * unknown or belongs to someone else (the caller answers both with the same 404). Four queries
 * whatever the order's size: the order, then its lines, shipments and events side by side.
 */
export async function getCustomerOrder(
  db: Kysely<DB>,
  customerId: string,
  orderNumber: string,
): Promise<CustomerOrder | null> {
  if (orderNumber.length > ORDER_NUMBER_MAX_LENGTH) return null
  const order = await db
    .selectFrom('orders')
    .select([
      'id',
      'order_number as orderNumber',
      'status',
      'currency',
      'subtotal_minor as subtotalMinor',
      'shipping_minor as shippingMinor',
      'tax_minor as taxMinor',
      'total_minor as totalMinor',
      'shipping_address as shippingAddress',
      'billing_address as billingAddress',
      'promised_delivery_on as promisedDeliveryOn',
      'placed_at as placedAt',
      'updated_at as updatedAt',
    ])
    .where('customer_id', '=', customerId)
    .where('order_number', '=', orderNumber)
    .executeTakeFirst()
  if (!order) return null

  const [lines, shipments, events] = await Promise.all([
    db
      .selectFrom('order_lines')
      .select([
        'line_number as lineNumber',
        'sku',
        'description',
        'quantity',
        'unit_price_minor as unitPriceMinor',
        'line_total_minor as lineTotalMinor',
      ])
      .where('order_id', '=', order.id)
      .orderBy('line_number')
      .execute(),
    db
      .selectFrom('shipments')
      .select([
        'id',
        'carrier',
        'tracking_number as trackingNumber',
        'status',
        'shipped_at as shippedAt',
        'delivered_at as deliveredAt',
      ])
      .where('order_id', '=', order.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('order_events')
      .select(['id', 'status', 'note', 'occurred_at as occurredAt'])
      .where('order_id', '=', order.id)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute(),
  ])

  return {
    ...order,
    shippingAddress: toAddress(order.shippingAddress),
    billingAddress: toAddress(order.billingAddress),
    lines,
    shipments,
    events,
  }
}

// Status changes (staff) -----------------------------------------------------------------------

export interface ChangeOrderStatusInput {
  orderId: string
  toStatus: OrderStatus
  /** Shown to the customer on the order's timeline. */
  note?: string | null
  actor: Actor
  channel: HistoryChannel
}

export interface ChangedOrderStatus {
  id: string
  status: OrderStatus
  version: number
  updatedAt: Date
}

/**
 * Moves an order to its next status: the order row, its timeline event, the history row and the
 * customer's notification (unless the customer made the change) commit together or not at all.
 * A transition the map does not allow is refused with InvalidStateError and writes nothing. Pass
 * the surrounding transaction if there is one; otherwise it opens one.
 */
export async function changeOrderStatus(
  db: Kysely<DB>,
  input: ChangeOrderStatusInput,
): Promise<ChangedOrderStatus> {
  if (!isUuid(input.orderId)) throw new NotFoundError('order', input.orderId)
  return inTransaction(db, async (trx) => {
    // Locked, so two agents moving the same order cannot both start from the same status.
    const current = await trx
      .selectFrom('orders')
      .select(['id', 'customer_id', 'order_number', 'status'])
      .where('id', '=', input.orderId)
      .forUpdate()
      .executeTakeFirst()
    if (!current) throw new NotFoundError('order', input.orderId)
    if (!ORDER_TRANSITIONS[current.status].includes(input.toStatus)) {
      throw new InvalidStateError(
        'orders:errors.transitionNotAllowed',
        `An order cannot go from ${current.status} to ${input.toStatus}`,
      )
    }

    const updated = await trx
      .updateTable('orders')
      .set((eb) => ({
        status: input.toStatus,
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', current.id)
      .returning(['id', 'status', 'version', 'updated_at as updatedAt'])
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('order_events')
      .values({
        order_id: current.id,
        status: input.toStatus,
        note: input.note ?? null,
        actor_kind: input.actor.kind,
        actor_id: input.actor.id ?? null,
      })
      .execute()
    // now() is the transaction's start, so the order's updated_at, the event and the history
    // row all carry the same instant.
    await recordHistory(trx, {
      customerId: current.customer_id,
      entityType: 'order',
      entityId: current.id,
      action: 'status_changed',
      actor: input.actor,
      channel: input.channel,
      before: { status: current.status },
      after: { status: input.toStatus },
    })
    if (input.actor.kind !== 'customer') {
      await notifyOrderStatus(trx, {
        customerId: current.customer_id,
        orderId: current.id,
        orderNumber: current.order_number,
        status: input.toStatus,
      })
    }
    return updated
  })
}

function inTransaction<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}
