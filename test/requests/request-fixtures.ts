import type { Database } from '#db/database.ts'
import type { RequestKind } from '#db/requests.ts'

export interface TestOrderLine {
  sku: string
  description: string
  quantity: number
  unitPriceMinor: number
}

const defaultLines: TestOrderLine[] = [
  { sku: 'HDP-2040', description: 'Wireless headphones', quantity: 1, unitPriceMinor: 12900 },
  { sku: 'BTL-0750', description: 'Water bottle', quantity: 2, unitPriceMinor: 1500 },
]

/** An order of the customer's with lines, straight in the database. */
export async function createTestOrder(
  db: Database,
  customerId: string,
  options: { status?: 'placed' | 'delivered'; lines?: TestOrderLine[] } = {},
) {
  const lines = options.lines ?? defaultLines
  const subtotal = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0)
  const order = await db
    .insertInto('orders')
    .values({
      customer_id: customerId,
      status: options.status ?? 'delivered',
      currency: 'EUR',
      subtotal_minor: subtotal,
      total_minor: subtotal,
    })
    .returning(['id', 'order_number as orderNumber'])
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
  return { ...order, lines }
}

/** Resolution targets per kind, in minutes (as staff would set them). */
export const TEST_RESOLUTION_MINUTES: Record<RequestKind, number> = {
  return: 7 * 24 * 60,
  repair: 14 * 24 * 60,
  document: 2 * 24 * 60,
  data_correction: 3 * 24 * 60,
  account_closure: 30 * 24 * 60,
}

export async function setRequestTargets(db: Database): Promise<void> {
  await db
    .insertInto('service_targets')
    .values(
      Object.entries(TEST_RESOLUTION_MINUTES).map(([kind, minutes]) => ({
        subject_kind: 'request_kind' as const,
        subject_value: kind,
        first_response_minutes: 60,
        resolution_minutes: minutes,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['subject_kind', 'subject_value']).doUpdateSet({
        resolution_minutes: (eb) => eb.ref('excluded.resolution_minutes'),
      }),
    )
    .execute()
}

/** Everything a request is made of, for comparing before and after. */
export async function requestState(db: Database, requestId: string) {
  const [request, events, history] = await Promise.all([
    db
      .selectFrom('requests')
      .select(['status', 'version', 'closed_at', 'updated_at', 'details', 'order_id'])
      .where('id', '=', requestId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('request_events')
      .select(['from_status', 'to_status', 'note', 'visibility', 'actor_kind', 'actor_id'])
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('record_history')
      .select(['customer_id', 'action', 'actor_kind', 'actor_id', 'channel', 'before', 'after'])
      .where('entity_type', '=', 'request')
      .where('entity_id', '=', requestId)
      .orderBy('id')
      .execute(),
  ])
  return { request, events, history }
}
