import type { Selectable } from 'kysely'
import type { Actor } from '../history.ts'
import type { ItemVisibility } from '../item-visibility.ts'
import type { JsonValue, Shipments } from '../schema.ts'
import { type DemoContext, type DemoCustomer, DemoClock } from './demo-context.ts'
import { ANNA_BERG, type DemoLanguage, LUCAS_MEYER } from './demo-people.ts'
import {
  CATALOGUE,
  FREE_SHIPPING_FROM_EURO_CENTS,
  localPrice,
  type Region,
  SHIPPING_EURO_CENTS,
} from './regions.ts'
import { HOURS_AFTER_PLACED, ORDER_PATH, ORDER_STATUS_WEIGHTS } from './order-flow.ts'
import type { OrderStatus } from './values.ts'

const statusWeights = (Object.entries(ORDER_STATUS_WEIGHTS) as [OrderStatus, number][]).map(
  ([value, weight]) => ({ value, weight }),
)

type ShipmentStatus = Selectable<Shipments>['status']

export interface OrderScript {
  /** How request and ticket scripts refer to this order. */
  ref: string
  customer: string
  status: OrderStatus
  daysAgo: number
  items: [sku: string, quantity: number][]
  shipment?: ShipmentStatus
  /** Placed for a company: the organisation it belongs to, and who sees it there. */
  organisation?: { id: string; visibility: ItemVisibility }
  /** Where it goes and is invoiced, when not the customer's home (a company's office). */
  address?: { [key: string]: JsonValue }
}

// Orders the request and ticket scripts talk about; everyone else gets random ones.
const SCRIPTED: OrderScript[] = [
  {
    ref: 'anna-headphones',
    customer: ANNA_BERG,
    status: 'delivered',
    daysAgo: 40,
    items: [
      ['HDP-2040', 1],
      ['BTL-0750', 2],
    ],
  },
  {
    ref: 'anna-kettle',
    customer: ANNA_BERG,
    status: 'delivered',
    daysAgo: 15,
    items: [
      ['KET-1001', 1],
      ['MUG-0102', 1],
    ],
  },
  {
    ref: 'anna-backpack',
    customer: ANNA_BERG,
    status: 'shipped',
    daysAgo: 5,
    items: [['BAG-3310', 1]],
  },
  {
    ref: 'anna-speaker',
    customer: ANNA_BERG,
    status: 'paid',
    daysAgo: 2,
    items: [['SPK-0300', 1]],
  },
  {
    ref: 'anna-coffee',
    customer: ANNA_BERG,
    status: 'placed',
    daysAgo: 1,
    items: [['COF-0500', 3]],
  },
  {
    ref: 'anna-lamp',
    customer: ANNA_BERG,
    status: 'cancelled',
    daysAgo: 21,
    items: [['LMP-5500', 1]],
  },
  {
    ref: 'anna-blanket',
    customer: ANNA_BERG,
    status: 'refunded',
    daysAgo: 120,
    items: [['BLK-1500', 1]],
  },
  {
    ref: 'lucas-kettle',
    customer: LUCAS_MEYER,
    status: 'delivered',
    daysAgo: 60,
    items: [['KET-1001', 1]],
  },
  {
    ref: 'lucas-towels',
    customer: LUCAS_MEYER,
    status: 'delivered',
    daysAgo: 9,
    items: [['TWL-1200', 4]],
  },
  {
    ref: 'lucas-pan',
    customer: LUCAS_MEYER,
    status: 'packed',
    daysAgo: 3,
    items: [['PAN-2800', 1]],
  },
  {
    ref: 'lucas-charger',
    customer: LUCAS_MEYER,
    status: 'returned',
    daysAgo: 30,
    items: [['CHG-0065', 2]],
  },
  {
    ref: 'sofia-blanket',
    customer: 'sofia-garcia',
    status: 'refunded',
    daysAgo: 75,
    items: [['BLK-1500', 1]],
  },
  {
    ref: 'liam-umbrella',
    customer: 'liam-obrien',
    status: 'delivered',
    daysAgo: 70,
    items: [['UMB-0900', 2]],
  },
  {
    ref: 'zoe-headphones',
    customer: 'zoe-dangelo',
    status: 'delivered',
    daysAgo: 200,
    items: [['HDP-2040', 1]],
  },
  {
    ref: 'emma-speaker',
    customer: 'emma-wilson',
    status: 'delivered',
    daysAgo: 25,
    items: [['SPK-0300', 1]],
    shipment: 'delivered',
  },
  {
    ref: 'hiroshi-pan',
    customer: 'hiroshi-tanaka',
    status: 'shipped',
    daysAgo: 6,
    items: [
      ['PAN-2800', 1],
      ['COF-0500', 2],
    ],
    shipment: 'out_for_delivery',
  },
]

