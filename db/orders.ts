import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely'
import { z } from 'zod'
import { InvalidStateError, NotFoundError } from './errors.ts'
import { type Actor, type HistoryChannel, recordHistory } from './history.ts'
import { isUuid } from './ids.ts'
import { customerDisplayName } from './item-shares.ts'
import { type ItemVisibility, type Viewer, visibleTo } from './item-visibility.ts'
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

/**
 * Whose an item in a customer's list is, as the list shows it: the opener's name when the viewer
 * did not open it themselves, and who sees it when it belongs to an organisation (null for a
 * personal item).
 */
export interface ItemOwnership {
  /** Null when the viewer opened it. */
  openerName: string | null
  /** Null for a personal item; otherwise the organisation item's visibility. */
  sharing: ItemVisibility | null
}

/**
 * The columns of ItemOwnership for the row under `alias` (orders, requests or tickets), read in
 * the list's own statement: the opener's customers row must be joined as `openerAlias`.
 */
export function ownershipColumns(viewer: Viewer, alias: string, openerAlias: string) {
  const column = (name: string) => sql.ref(`${alias}.${name}`)
  return [
    sql<string | null>`case when ${column('customer_id')} = ${viewer.customerId} then null
      else ${customerDisplayName(openerAlias)} end`.as('openerName'),
    sql<ItemVisibility | null>`case when ${column('organisation_id')} is null then null
      else ${column('visibility')} end`.as('sharing'),
  ] as const
}

/** Whether the viewer opened the row under `alias`: only they act on it (cancel, return...). */
export function isOpenerColumn(viewer: Viewer, alias: string): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${alias}.customer_id`)} = ${viewer.customerId})`
}

export interface OrderListItem {
  id: string
  orderNumber: string
  status: OrderStatus
  placedAt: Date
  totalMinor: number
  currency: string
}

export interface OrderPage<T extends OrderListItem = OrderListItem> {
  items: T[]
  /** The `after` of the next (older) page, or null on the last page. */
  nextCursor: string | null
}

export type VisibleOrderListItem = OrderListItem & ItemOwnership

interface OrderListOptions {
  status?: OrderStatus | null
  after?: string | null
  limit: number
}

/**
 * Staff side: one page of every order the person placed (in any organisation), newest first
 * (placed_at desc, id desc), optionally of one status. Keyset pagination over the
 * orders_customer_placed index: the page after a cursor starts below the last row shown, so no
 * rows are skipped or repeated while orders arrive. The customer's own pages use
 * listVisibleOrders.
 */
