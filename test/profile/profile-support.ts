import { type Database } from '#db/database.ts'
import { type Actor } from '#db/history.ts'

/** A loader's or action's `data()` answer: its value and status (200 when none was set). */
export function answer<T>(result: T): {
  value: Exclude<T, Response> extends { data: infer D } ? D : never
  status: number
} {
  if (result instanceof Response) {
    throw new Error(
      `Expected data, got a ${result.status} response to ${result.headers.get('Location')}`,
    )
  }
  const value = result as { data: unknown; init?: { status?: number } | null }
  return {
    value: value.data as Exclude<T, Response> extends { data: infer D } ? D : never,
    status: value.init?.status ?? 200,
  }
}

/** A redirect an action answered with: its status and where it goes. */
export function redirected(result: unknown): { status: number; location: string | null } {
  if (!(result instanceof Response)) {
    throw new Error(`Expected a redirect, got ${JSON.stringify(result)}`)
  }
  return { status: result.status, location: result.headers.get('Location') }
}

export async function historyOf(db: Database, customerId: string) {
  return db
    .selectFrom('record_history')
    .select([
      'entity_type',
      'entity_id',
      'action',
      'actor_kind',
      'actor_id',
      'channel',
      'before',
      'after',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute()
}

/** An order row, enough to make invoices exist for the customer. */
export async function placeOrder(db: Database, customerId: string): Promise<string> {
  const order = await db
    .insertInto('orders')
    .values({
      customer_id: customerId,
      currency: 'SEK',
      subtotal_minor: 10000,
      total_minor: 10000,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return order.id
}

export const UNKNOWN_ID = '00000000-0000-4000-8000-00000000beef'

export function staffActor(accountId: string): Actor {
  return { kind: 'staff', id: accountId }
}