const NOTES: Partial<Record<OrderStatus, Record<DemoLanguage, string>>> = {
  cancelled: {
    en: 'Cancelled at your request before payment was taken.',
    de: 'Auf Ihren Wunsch storniert, bevor die Zahlung eingezogen wurde.',
    es: 'Cancelado a petición suya antes de cobrar el pago.',
  },
  returned: {
    en: 'Your return arrived at our warehouse.',
    de: 'Ihre Rücksendung ist in unserem Lager angekommen.',
    es: 'Su devolución ha llegado a nuestro almacén.',
  },
  refunded: {
    en: 'Refunded to your original payment method.',
    de: 'Auf Ihr ursprüngliches Zahlungsmittel erstattet.',
    es: 'Reembolsado a su método de pago original.',
  },
}

export interface DemoOrder {
  id: string
  customer: DemoCustomer
  status: OrderStatus
  placedAt: Date
  /** When each status of its path was reached. */
  reached: Map<OrderStatus, Date>
}

/** The latest hour of day an order is placed; with it, the days a status needs to be in the past. */
const LATEST_HOUR = 21

function minimumDaysAgo(status: OrderStatus): number {
  return Math.ceil((LATEST_HOUR + HOURS_AFTER_PLACED[status]) / 24)
}

export function buildOrders(ctx: DemoContext): Map<string, DemoOrder> {
  const orders = new Map<string, DemoOrder>()
  const scripted = new Set(SCRIPTED.map((script) => script.customer))
  for (const script of SCRIPTED) {
    orders.set(script.ref, buildOrder(ctx, { ...script, customer: ctx.customer(script.customer) }))
  }
  for (const [key, customer] of ctx.customers) {
    if (scripted.has(key)) continue
    const count = ctx.random.number.int({ min: 0, max: 3 })
    for (let n = 0; n < count; n++) {
      const status = ctx.random.helpers.weightedArrayElement(statusWeights)
      const newest = Math.min(customer.person.customerSinceDays - 1, 500)
      // A customer too new for that status gets an order placed yesterday instead.
      const fits = minimumDaysAgo(status) <= newest
      const items = ctx.random.helpers
        .arrayElements(CATALOGUE, { min: 1, max: 3 })
        .map((item): [string, number] => [item.sku, ctx.random.number.int({ min: 1, max: 2 })])
      const order = buildOrder(ctx, {
        customer,
        status: fits ? status : 'placed',
        daysAgo: fits ? ctx.random.number.int({ min: minimumDaysAgo(status), max: newest }) : 1,
        items,
      })
      orders.set(`${key}-${n}`, order)
    }
  }
  return orders
}