export async function listCustomerOrders(
  db: Kysely<DB>,
  customerId: string,
  options: OrderListOptions,
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

/**
 * Customer side: one page of the orders the viewer may see in the context they act in (their
 * personal orders, and the acting organisation's visible ones), newest first, with whose each
 * is. One statement, however many openers the page shows.
 */
export async function listVisibleOrders(
  db: Kysely<DB>,
  viewer: Viewer,
  options: OrderListOptions,
): Promise<OrderPage<VisibleOrderListItem>> {
  const cursor = decodeCursor(options.after)
  let query = db
    .selectFrom('orders')
    .innerJoin('customers as opener', 'opener.id', 'orders.customer_id')
    .select([
      'orders.id',
      'orders.order_number as orderNumber',
      'orders.status',
      'orders.placed_at as placedAt',
      'orders.total_minor as totalMinor',
      'orders.currency',
      ...ownershipColumns(viewer, 'orders', 'opener'),
      exactTime('orders.placed_at').as('cursorAt'),
    ])
    .where(visibleTo(viewer, 'order', 'orders'))
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

const openOrderColumns = [
  'orders.id',
  'orders.order_number as orderNumber',
  'orders.status',
  'orders.placed_at as placedAt',
  'orders.updated_at as updatedAt',
  'orders.promised_delivery_on as promisedDeliveryOn',
  'orders.total_minor as totalMinor',
  'orders.currency',
] as const

/**
 * Staff side: the person's orders (in any organisation) that are not delivered, cancelled,
 * returned or refunded; newest first. The dashboard uses listVisibleOpenOrders.
 */
export async function listOpenOrders(db: Kysely<DB>, customerId: string): Promise<OpenOrder[]> {
  return db
    .selectFrom('orders')
    .select(openOrderColumns)
    .where('orders.customer_id', '=', customerId)
    .where('orders.status', 'not in', CLOSED_ORDER_STATUSES)
    .orderBy('orders.placed_at', 'desc')
    .orderBy('orders.id', 'desc')
    .execute()
}

export type VisibleOpenOrder = OpenOrder & ItemOwnership

/** Customer side: the open orders the viewer may see in their context; newest first. */
export async function listVisibleOpenOrders(
  db: Kysely<DB>,
  viewer: Viewer,
): Promise<VisibleOpenOrder[]> {
  return db
    .selectFrom('orders')
    .innerJoin('customers as opener', 'opener.id', 'orders.customer_id')
    .select([...openOrderColumns, ...ownershipColumns(viewer, 'orders', 'opener')])
    .where(visibleTo(viewer, 'order', 'orders'))
    .where('orders.status', 'not in', CLOSED_ORDER_STATUSES)
    .orderBy('orders.placed_at', 'desc')
    .orderBy('orders.id', 'desc')
    .execute()
}

export interface VisibleOrderRef {
  id: string
  orderNumber: string
  /** The order's organisation, or null for a personal order. */
  organisationId: string | null
  /** Whether the viewer placed it (only they start a return from it). */
  isOpener: boolean
}

/**
 * For other pages that take an order number (a request or ticket about an order): the order if
 * the viewer may see it in the context they act in, else null (unknown and hidden alike).
 */
export async function findVisibleOrder(
  db: Kysely<DB>,
  viewer: Viewer,
  orderNumber: string,
): Promise<VisibleOrderRef | null> {
  if (orderNumber.length > ORDER_NUMBER_MAX_LENGTH) return null
  const row = await db
    .selectFrom('orders')
    .select([
      'orders.id',
      'orders.order_number as orderNumber',
      'orders.organisation_id as organisationId',
      isOpenerColumn(viewer, 'orders').as('isOpener'),
    ])
    .where(visibleTo(viewer, 'order', 'orders'))
    .where('orders.order_number', '=', orderNumber)
    .executeTakeFirst()
  return row ?? null
}

/**
 * The customer's own personal order by number, as if they acted for themselves.
 * @deprecated Pass the session's viewer to findVisibleOrder instead: this one never finds an
 * organisation's order.
 */
export async function findCustomerOrderByNumber(
  db: Kysely<DB>,
  customerId: string,
  orderNumber: string,
): Promise<{ id: string; orderNumber: string } | null> {
  const found = await findVisibleOrder(db, { customerId, actingFor: null }, orderNumber)
  return found ? { id: found.id, orderNumber: found.orderNumber } : null
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

export interface CustomerOrder extends ItemOwnership {
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
  /** The order's organisation, or null for a personal order. */
  organisationId: string | null
  /** Whether the viewer placed it: only they start a return from it. */
  isOpener: boolean
}

/**
 * The order with its lines, shipments and status events, or null when the number is unknown or
 * the viewer may not see it in the context they act in (the caller answers both with the same
 * 404). Four queries whatever the order's size: the order, then its lines, shipments and events
 * side by side.
 */
export async function getCustomerOrder(
  db: Kysely<DB>,
  viewer: Viewer,
  orderNumber: string,
): Promise<CustomerOrder | null> {
  if (orderNumber.length > ORDER_NUMBER_MAX_LENGTH) return null
  const order = await db
    .selectFrom('orders as o')
    .innerJoin('customers as opener', 'opener.id', 'o.customer_id')
    .select([
      'o.id',
      'o.order_number as orderNumber',
      'o.status',
      'o.currency',
      'o.subtotal_minor as subtotalMinor',
      'o.shipping_minor as shippingMinor',
      'o.tax_minor as taxMinor',
      'o.total_minor as totalMinor',
      'o.shipping_address as shippingAddress',
      'o.billing_address as billingAddress',
      'o.promised_delivery_on as promisedDeliveryOn',
      'o.placed_at as placedAt',
      'o.updated_at as updatedAt',
      'o.organisation_id as organisationId',
      isOpenerColumn(viewer, 'o').as('isOpener'),
      ...ownershipColumns(viewer, 'o', 'opener'),
    ])
    .where(visibleTo(viewer, 'order', 'o'))
    .where('o.order_number', '=', orderNumber)
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
