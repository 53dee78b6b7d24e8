import type { Database } from '#db/database.ts'
import type { OrderStatus, ShipmentStatus } from '#db/orders.ts'
import type { JsonValue } from '#db/schema.ts'
import { ORDER_PATH } from '#db/seed/order-flow.ts'

export interface OrderLineInput {
  sku: string
  description: string
  quantity: number
  unitPriceMinor: number
}

export interface OrderInput {
  status?: OrderStatus
  /** A Date, or an ISO string when a test needs the database's microseconds. */
  placedAt?: Date | string
  currency?: string
  lines?: OrderLineInput[]
  shippingMinor?: number
  taxMinor?: number
  promisedDeliveryOn?: string | null
  shippingAddress?: JsonValue | null
  billingAddress?: JsonValue | null
  /** Timeline events along the usual path to `status`, one hour apart; on by default. */
  events?: boolean
  shipment?: { carrier: string; trackingNumber: string | null; status: ShipmentStatus } | null
}

export const STOCKHOLM_ADDRESS = {
  recipient: 'Anna Berg',
  line1: 'Götgatan 12',
  line2: null,
  city: 'Stockholm',
  region: null,
  postalCode: '118 46',
  countryCode: 'SE',
} as const

const HOUR = 3_600_000

/** An order straight in the database, as checkout and the warehouse would have left it. */
export async function createOrder(
  db: Database,
  customerId: string,
  input: OrderInput = {},
): Promise<{ id: string; orderNumber: string }> {
  const status = input.status ?? 'placed'
  const lines = input.lines ?? [
    { sku: 'KET-1001', description: 'Electric kettle, 1.7 l', quantity: 1, unitPriceMinor: 4990 },
  ]
  const subtotal = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0)
  const shipping = input.shippingMinor ?? 0
  const tax = input.taxMinor ?? 0
  const placedAt = input.placedAt ?? new Date()

  const order = await db
    .insertInto('orders')
    .values({
      customer_id: customerId,
      status,
      currency: input.currency ?? 'EUR',
      subtotal_minor: subtotal,
      shipping_minor: shipping,
      tax_minor: tax,
      total_minor: subtotal + shipping + tax,
      shipping_address: jsonOrNull(input.shippingAddress, STOCKHOLM_ADDRESS),
      billing_address: jsonOrNull(input.billingAddress, STOCKHOLM_ADDRESS),
      promised_delivery_on: input.promisedDeliveryOn ?? null,
      placed_at: placedAt,
    })
    .returning(['id', 'order_number as orderNumber', 'placed_at as placedAt'])
    .executeTakeFirstOrThrow()

  await db
    .insertInto('order_lines')
    .values(
      lines.map((line, index) => ({
        order_id: order.id,
        line_number: index + 1,
        sku: line.sku,
        description: line.description,
        quantity: line.quantity,
        unit_price_minor: line.unitPriceMinor,
        line_total_minor: line.quantity * line.unitPriceMinor,
      })),
    )
    .execute()

  if (input.events ?? true) {
    await db
      .insertInto('order_events')
      .values(
        ORDER_PATH[status].map((step, index) => ({
          order_id: order.id,
          status: step,
          note: null,
          actor_kind: 'system' as const,
          occurred_at: new Date(order.placedAt.getTime() + index * HOUR),
        })),
      )
      .execute()
  }

  if (input.shipment) {
    await db
      .insertInto('shipments')
      .values({
        order_id: order.id,
        carrier: input.shipment.carrier,
        tracking_number: input.shipment.trackingNumber,
        status: input.shipment.status,
      })
      .execute()
  }

  return { id: order.id, orderNumber: order.orderNumber }
}

function jsonOrNull(value: JsonValue | null | undefined, fallback: JsonValue): string | null {
  if (value === null) return null
  return JSON.stringify(value ?? fallback)
}