export function buildOrder(
  ctx: DemoContext,
  script: Omit<OrderScript, 'ref' | 'customer'> & { customer: DemoCustomer },
): DemoOrder {
  const { customer, status } = script
  if (script.daysAgo < minimumDaysAgo(status)) {
    throw new Error(
      `A ${status} order needs to be placed at least ${minimumDaysAgo(status)} days ago`,
    )
  }
  const random = ctx.random
  const region = customer.region
  const id = ctx.id()
  const placedAt = ctx.clock.daysAgo(
    script.daysAgo,
    random.number.int({ min: 7 * 4, max: LATEST_HOUR * 4 }) / 4,
  )

  let subtotal = 0
  let euroCents = 0
  script.items.forEach(([sku, quantity], index) => {
    const item = CATALOGUE.find((candidate) => candidate.sku === sku)
    if (!item) throw new Error(`Unknown catalogue item ${sku}`)
    const unitPrice = localPrice(region, item.euroCents)
    subtotal += unitPrice * quantity
    euroCents += item.euroCents * quantity
    ctx.rows.order_lines.push({
      order_id: id,
      line_number: index + 1,
      sku,
      description: item.description,
      quantity,
      unit_price_minor: unitPrice,
      line_total_minor: unitPrice * quantity,
    })
  })
  const shipping =
    euroCents >= FREE_SHIPPING_FROM_EURO_CENTS ? 0 : localPrice(region, SHIPPING_EURO_CENTS)
  const tax = Math.round((subtotal * region.taxPercent) / 100)

  const path = ORDER_PATH[status]
  const reached = new Map<OrderStatus, Date>()
  const customerActor: Actor = { kind: 'customer', id: customer.accountId }
  for (const step of path) {
    const at = DemoClock.plusHours(placedAt, HOURS_AFTER_PLACED[step])
    reached.set(step, at)
    const actor: Actor =
      step === 'placed' || step === 'cancelled'
        ? customerActor
        : step === 'returned'
          ? ctx.staffActor('agent')
          : step === 'refunded'
            ? ctx.staffActor('supervisor')
            : // Payment, warehouse and carrier report these steps themselves.
              { kind: 'integration' }
    ctx.rows.order_events.push({
      order_id: id,
      status: step,
      note: NOTES[step]?.[customer.person.language] ?? null,
      actor_kind: actor.kind,
      actor_id: actor.id ?? null,
      occurred_at: at,
    })
  }
  const lastChange = reached.get(status) ?? placedAt

  ctx.rows.orders.push({
    id,
    customer_id: customer.id,
    status,
    currency: region.currency,
    subtotal_minor: subtotal,
    shipping_minor: shipping,
    tax_minor: tax,
    total_minor: subtotal + shipping + tax,
    shipping_address: JSON.stringify(script.address ?? customer.homeAddress),
    billing_address: JSON.stringify(script.address ?? customer.homeAddress),
    promised_delivery_on: status === 'cancelled' ? null : DemoClock.dateAfter(placedAt, 5),
    placed_at: placedAt,
    updated_at: lastChange,
    version: path.length,
    organisation_id: script.organisation?.id ?? null,
    visibility: script.organisation?.visibility ?? 'private',
  })

  const packedAt = reached.get('packed')
  if (packedAt) {
    const shippedAt = reached.get('shipped') ?? null
    const deliveredAt = reached.get('delivered') ?? null
    ctx.rows.shipments.push({
      order_id: id,
      carrier: region.carrier,
      tracking_number: trackingNumber(ctx, region),
      status:
        script.shipment ?? (deliveredAt ? 'delivered' : shippedAt ? 'in_transit' : 'label_created'),
      shipped_at: shippedAt,
      delivered_at: deliveredAt,
      created_at: packedAt,
    })
  }

  ctx.history(
    {
      customerId: customer.id,
      entityType: 'order',
      entityId: id,
      action: 'placed',
      actor: customerActor,
      channel: 'portal',
      after: {
        currency: region.currency,
        totalMinor: subtotal + shipping + tax,
        lines: script.items.length,
      },
    },
    placedAt,
  )

  return { id, customer, status, placedAt, reached }
}

function trackingNumber(ctx: DemoContext, region: Region): string {
  const random = ctx.random
  switch (region.tracking) {
    case 'upu':
      // The Universal Postal Union's S10 format: two letters, nine digits, the country.
      return `${random.string.alpha({ length: 2, casing: 'upper' })}${random.string.numeric(9)}${region.countryCode}`
    case 'ups':
      return `1Z${random.string.alphanumeric({ length: 16, casing: 'upper' })}`
    case 'dhl':
      return random.string.numeric(10)
    case 'digits':
      return random.string.numeric(12)
  }
}
